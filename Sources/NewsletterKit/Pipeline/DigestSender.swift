public import Foundation
public import Logging
import Synchronization

/// Sending: freezes a digest in the delivery ledger, delivers its pending deliveries through the
/// ``DeliveryEngine``, records every outcome (failing closed), and applies the bounce policy.
public struct DigestSender: Sendable {
    public let config: NewsletterConfig
    public let database: AppDatabase
    public let composer: MessageComposer
    public let logger: Logger
    /// Set by the command on SIGINT/SIGTERM; sending stops between transactions.
    public let stop: StopRequest
    /// Told after each delivery's outcome is recorded (for a live progress line).
    public var onProgress: ProgressHandler?
    /// How often a send looks at the subscriber list file for unsubscribes made while it runs
    /// (``SubscriberListWatch``): whoever left is not sent the digest after that.
    public var listCheckInterval: Duration = .milliseconds(500)

    /// After this many consecutive digests failing permanently (5xx), an address is disabled.
    public static let bounceLimit = 3

    public init(
        config: NewsletterConfig, database: AppDatabase, composer: MessageComposer, logger: Logger, stop: StopRequest,
        onProgress: ProgressHandler? = nil
    ) {
        self.onProgress = onProgress
        self.config = config
        self.database = database
        self.composer = composer
        self.logger = logger
        self.stop = stop
    }

    /// Checks, before anything is frozen, everything that could make a message fail to build:
    /// one complete message (List-Id, From, Subject, header sizes, templates) and, for every
    /// recipient, the fields that differ per person (address, unsubscribe link with its token).
    /// - Parameters:
    ///   - content: the digest to be frozen.
    ///   - subscribers: the recipients.
    ///   - now: the Date header of the trial message.
    /// - Throws: the MIME or address error, naming the subscriber's address where it is theirs.
    public func checkBeforeFreezing(_ content: DigestContent, subscribers: [Subscriber], now: Date) throws {
        guard let first = subscribers.first else { return }
        _ = try composer.compose(content, for: first, messageID: composer.makeMessageID(), date: now)
        for subscriber in subscribers { try checkRecipient(subscriber) }
    }

    /// ``checkBeforeFreezing(_:subscribers:now:)`` for the active rows of a snapshot, read one at a time.
    /// - Parameters:
    ///   - content: the digest to be frozen.
    ///   - subscribers: the list as this run read it; its active rows are the recipients.
    ///   - now: the Date header of the trial message.
    /// - Throws: the MIME or address error, naming the subscriber's address where it is theirs;
    ///   ``SubscriberError`` when the snapshot cannot be read.
    public func checkBeforeFreezing(_ content: DigestContent, subscribers: SubscriberSnapshot, now: Date) throws {
        var first = true
        try subscribers.forEachActive { subscriber in
            if first {
                _ = try composer.compose(content, for: subscriber, messageID: composer.makeMessageID(), date: now)
                first = false
            }
            try checkRecipient(subscriber)
        }
    }

    /// The per-recipient part of the check before freezing: address, unsubscribe link with its token.
    private func checkRecipient(_ subscriber: Subscriber) throws {
        do {
            try Self.checkWireSafe(subscriber.email, what: "address")
            _ = try subscriber.address
            if let link = composer.unsubscribeURL(for: subscriber) {
                try Self.checkWireSafe(link, what: "unsubscribe link")
                guard let url = URL(string: link) else {
                    throw NewsletterError(description: "unsubscribe link is not a URL: \(link)")
                }
                _ = try ListUnsubscribe(https: url)
            }
        } catch {
            throw NewsletterError(
                description: "\(config.subscribersFile.path): \(subscriber.email): \(error); nothing sent")
        }
    }

    /// Throws when `value` contains CR, LF or NUL (SMTP command or header injection).
    static func checkWireSafe(_ value: String, what: String) throws {
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            throw NewsletterError(description: "\(what) contains CR, LF or NUL: \(value.debugDescription)")
        }
    }

    /// Stores the digest with one pending delivery per active subscriber, before anything is sent, in
    /// one transaction fed row by row from the snapshot (memory does not grow with the list).
    func freeze(_ content: DigestContent, subscribers: SubscriberSnapshot, clock: RunClock) async throws
        -> DigestRecord
    {
        let composer = self.composer
        return try await database.freezeDigest(
            content,
            forEachRecipient: { each in try subscribers.forEachActive { try each($0.email) } },
            messageID: { composer.makeMessageID() }, at: clock.now())
    }

    /// Pending deliveries read from the ledger at a time: memory holds one page, not the list.
    static let pageSize = 500

    /// Delivers a frozen digest's pending deliveries, read from the ledger page by page, and
    /// records each outcome (``DeliveryRecorder``: group commit) before the session that sent it
    /// sends its next message.
    func deliver(
        digest: DigestRecord, subscribers: SubscriberSnapshot, clock: RunClock, transport: any MailTransport
    ) async throws -> (report: DeliveryEngine.Report, finish: AppDatabase.DigestFinish) {
        guard let id = digest.id else {
            return (DeliveryEngine.Report(), AppDatabase.DigestFinish(failed: [], uncertain: [], pending: 0))
        }
        let database = self.database
        // Each claimed page's rows are looked up once, when the page is claimed, and handed to the
        // message builder here: memory holds the pages in flight, never the list.
        let claimed = LockedValue<[String: Subscriber]>([:])
        // Deliveries whose address left the list since the digest was frozen (a resume): settled by the claim.
        let leftBefore = Atomic(0)
        // One read of the snapshot per page.
        let activeAmong: @Sendable ([String]) throws -> Set<String> = { emails in
            let active = try subscribers.subscribers(emails).filter { $0.value.status == .active }
            claimed.withLock { $0.merge(active) { _, new in new } }
            leftBefore.add(emails.count - active.count, ordering: .relaxed)
            return Set(active.keys)
        }
        let first = try database.claimPendingPage(
            digestID: id, after: 0, limit: Self.pageSize, activeAmong: activeAmong, at: clock.now())
        var report = DeliveryEngine.Report()
        if !first.deliveries.isEmpty {
            let smtp = config.smtp
            var configured = DeliveryEngine(
                transport: transport, envelopeSender: config.envelopeSender, connections: smtp?.connections ?? 1,
                ratePerSecond: smtp?.ratePerSecond ?? 0, retryDelays: smtp?.retryDelays ?? [])
            configured.stop = stop
            let engine = configured
            stop.setDelivering(true)
            defer { stop.setDelivering(false) }
            let logger = self.logger
            let recorder = try DeliveryRecorder(
                database: database, clock: clock, giveUpHours: smtp?.giveUpAfterHours ?? 48)
            // The outcomes still only in the outcome log go to the ledger (fsynced), however the sessions stopped
            // (below, before the ledger is read again; here for a throw). Should that fail, they stay in the log
            // for the next run.
            defer { try? recorder.finish() }
            // The first page, then the next ones as the sessions use them up.
            let cursor = LockedValue((page: Optional(first.deliveries), next: first.next))
            let pages: @Sendable () throws -> [DeliveryEngine.Job] = {
                try cursor.withLock { cursor in
                    // Pages whose every address has left the list are read past.
                    while true {
                        if let page = cursor.page {
                            cursor.page = nil
                            if !page.isEmpty {
                                return page.map {
                                    DeliveryEngine.Job(
                                        recipient: $0.email, previousAttempts: $0.attempts, messageID: $0.messageID)
                                }
                            }
                        }
                        guard let after = cursor.next else { return [] }
                        let read = try database.claimPendingPage(
                            digestID: id, after: after, limit: Self.pageSize, activeAmong: activeAmong, at: clock.now())
                        cursor = (read.deliveries, read.next)
                    }
                }
            }
            // The Date header: the run's time, as before (one clock: the run's start).
            let date = clock.start
            // Rendered and encoded once; each message is personalised by splicing.
            let prepared = Result { try self.composer.prepare(digest.content, date: date) }
            // The total for the progress line: one count, not the rows.
            let total = first.next == nil ? first.deliveries.count : try database.pendingCount(digestID: id)
            let counter = ProgressCounter(.delivering, total: total, handler: onProgress)
            // Unsubscribes made while this runs (serve's one-click POST, `subscribers unsubscribe`).
            let watch = SubscriberListWatch(subscribers, interval: listCheckInterval)
            report = try await runBlocking {
                engine.deliver(
                    pages: pages, sessions: first.next == nil ? first.deliveries.count : .max, logger: logger
                ) { job in
                    guard
                        let subscriber = try claimed.withLock({ $0.removeValue(forKey: job.recipient) })
                            ?? subscribers.subscriber(job.recipient)
                    else {
                        throw NewsletterError(description: "\(job.recipient) is not in the subscriber list")
                    }
                    if watch.hasLeft(job.recipient) {
                        try database.settleLeftDuringSend(digestID: id, email: job.recipient, at: clock.now())
                        counter.step()
                        throw DeliveryEngine.NotSent()
                    }
                    return try prepared.get().message(for: subscriber, messageID: job.messageID)
                } submit: { job, outcome, final in
                    // Queued now; committed (by this session or, meanwhile, another) before this session's next
                    // end of data.
                    let ticket = recorder.submit(
                        DeliveryAttempt(digestID: id, email: job.recipient, outcome: outcome, final: final))
                    return {
                        try recorder.commit(through: ticket)
                        Self.log(job.recipient, outcome, final: final, logger: logger)
                        if final { counter.step() }
                    }
                }
            }
            do {
                try recorder.finish()
            } catch {
                report.recordingError = report.recordingError ?? "\(error)"
            }
            if let error = report.recordingError {
                // The state cannot be written: stop here, without another write.
                logger.critical("cannot record a delivery: sending stopped", metadata: ["error": "\(error)"])
                let pending = (try? database.pendingCount(digestID: id)) ?? 0
                return (report, AppDatabase.DigestFinish(failed: [], uncertain: [], pending: pending))
            }
        }
        report.notSent += leftBefore.load(ordering: .relaxed)
        let finish = try await database.finishDigest(id, runStartedAt: clock.start)
        return (report, finish)
    }

    private static func log(_ recipient: String, _ outcome: SMTPOutcome, final: Bool, logger: Logger) {
        switch outcome {
        case .permanentFailure(let code, let reply):
            logger.info(
                "permanent failure", metadata: ["recipient": "\(recipient)", "code": "\(code)", "reply": "\(reply)"])
        case .temporaryFailure(let code, let reply):
            logger.notice(
                "temporary failure\(final ? ", deferred to the next run" : ", will retry")",
                metadata: [
                    "recipient": "\(recipient)", "code": "\(code.map(String.init) ?? "-")", "reply": "\(reply)",
                ])
        case .uncertain(let reply):
            logger.warning(
                "no reply to the end of DATA: delivery uncertain, not resent",
                metadata: ["recipient": "\(recipient)", "reply": "\(reply)"])
        case .accepted, .fatal:
            break
        }
    }

    /// Marks as `bounced` in the subscriber list every address among `candidates` whose last
    /// ``bounceLimit`` deliveries all failed with a 5xx reply (case 23).
    ///
    /// The list is re-read and written atomically, so edits made during the run are kept.
    func disableBouncing(_ candidates: [String]) async throws -> [String] {
        guard !candidates.isEmpty else { return [] }
        let limit = Self.bounceLimit
        let bouncing = try await database.consecutivePermanentFailures(candidates, limit: limit)
        guard !bouncing.isEmpty else { return [] }
        // Only the status cells of these rows are rewritten: the list is not read into memory.
        let disabled = try SubscriberList.markBounced(
            bouncing, in: config.subscribersFile, tokens: SubscriberTokens(config: config))
        for email in disabled {
            logger.info("disabled after \(limit) permanent failures in a row", metadata: ["recipient": "\(email)"])
        }
        return disabled
    }
}
