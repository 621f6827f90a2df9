public import Foundation
import GRDB

/// One attempt's outcome, as the ledger records it.
public struct DeliveryAttempt: Sendable {
    public var digestID: Int64
    public var email: String
    public var outcome: SMTPOutcome
    /// No further attempt follows in this run (a temporary failure is then deferred or given up).
    public var final: Bool

    public init(digestID: Int64, email: String, outcome: SMTPOutcome, final: Bool) {
        self.digestID = digestID
        self.email = email
        self.outcome = outcome
        self.final = final
    }
}

/// The delivery ledger: digests are frozen with one pending delivery per subscriber, deliveries
/// are claimed, their outcomes recorded, and a digest is finished when nothing is pending.
extension AppDatabase {
    /// Stores the digest, its articles and one pending delivery per recipient, in one
    /// transaction, before anything is sent: from here on its articles count as sent.
    /// - Parameter messageID: makes each recipient's Message-ID (kept across resends).
    public func freezeDigest(
        _ content: DigestContent, recipients: [String], messageID: @Sendable () -> String, at date: Date
    ) async throws -> DigestRecord {
        try await writer.write { db in
            var digest = DigestRecord(
                id: nil, createdAt: date, subject: content.subject, content: content, status: .sending)
            try digest.insert(db)
            guard let id = digest.id else { throw StoreError(path: path, reason: "the digest was not stored") }
            for (position, item) in content.items.enumerated() {
                try DigestArticle(digestId: id, articleKey: item.key, position: position).insert(db)
            }
            for email in recipients {
                try Delivery(
                    digestId: id, email: email, status: .pending, attempts: 0, replyCode: nil, reply: nil,
                    messageID: messageID(), firstAttemptAt: nil, updatedAt: date
                ).insert(db)
            }
            return digest
        }
    }

    /// Digests frozen by earlier runs that still have pending deliveries, oldest first.
    public func unfinishedDigests() async throws -> [DigestRecord] {
        try await writer.read { db in
            try DigestRecord.filter(DigestRecord.Columns.status == DigestRecord.Status.sending.rawValue)
                .order(DigestRecord.Columns.id).fetchAll(db)
        }
    }

    /// The digest's pending deliveries to send now. Those whose address is no longer active in
    /// the (successfully loaded) subscriber list are settled as failed first.
    /// - Parameter isActive: whether an address is an active subscriber.
    public func claimPending(digestID: Int64, isActive: @Sendable (String) -> Bool, at date: Date) async throws
        -> [Delivery]
    {
        try await writer.write { db in
            var claimed: [Delivery] = []
            let pending = try Delivery.filter(
                Delivery.Columns.digestId == digestID && Delivery.Columns.status == Delivery.Status.pending.rawValue
            ).fetchAll(db)
            for var delivery in pending {
                if isActive(delivery.email) {
                    claimed.append(delivery)
                } else {
                    delivery.status = .failed
                    delivery.reply = "not sent: no longer an active subscriber"
                    delivery.updatedAt = date
                    try delivery.update(db)
                }
            }
            return claimed
        }
    }

    /// Records a batch of outcomes in one transaction (committed, with `synchronous = FULL`,
    /// before this returns).
    ///
    /// A temporary failure (4xx, lost connection) that is final for this run is given up when the
    /// first temporary failure of that delivery is older than `giveUpBefore`. A fatal outcome
    /// (unreachable server, TLS, AUTH, stall) leaves the delivery pending and untouched: the
    /// give-up time never runs on it.
    /// - Throws: ``StoreError`` naming the file: the caller must stop sending.
    public func record(_ attempts: [DeliveryAttempt], at date: Date, giveUpBefore: Date, giveUpHours: Double) throws {
        guard !attempts.isEmpty else { return }
        do {
            try writer.write { db in
                for attempt in attempts {
                    guard
                        var delivery = try Delivery.fetchOne(
                            db, key: ["digestId": attempt.digestID, "email": attempt.email])
                    else { continue }
                    delivery.updatedAt = date
                    switch attempt.outcome {
                    case .fatal(let reply):
                        delivery.reply = reply
                        try delivery.update(db)
                        continue
                    case .accepted:
                        delivery.status = .accepted
                    case .permanentFailure:
                        delivery.status = .failed
                    case .uncertain:
                        delivery.status = .uncertain
                    case .temporaryFailure:
                        delivery.firstAttemptAt = delivery.firstAttemptAt ?? date
                        delivery.status = .pending
                    }
                    delivery.attempts += 1
                    delivery.replyCode = attempt.outcome.code
                    delivery.reply = attempt.outcome.reply
                    if case .temporaryFailure = attempt.outcome, attempt.final,
                        let first = delivery.firstAttemptAt, first < giveUpBefore
                    {
                        delivery.status = .failed
                        delivery.reply =
                            "gave up after \(Int(giveUpHours)) h of temporary failures: \(attempt.outcome.reply)"
                    }
                    try delivery.update(db)
                }
            }
        } catch {
            throw StoreError(path: path, reason: "cannot record a delivery (\(error))")
        }
    }

    /// What a digest's run left: marks the digest `sent` when nothing is pending.
    public struct DigestFinish: Sendable {
        /// Addresses that failed permanently (or were given up) at or after the run's start.
        public var failed: [String]
        /// Addresses whose delivery is uncertain (see ``Delivery/Status/uncertain``).
        public var uncertain: [String]
        public var pending: Int
    }

    /// See ``DigestFinish``.
    public func finishDigest(_ id: Int64, runStartedAt start: Date) async throws -> DigestFinish {
        try await writer.write { db in
            let remaining = try Delivery.filter(
                Delivery.Columns.digestId == id && Delivery.Columns.status == Delivery.Status.pending.rawValue
            ).fetchCount(db)
            if remaining == 0, var record = try DigestRecord.fetchOne(db, key: id), record.status != .sent {
                record.status = .sent
                try record.update(db)
            }
            let failed = try Delivery.filter(
                Delivery.Columns.digestId == id && Delivery.Columns.status == Delivery.Status.failed.rawValue
                    && Delivery.Columns.attempts > 0 && Delivery.Columns.updatedAt >= start
            ).select(Delivery.Columns.email, as: String.self).fetchAll(db)
            let uncertain = try Delivery.filter(
                Delivery.Columns.digestId == id && Delivery.Columns.status == Delivery.Status.uncertain.rawValue
            ).select(Delivery.Columns.email, as: String.self).fetchAll(db)
            return DigestFinish(failed: failed, uncertain: uncertain, pending: remaining)
        }
    }

    /// Turns every uncertain delivery back into a pending one (`send --resend-uncertain`) and
    /// reopens its digest. Returns how many.
    public func resendUncertain(at date: Date) async throws -> Int {
        try await writer.write { db in
            let ids = try Delivery.filter(Delivery.Columns.status == Delivery.Status.uncertain.rawValue)
                .select(Delivery.Columns.digestId, as: Int64.self).distinct().fetchAll(db)
            let count = try Delivery.filter(Delivery.Columns.status == Delivery.Status.uncertain.rawValue)
                .updateAll(
                    db, Delivery.Columns.status.set(to: Delivery.Status.pending.rawValue),
                    Delivery.Columns.updatedAt.set(to: date))
            try DigestRecord.filter(keys: ids).updateAll(
                db, DigestRecord.Columns.status.set(to: DigestRecord.Status.sending.rawValue))
            return count
        }
    }

    /// The addresses among `emails` whose last `limit` finished deliveries all failed with a 5xx
    /// reply (the bounce policy, case 23).
    public func consecutivePermanentFailures(_ emails: [String], limit: Int) async throws -> [String] {
        try await writer.read { db in
            try emails.filter { email in
                let codes = try Delivery.filter(
                    Delivery.Columns.email == email && Delivery.Columns.status != Delivery.Status.pending.rawValue
                ).order(Delivery.Columns.digestId.desc).limit(limit)
                    .select(Delivery.Columns.replyCode, as: Int?.self).fetchAll(db)
                return codes.count == limit && codes.allSatisfy { ($0 ?? 0) >= 500 }
            }
        }
    }

    /// A digest's deliveries (reports, tests).
    public func deliveries(digestID: Int64) async throws -> [Delivery] {
        try await writer.read { db in
            try Delivery.filter(Delivery.Columns.digestId == digestID).order(Delivery.Columns.email).fetchAll(db)
        }
    }

    /// One delivery (reports, tests).
    public func delivery(digestID: Int64, email: String) async throws -> Delivery? {
        try await writer.read { db in try Delivery.fetchOne(db, key: ["digestId": digestID, "email": email]) }
    }
}
