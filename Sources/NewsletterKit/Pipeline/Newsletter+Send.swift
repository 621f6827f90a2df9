public import Foundation
import GRDB
import Logging

extension Newsletter {
    /// What ``send(now:dryRun:transport:)`` did.
    public struct SendReport: Sendable {
        /// The digest created in this run, if any.
        public var digestID: Int64?
        public var subject: String?
        public var articleCount = 0
        /// Digests of earlier runs that still had pending deliveries and were resumed.
        public var resumedDigests: [Int64] = []
        public var delivery = DeliveryEngine.Report()
        public var fetch = FetchSummary()
        /// `true` when no article was new: nothing was sent and no connection opened.
        public var nothingNew = false
        /// Addresses whose delivery failed permanently in this run.
        public var failedRecipients: [String] = []
        /// Addresses disabled (status `bounced`) in this run after repeated permanent failures.
        public var disabledRecipients: [String] = []

        /// Adds one digest's delivery results.
        mutating func add(_ outcome: DeliveryEngine.Report, failed: [String]) {
            delivery.accepted += outcome.accepted
            delivery.permanentFailures += outcome.permanentFailures
            delivery.deferred += outcome.deferred
            delivery.fatalError = delivery.fatalError ?? outcome.fatalError
            delivery.interrupted = delivery.interrupted || outcome.interrupted
            failedRecipients += failed
        }
    }

    /// After this many consecutive digests failing permanently (5xx), an address is disabled.
    public static let bounceLimit = 3

    /// Fetches, selects, freezes one digest, and delivers it to every active subscriber.
    ///
    /// Holds the run lock for the whole run (case 27). Digests left unfinished by an earlier run
    /// (crash, 4xx deferrals) are resumed first, with their frozen content (case 26). When
    /// nothing is new, nothing is sent and no SMTP connection is opened (case 10).
    /// - Parameters:
    ///   - dryRun: select and render, but neither send nor record anything.
    /// - Throws: ``RunLockError`` when another run is active; ``NewsletterError`` when every source
    ///   failed; database and file errors.
    public func send(now: Date, dryRun: Bool, transport: any MailTransport) async throws -> SendReport {
        let lock = try RunLock(path: config.stateFile.path + ".lock")
        defer { withExtendedLifetime(lock) {} }
        var report = try await sendHoldingLock(now: now, dryRun: dryRun, transport: transport)
        report.disabledRecipients = try await disableBouncing(report.failedRecipients)
        return report
    }

    /// ``send(now:dryRun:transport:)`` once the run lock is held.
    private func sendHoldingLock(now: Date, dryRun: Bool, transport: any MailTransport) async throws -> SendReport {
        var report = SendReport()
        let subscribers = try SubscriberList.load(from: config.subscribersFile)
        for problem in subscribers.problems { logger.warning("\(problem)") }

        if !dryRun {
            let unfinished = try await database.writer.read { db in
                try DigestRecord.filter(Column("status") == DigestRecord.Status.sending.rawValue).order(Column("id"))
                    .fetchAll(db)
            }
            for digest in unfinished {
                guard let id = digest.id else { continue }
                logger.notice("resuming digest \(id) (\(digest.subject))")
                report.resumedDigests.append(id)
                let outcome = try await deliver(digest: digest, subscribers: subscribers, now: now, transport: transport)
                report.add(outcome.report, failed: outcome.failed)
                if outcome.report.fatalError != nil || outcome.report.interrupted { return report }
            }
        }

        report.fetch = await fetchAll(now: now)
        if report.fetch.allFailed {
            throw NewsletterError.allSourcesFailed(report.fetch.failedSources.map { "\($0.name): \($0.reason)" })
        }
        let articles = try await selectNew(now: now)
        guard !articles.isEmpty else {
            report.nothingNew = true
            return report
        }
        let content = makeContent(articles, now: now, failedSources: report.fetch.failedSources.map(\.name))
        report.subject = content.subject
        report.articleCount = articles.count
        if dryRun { return report }
        guard !subscribers.active.isEmpty else {
            let path = config.subscribersFile.path
            guard FileManager.default.fileExists(atPath: path) else {
                throw NewsletterError(
                    description:
                        "\(path): no such subscriber list (add one with `newsletter subscribers add EMAIL`); nothing sent and nothing marked"
                )
            }
            throw NewsletterError(description: "\(path): no active subscribers; nothing sent and nothing marked")
        }

        let digest = try await freeze(content, subscribers: subscribers.active, now: now)
        report.digestID = digest.id
        let outcome = try await deliver(digest: digest, subscribers: subscribers, now: now, transport: transport)
        report.add(outcome.report, failed: outcome.failed)
        return report
    }

    /// Marks as `bounced` in the subscriber list every address among `candidates` whose last
    /// ``bounceLimit`` deliveries all failed with a 5xx reply (case 23). The list is re-read and
    /// written atomically, so edits made during the run are kept.
    func disableBouncing(_ candidates: [String]) async throws -> [String] {
        guard !candidates.isEmpty else { return [] }
        let limit = Self.bounceLimit
        let bouncing = try await database.writer.read { db in
            try candidates.filter { email in
                let codes = try Int?.fetchAll(
                    db,
                    sql: """
                        SELECT replyCode FROM delivery WHERE email = ? AND status != 'pending' ORDER BY digestId DESC LIMIT ?
                        """, arguments: [email, limit])
                return codes.count == limit && codes.allSatisfy { ($0 ?? 0) >= 500 }
            }
        }
        guard !bouncing.isEmpty else { return [] }
        let disabled = try SubscriberList.modify(config.subscribersFile) { list in
            var disabled: [String] = []
            for email in bouncing {
                guard let index = list.index(of: email), list.subscribers[index].status == .active else { continue }
                list.subscribers[index].status = .bounced
                disabled.append(email)
            }
            return disabled
        }
        if !disabled.isEmpty {
            for email in disabled {
                logger.info("disabled after \(limit) permanent failures in a row", metadata: ["recipient": "\(email)"])
            }
        }
        return disabled
    }

    /// Stores the digest, its articles and one pending delivery per subscriber, in one transaction,
    /// before anything is sent: from here on its articles count as sent.
    func freeze(_ content: DigestContent, subscribers: [Subscriber], now: Date) async throws -> DigestRecord {
        let json = String(decoding: try JSONEncoder().encode(content), as: UTF8.self)
        let composer = self.composer
        return try await database.writer.write { db in
            var digest = DigestRecord(
                id: nil, createdAt: now, subject: content.subject, contentJSON: json, status: .sending)
            try digest.insert(db)
            guard let id = digest.id else { throw NewsletterError(description: "digest was not stored") }
            for (position, item) in content.items.enumerated() {
                try DigestArticle(digestId: id, articleKey: item.key, position: position).insert(db)
            }
            for subscriber in subscribers {
                try Delivery(
                    digestId: id, email: subscriber.email, status: .pending, attempts: 0, replyCode: nil, reply: nil,
                    messageID: composer.makeMessageID(), firstAttemptAt: nil, updatedAt: now
                ).insert(db)
            }
            return digest
        }
    }

    /// Delivers a frozen digest's pending deliveries and records each outcome as it arrives.
    private func deliver(digest: DigestRecord, subscribers: SubscriberList, now: Date, transport: any MailTransport)
        async throws
        -> (report: DeliveryEngine.Report, failed: [String])
    {
        guard let id = digest.id else { return (DeliveryEngine.Report(), []) }
        let content = try JSONDecoder().decode(DigestContent.self, from: Data(digest.contentJSON.utf8))
        let giveUpBefore = now.addingTimeInterval(-(config.smtp?.giveUpAfterHours ?? 48) * 3600)
        let byEmail = Dictionary(
            subscribers.subscribers.map { ($0.email.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        // Settle deliveries that can no longer go out: unsubscribed since, or failing for too long.
        let pending = try await database.writer.write { db -> [Delivery] in
            var result: [Delivery] = []
            for var delivery in try Delivery.filter(
                Column("digestId") == id && Column("status") == Delivery.Status.pending.rawValue
            ).fetchAll(db) {
                if byEmail[delivery.email.lowercased()]?.status != .active {
                    delivery.status = .failed
                    delivery.reply = "not sent: no longer an active subscriber"
                    delivery.updatedAt = now
                    try delivery.update(db)
                } else if let first = delivery.firstAttemptAt, first < giveUpBefore {
                    delivery.status = .failed
                    delivery.reply =
                        "gave up after \(Int(config.smtp?.giveUpAfterHours ?? 48)) h of temporary failures: \(delivery.reply ?? "")"
                    delivery.updatedAt = now
                    try delivery.update(db)
                } else {
                    result.append(delivery)
                }
            }
            return result
        }
        var report = DeliveryEngine.Report()
        if !pending.isEmpty {
            let smtp = config.smtp
            var configured = DeliveryEngine(
                transport: transport, envelopeSender: config.envelopeSender, connections: smtp?.connections ?? 1,
                ratePerSecond: smtp?.ratePerSecond ?? 0, retryDelays: smtp?.retryDelays ?? [])
            configured.stop = stop
            let engine = configured
            stop.setDelivering(true)
            defer { stop.setDelivering(false) }
            let composer = self.composer
            let database = self.database
            let messageIDs = Dictionary(
                pending.map { ($0.email, $0.messageID) }, uniquingKeysWith: { first, _ in first })
            let logger = self.logger
            let jobs = pending.map { DeliveryEngine.Job(recipient: $0.email, previousAttempts: $0.attempts) }
            report = try await runBlocking {
                engine.deliver(jobs, logger: logger) { job in
                    guard let subscriber = byEmail[job.recipient.lowercased()],
                        let messageID = messageIDs[job.recipient]
                    else {
                        throw NewsletterError(description: "\(job.recipient) is not in the subscriber list")
                    }
                    return try composer.compose(content, for: subscriber, messageID: messageID, date: now)
                } record: { job, outcome, final in
                    do {
                        try database.writer.write { db in
                            guard
                                var delivery = try Delivery.fetchOne(db, key: ["digestId": id, "email": job.recipient])
                            else { return }
                            delivery.attempts += 1
                            delivery.firstAttemptAt = delivery.firstAttemptAt ?? Date()
                            delivery.replyCode = outcome.code
                            delivery.reply = outcome.reply
                            delivery.updatedAt = Date()
                            switch outcome {
                            case .accepted: delivery.status = .accepted
                            case .permanentFailure: delivery.status = .failed
                            case .temporaryFailure, .fatal: delivery.status = .pending
                            }
                            try delivery.update(db)
                        }
                    } catch {
                        logger.critical(
                            "cannot record a delivery",
                            metadata: ["recipient": "\(job.recipient)", "error": "\(error)"])
                    }
                    if case .permanentFailure(let code, let reply) = outcome {
                        logger.info(
                            "permanent failure",
                            metadata: ["recipient": "\(job.recipient)", "code": "\(code)", "reply": "\(reply)"])
                    } else if case .temporaryFailure(let code, let reply) = outcome {
                        logger.notice(
                            "temporary failure\(final ? ", deferred to the next run" : ", will retry")",
                            metadata: [
                                "recipient": "\(job.recipient)", "code": "\(code.map(String.init) ?? "-")",
                                "reply": "\(reply)",
                            ])
                    }
                }
            }
        }
        let failed = try await database.writer.write { db -> [String] in
            let remaining = try Delivery.filter(
                Column("digestId") == id && Column("status") == Delivery.Status.pending.rawValue
            ).fetchCount(db)
            if remaining == 0, var record = try DigestRecord.fetchOne(db, key: id) {
                record.status = .sent
                try record.update(db)
            }
            return try String.fetchAll(
                db,
                sql:
                    "SELECT email FROM delivery WHERE digestId = ? AND status = 'failed' AND attempts > 0 AND updatedAt >= ?",
                arguments: [id, now])
        }
        return (report, failed)
    }
}
