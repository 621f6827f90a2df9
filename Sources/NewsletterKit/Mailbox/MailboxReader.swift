public import Foundation
public import Logging

/// What one `newsletter mailbox` run did.
public struct MailboxReport: Sendable {
    /// Messages looked at in this run.
    public var examined = 0
    /// Messages an earlier run had processed (only flagged or deleted now).
    public var alreadyProcessed = 0
    /// Hard bounces (``BounceSeverity/hard``) in this run, in mailbox order.
    public var hardBounces: [BounceLine] = []
    /// Soft bounces (``BounceSeverity/soft``) in this run.
    public var softBounces: [BounceLine] = []
    /// Bounces that refused the sender, not the address (``BounceSeverity/blocked``): nobody is disabled for them,
    /// and the run asks for a person (exit status 3).
    public var blocked: [BounceLine] = []
    /// Addresses whose status became `bounced` in this run.
    public var disabled: [String] = []
    /// Addresses unsubscribed by a `mailto:` request in this run.
    public var unsubscribed: [String] = []
    /// Addresses unsubscribed because they reported a digest as spam (RFC 5965 complaints) in this run.
    public var complained: [String] = []
    /// Auto-replies and read receipts.
    public var autoReplies = 0
    /// Delay warnings, `delivered`/`relayed` notices and other reports without a failure.
    public var reportsWithoutFailure = 0
    /// Messages left in the mailbox untouched, each with the reason (to be looked at by a person).
    public var leftAlone: [(id: String, reason: String)] = []

    public init() {}

    /// One bounce as the run applied it.
    public struct BounceLine: Sendable, Equatable {
        /// The address of the delivery the bounce was matched to.
        public var email: String
        /// The RFC 3463 status, for example `5.1.1`.
        public var status: String
        /// The server's words (`Diagnostic-Code`), if any.
        public var diagnostic: String?
        /// What happened to the address, for example `status set to bounced` or `already unsubscribed; left as is`.
        public var result: String
    }
}

/// `newsletter mailbox`: reads the unsubscribe/bounce mailbox and applies what it finds.
///
/// - Bounces are matched to the delivery by the returned message's Message-ID (each delivery's
///   Message-ID is in the ledger; no VERP address is needed, and a forged bounce would need a
///   random Message-ID it cannot know). A hard bounce (5.x.x) sets the address to `bounced` at
///   once; a soft bounce (4.x.x) is recorded, and an address whose last `soft_bounce_limit`
///   (default 3) digests all drew a bounce is set to `bounced`. Delay warnings change nothing.
///   Bounces that refuse the sender rather than the address (5.7.x: blocklists, SPF/DKIM/DMARC, policy) disable
///   nobody; they are reported, and the run exits 3 (``BounceSeverity``).
/// - `mailto:` unsubscribe requests (`unsubscribe-LIST-TOKEN` in the subject, see ``MailboxClassifier``) set
///   the token's owner to `unsubscribed`; so does a spam complaint (RFC 5965 feedback report) about one of our
///   messages, for its recipient.
/// - Auto-replies (RFC 3834 `Auto-Submitted`, vacation notices) and read receipts are ignored.
/// - Processed messages are flagged (IMAP) or deleted (POP3) and remembered in the state
///   database; a message that cannot be classified, a bounce for a message we did not send or
///   an unknown token is left alone and reported.
///
/// List changes go through ``SubscriberRequests`` (the list's lock and atomic write), in one batch.
public struct MailboxReader: Sendable {
    public let config: NewsletterConfig
    public let database: AppDatabase
    public let logger: Logger

    public init(config: NewsletterConfig, database: AppDatabase, logger: Logger) {
        self.config = config
        self.database = database
        self.logger = logger
    }

    /// Reads and processes the mailbox once.
    ///
    /// - Parameters:
    ///   - password: the mailbox password (from `mailbox.password_env`).
    ///   - now: the run's time, recorded with each bounce and processed message.
    /// - Returns: what the run did: messages examined, bounces, addresses disabled or unsubscribed, and the
    ///   messages left alone with the reason.
    /// - Throws: ``MailboxError`` when the configuration has no `mailbox:` section or the mailbox cannot be
    ///   read (nothing is marked then); ``RunLockError`` when another mailbox run holds the lock; list and
    ///   database errors (``SubscriberError`` from the list or its token secret, GRDB's `DatabaseError`).
    public func run(password: String?, now: Date) throws -> MailboxReport {
        guard let settings = config.mailbox else {
            throw MailboxError("\(config.file.path): no mailbox section (mailbox: url, username, password_env)")
        }
        let lock = try RunLock(path: config.stateFile.path + ".mailbox.lock")
        return try withExtendedLifetime(lock) {
            let mailbox = try CurlMailbox(settings: settings, password: password)
            return try process(mailbox, softBounceLimit: settings.softBounceLimit, now: now)
        }
    }

    private enum Action {
        case bounce(BounceRecord)
        case blocked(BounceRecord)
        case unsubscribe(String)
        case complaint(email: String)
        case nothing(String)
    }

    private func process(_ mailbox: CurlMailbox, softBounceLimit: Int, now: Date) throws -> MailboxReport {
        var report = MailboxReport()
        let listPart = config.listID.split(separator: ".").first.map(String.init) ?? "newsletter"
        let prefix = "unsubscribe-\(listPart)-"
        var done: [MailboxMessageReference] = []
        var actions: [(reference: MailboxMessageReference, key: String, action: Action)] = []
        // The delivery a report is about: the first of its candidate Message-IDs that we sent.
        func ourDelivery(_ ids: [String]) throws -> Delivery? {
            try ids.lazy.compactMap { try database.delivery(messageID: $0) }.first
        }
        for reference in try mailbox.unprocessed() {
            report.examined += 1
            let bytes = try mailbox.fetch(reference)
            let key = Self.key(of: bytes)
            if try database.isMailboxMessageProcessed(key) {
                report.alreadyProcessed += 1
                done.append(reference)
                continue
            }
            switch MailboxClassifier.classify(bytes, unsubscribePrefix: prefix) {
            case .bounce(let notices, let ids):
                guard let delivery = try ourDelivery(ids) else {
                    let named = notices.compactMap { notice in notice.recipient.map { "\($0), \(notice.status)" } }
                    let about = named.isEmpty ? "a bounce" : "a bounce (\(named.joined(separator: "; ")))"
                    let why =
                        ids.isEmpty
                        ? "\(about) whose returned message carries no Message-ID (cut off or not attached), so it cannot be matched to a digest"
                        : "\(about) for a message this newsletter did not send (Message-ID \(ids[0]))"
                    report.leftAlone.append((reference.id, "\(why) (\(MailboxClassifier.identity(of: bytes)))"))
                    continue
                }
                // One notice per report counts (a report names the failed recipient of the one message we sent).
                guard let notice = notices.first else { continue }
                let record = BounceRecord(
                    reportKey: key, email: delivery.email, digestID: delivery.digestId, permanent: notice.permanent,
                    status: notice.status, diagnostic: notice.diagnostic)
                actions.append((reference, key, notice.severity == .blocked ? .blocked(record) : .bounce(record)))
            case .complaint(let ids):
                guard let delivery = try ourDelivery(ids) else {
                    let why =
                        ids.isEmpty
                        ? "a spam complaint whose reported message carries no Message-ID"
                        : "a spam complaint about a message this newsletter did not send (Message-ID \(ids[0]))"
                    report.leftAlone.append((reference.id, "\(why) (\(MailboxClassifier.identity(of: bytes)))"))
                    continue
                }
                actions.append((reference, key, .complaint(email: delivery.email)))
            case .reportWithoutFailure:
                report.reportsWithoutFailure += 1
                actions.append((reference, key, .nothing("delivery report without a failure")))
            case .autoReply:
                report.autoReplies += 1
                actions.append((reference, key, .nothing("auto-reply")))
            case .unsubscribe(let token):
                actions.append((reference, key, .unsubscribe(token)))
            case .unclassifiable(let reason):
                report.leftAlone.append((reference.id, reason))
            }
        }
        func line(_ record: BounceRecord, _ result: String) -> MailboxReport.BounceLine {
            MailboxReport.BounceLine(
                email: record.email, status: record.status, diagnostic: record.diagnostic, result: result)
        }

        // Bounces first (the soft-bounce rule counts them), then every list change in one batch.
        let bounces = actions.compactMap { item -> BounceRecord? in
            if case .bounce(let record) = item.action { return record }
            return nil
        }
        try database.recordMailbox(bounces: bounces, processed: [], at: now)
        // Each list change with the action it came from (an index into `actions`) and, for a bounce, the report line
        // it settles (hard or soft, and its index there).
        var changes: [(request: SubscriberRequest, owner: Int, line: (hard: Bool, index: Int)?)] = []
        for (index, item) in actions.enumerated() {
            switch item.action {
            case .bounce(let record) where record.permanent:
                report.hardBounces.append(line(record, "status set to bounced"))
                changes.append((.markBounced(email: record.email), index, (true, report.hardBounces.count - 1)))
            case .bounce(let record):
                let limitReached = try database.bouncedOnLastDigests(record.email, limit: softBounceLimit)
                report.softBounces.append(
                    line(record, "counted; \(softBounceLimit) digests in a row disable the address"))
                if limitReached {
                    changes.append((.markBounced(email: record.email), index, (false, report.softBounces.count - 1)))
                }
            case .blocked(let record):
                report.blocked.append(line(record, "not held against the address"))
            case .unsubscribe(let token):
                changes.append((.unsubscribe(token: token), index, nil))
            case .complaint(let email):
                changes.append((.complaint(email: email), index, nil))
            case .nothing:
                break
            }
        }
        let outcomes = try SubscriberRequests.apply(
            changes.map(\.request), to: config.subscribersFile, tokens: try SubscriberTokens(config: config))
        var unknown = Set<Int>()
        var list: SubscriberList?  // read once, for the status of an address a bounce left unchanged
        for (change, outcome) in zip(changes, outcomes) {
            let owner = change.owner
            if let (hard, index) = change.line {
                let result: String
                switch outcome {
                case .changed:
                    result =
                        hard ? "status set to bounced" : "\(softBounceLimit) digests in a row: status set to bounced"
                case .unchanged(let email):
                    if list == nil { list = try? SubscriberList.load(from: config.subscribersFile, tokens: nil) }
                    result = "already \(list?.subscriber(email)?.status.rawValue ?? "not active"); left as is"
                default:
                    result = "not on the subscriber list"
                }
                if hard { report.hardBounces[index].result = result } else { report.softBounces[index].result = result }
            }
            switch (change.request, outcome) {
            case (.complaint, .changed(let email)), (.complaint, .unchanged(let email)):
                report.complained.append(email)
            case (.markBounced, .changed(let email)):
                report.disabled.append(email)
            case (.unsubscribe, .changed(let email)), (.unsubscribe, .unchanged(let email)):
                if case .changed = outcome { report.unsubscribed.append(email) }
            case (.unsubscribe, .unknown):
                unknown.insert(owner)
                report.leftAlone.append(
                    (actions[owner].reference.id, "an unsubscribe request with an unknown token"))
            default:
                break
            }
        }
        var processed: [(key: String, outcome: String)] = []
        for (index, item) in actions.enumerated() where !unknown.contains(index) {
            let outcome: String
            switch item.action {
            case .bounce(let record): outcome = "bounce \(record.status)"
            case .blocked(let record): outcome = "blocked \(record.status) \(record.email)"
            case .complaint(let email): outcome = "complaint \(email)"
            case .unsubscribe: outcome = "unsubscribe"
            case .nothing(let what): outcome = what
            }
            processed.append((item.key, outcome))
            done.append(item.reference)
        }
        try database.recordMailbox(bounces: [], processed: processed, at: now)
        try mailbox.markProcessed(done)
        try mailbox.leaveAlone(report.leftAlone.map { MailboxMessageReference(id: $0.id) })
        for email in report.disabled { logger.info("disabled after bounces", metadata: ["recipient": "\(email)"]) }
        return report
    }

    /// A message's identity for "processed before": FNV-1a (64 bit) of its bytes and their count.
    static func key(of bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return String(format: "fnv1a64:%016llx:%d", hash, bytes.count)
    }
}
