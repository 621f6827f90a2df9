public import Foundation

extension Newsletter {
    /// Renders the digest of what is new into `folder` (`digest.html`, `digest.txt`, `digest.eml`:
    /// the exact message the first active subscriber would get) without sending or marking anything.
    ///
    /// When nothing is new (the week's issue already went out), it renders the last issue that went out, as
    /// `send --test` sends it, and ``PreviewResult/lastIssue`` names it: an empty digest is never what a
    /// subscriber gets, and an editor checking changed templates needs articles to see them with.
    /// - Throws: file-system, MIME or database errors; ``NewsletterError/allSourcesFailed(_:)``.
    public func preview(now: Date, to folder: URL) async throws -> PreviewResult {
        let fetch = await builder.fetchAll(now: now, countsFailures: false)
        if let stateError = fetch.stateError { throw stateError }
        if fetch.allFailed {
            throw NewsletterError.allSourcesFailed(fetch.failedSources.map { "\($0.name): \($0.reason)" })
        }
        var content = makeContent(
            try await selectNew(now: now), now: now, failedSources: fetch.failedSources.map(\.name))
        var lastIssue: String?
        if !content.items.isEmpty {
            content.subject = try await database.distinctSubject(content.subject)
        } else if let last = try await database.sentDigests().last {
            (content, lastIssue) = (last.content, last.subject)
        }
        let subscribers = try SubscriberList.load(config: config)
        let subscriber =
            subscribers.active.first ?? Subscriber(email: "subscriber@example.com", name: "", token: "preview")
        let bodies = composer.renderer.render(
            content,
            for: DigestRenderer.Recipient(
                name: subscriber.name, unsubscribeURL: composer.unsubscribeURL(for: subscriber)))
        let message = try composer.compose(content, for: subscriber, messageID: composer.makeMessageID(), date: now)
        let result = PreviewResult(
            html: folder.appendingPathComponent("digest.html"), text: folder.appendingPathComponent("digest.txt"),
            eml: folder.appendingPathComponent("digest.eml"), content: content, fetch: fetch, lastIssue: lastIssue)
        try AtomicFile.write(Data(bodies.html.utf8), to: result.html)
        try AtomicFile.write(Data(bodies.text.utf8), to: result.text)
        try AtomicFile.write(Data(message), to: result.eml)
        return result
    }

    /// The message `subscriber` would get for this week's digest, for `send --test`: nothing is
    /// frozen, recorded or marked.
    ///
    /// When nothing is new (the week's issue already went out), it is
    /// the last issue that went out, as its subscribers got it, and `lastIssue` names it.
    /// - Throws: ``NewsletterError`` when every source failed, or nothing is new and no issue has
    ///   gone out yet.
    public func testMessage(for subscriber: Subscriber, now: Date) async throws -> (
        message: [UInt8], lastIssue: String?
    ) {
        let content: DigestContent
        let lastIssue: String?
        if let new = try await builder.build(now: now, countsFailures: false).content {
            (content, lastIssue) = (new, nil)
        } else if let last = try await database.sentDigests().last {
            (content, lastIssue) = (last.content, last.subject)
        } else {
            throw NewsletterError(description: "nothing new and no issue has gone out yet: no digest to send")
        }
        // The test address has no real token: do not advertise one-click unsubscribe for it.
        var composer = self.composer
        composer.config.unsubscribeOneClick = false
        let message = try composer.compose(content, for: subscriber, messageID: composer.makeMessageID(), date: now)
        return (message, lastIssue)
    }

    /// Sends this week's digest (or, when nothing is new, the last issue that went out) to one
    /// address only (`send --test`), recording and marking nothing.
    /// - Returns: the server's reply, and the last issue's subject when that is what was sent.
    /// - Throws: ``NewsletterError`` when there is no digest at all or the server does not accept it.
    public func sendTest(to address: String, now: Date, transport: any MailTransport) async throws -> (
        reply: String, lastIssue: String?
    ) {
        let subscriber = Subscriber(email: try MailAddress(email: address).email, name: "", token: "test")
        try DigestSender.checkWireSafe(subscriber.email, what: "address")
        let (bytes, lastIssue) = try await testMessage(for: subscriber, now: now)
        let envelopeSender = config.envelopeSender
        let outcome = try await runBlocking {
            try transport.makeSession().send(
                envelopeSender: envelopeSender, recipient: subscriber.email, message: bytes)
        }
        guard case .accepted(let reply) = outcome else {
            throw NewsletterError(description: "test message to \(subscriber.email) not accepted: \(outcome.reply)")
        }
        return (reply, lastIssue)
    }
}
