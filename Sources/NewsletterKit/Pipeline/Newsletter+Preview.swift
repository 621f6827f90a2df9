public import Foundation

extension Newsletter {
    /// Renders the digest of what is new into `folder` (`digest.html`, `digest.txt`, `digest.eml`:
    /// the exact message the first active subscriber would get) without sending or marking anything.
    /// - Throws: file-system, MIME or database errors; ``NewsletterError/allSourcesFailed(_:)``.
    public func preview(now: Date, to folder: URL) async throws -> PreviewResult {
        let fetch = await fetchAll(now: now)
        if fetch.allFailed {
            throw NewsletterError.allSourcesFailed(fetch.failedSources.map { "\($0.name): \($0.reason)" })
        }
        let content = makeContent(
            try await selectNew(now: now), now: now, failedSources: fetch.failedSources.map(\.name))
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
            eml: folder.appendingPathComponent("digest.eml"), content: content, fetch: fetch)
        try AtomicFile.write(Data(bodies.html.utf8), to: result.html)
        try AtomicFile.write(Data(bodies.text.utf8), to: result.text)
        try AtomicFile.write(Data(message), to: result.eml)
        return result
    }

    /// The message `subscriber` would get for this week's digest, for `send --test`: nothing is
    /// frozen, recorded or marked.
    /// - Throws: ``NewsletterError`` when every source failed or nothing is new.
    public func testMessage(for subscriber: Subscriber, now: Date) async throws -> [UInt8] {
        guard let content = try await builder.build(now: now).content else {
            throw NewsletterError(description: "nothing new: no digest to send")
        }
        // The test address has no real token: do not advertise one-click unsubscribe for it.
        var composer = self.composer
        composer.config.unsubscribeOneClick = false
        return try composer.compose(content, for: subscriber, messageID: composer.makeMessageID(), date: now)
    }

    /// Sends this week's digest to one address only (`send --test`), recording and marking nothing.
    /// - Throws: ``NewsletterError`` when nothing is new or the server does not accept it.
    public func sendTest(to address: String, now: Date, transport: any MailTransport) async throws -> String {
        let subscriber = Subscriber(email: try MailAddress(email: address).email, name: "", token: "test")
        try DigestSender.checkWireSafe(subscriber.email, what: "address")
        let bytes = try await testMessage(for: subscriber, now: now)
        let envelopeSender = config.envelopeSender
        let outcome = try await runBlocking {
            try transport.makeSession().send(
                envelopeSender: envelopeSender, recipient: subscriber.email, message: bytes)
        }
        guard case .accepted(let reply) = outcome else {
            throw NewsletterError(description: "test message to \(subscriber.email) not accepted: \(outcome.reply)")
        }
        return reply
    }
}
