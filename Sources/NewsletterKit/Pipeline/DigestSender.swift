public import Foundation
public import Logging

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
    /// - Throws: the MIME or address error, naming the subscriber's address where it is theirs.
    public func checkBeforeFreezing(_ content: DigestContent, subscribers: [Subscriber], now: Date) throws {
        guard let first = subscribers.first else { return }
        _ = try composer.compose(content, for: first, messageID: composer.makeMessageID(), date: now)
        for subscriber in subscribers {
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
    }

    /// Throws when `value` contains CR, LF or NUL (SMTP command or header injection).
    static func checkWireSafe(_ value: String, what: String) throws {
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            throw NewsletterError(description: "\(what) contains CR, LF or NUL: \(value.debugDescription)")
        }
    }

    /// Stores the digest with one pending delivery per subscriber, before anything is sent.
    func freeze(_ content: DigestContent, subscribers: [Subscriber], clock: RunClock) async throws -> DigestRecord {
        let composer = self.composer
        return try await database.freezeDigest(
            content, recipients: subscribers.map(\.email), messageID: { composer.makeMessageID() }, at: clock.now())
    }

    /// Delivers a frozen digest's pending deliveries and records each outcome before the session
    /// sends its next message.
    func deliver(
        digest: DigestRecord, subscribers: SubscriberList, clock: RunClock, transport: any MailTransport
    ) async throws -> (report: DeliveryEngine.Report, finish: AppDatabase.DigestFinish) {
        guard let id = digest.id else {
            return (DeliveryEngine.Report(), AppDatabase.DigestFinish(failed: [], uncertain: [], pending: 0))
        }
        let content = digest.content
        let byEmail = Dictionary(
            subscribers.subscribers.map { ($0.email.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        let pending = try await database.claimPending(
            digestID: id, isActive: { byEmail[$0.lowercased()]?.status == .active }, at: clock.now())
        var report = DeliveryEngine.Report()
        if !pending.isEmpty {
            let smtp = config.smtp
            let giveUpHours = smtp?.giveUpAfterHours ?? 48
            var configured = DeliveryEngine(
                transport: transport, envelopeSender: config.envelopeSender, connections: smtp?.connections ?? 1,
                ratePerSecond: smtp?.ratePerSecond ?? 0, retryDelays: smtp?.retryDelays ?? [])
            configured.stop = stop
            let engine = configured
            stop.setDelivering(true)
            defer { stop.setDelivering(false) }
            let database = self.database
            let messageIDs = Dictionary(
                pending.map { ($0.email, $0.messageID) }, uniquingKeysWith: { first, _ in first })
            let logger = self.logger
            // The Date header: the run's time, as before (one clock: the run's start).
            let date = clock.start
            let jobs = pending.map { DeliveryEngine.Job(recipient: $0.email, previousAttempts: $0.attempts) }
            // Rendered and encoded once; each message is personalised by splicing.
            let prepared = Result { try self.composer.prepare(content, date: date) }
            let counter = ProgressCounter(.delivering, total: jobs.count, handler: onProgress)
            report = try await runBlocking {
                engine.deliver(jobs, logger: logger) { job in
                    guard let subscriber = byEmail[job.recipient.lowercased()],
                        let messageID = messageIDs[job.recipient]
                    else {
                        throw NewsletterError(description: "\(job.recipient) is not in the subscriber list")
                    }
                    return try prepared.get().message(for: subscriber, messageID: messageID)
                } record: { job, outcome, final in
                    let now = clock.now()
                    try database.record(
                        [DeliveryAttempt(digestID: id, email: job.recipient, outcome: outcome, final: final)], at: now,
                        giveUpBefore: now.addingTimeInterval(-giveUpHours * 3600), giveUpHours: giveUpHours)
                    Self.log(job.recipient, outcome, final: final, logger: logger)
                    if final { counter.step() }
                }
            }
            if let error = report.recordingError {
                // The state cannot be written: stop here, without another write.
                logger.critical("cannot record a delivery: sending stopped", metadata: ["error": "\(error)"])
                return (report, AppDatabase.DigestFinish(failed: [], uncertain: [], pending: pending.count))
            }
        }
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
    /// ``bounceLimit`` deliveries all failed with a 5xx reply (case 23). The list is re-read and
    /// written atomically, so edits made during the run are kept.
    func disableBouncing(_ candidates: [String]) async throws -> [String] {
        guard !candidates.isEmpty else { return [] }
        let limit = Self.bounceLimit
        let bouncing = try await database.consecutivePermanentFailures(candidates, limit: limit)
        guard !bouncing.isEmpty else { return [] }
        let disabled = try SubscriberList.modify(config: config) { list in
            bouncing.filter { email in list.subscriber(email)?.status == .active && list.markBounced(email: email) != nil }
        }
        for email in disabled {
            logger.info("disabled after \(limit) permanent failures in a row", metadata: ["recipient": "\(email)"])
        }
        return disabled
    }
}
