public import Foundation
import GRDB

extension AppDatabase {
    /// One digest's delivery counts for `newsletter status`.
    public struct DigestStatus: Sendable, Codable, Equatable {
        public var id: Int64
        public var createdAt: Date
        public var subject: String
        public var articles: Int
        public var accepted: Int
        /// Failed permanently (5xx, given up after 4xx).
        public var failed: Int
        /// Not sent because the address left the list before its delivery (``AppDatabase/notSentReplies``), as
        /// `send` counts them: not a failure.
        public var notSent: Int
        /// Pending after at least one temporary failure: goes out on the next run.
        public var deferred: Int
        /// Pending, never tried yet (the run stopped before them).
        public var pending: Int
        /// No reply to the end of DATA: not resent unless `send --resend-uncertain`.
        public var uncertain: Int
        public var finished: Bool
    }

    /// A delivery that failed, with the server's reply.
    public struct FailedDelivery: Sendable, Codable, Equatable {
        public var digestID: Int64
        public var email: String
        public var status: String
        public var code: Int?
        public var reply: String?
        public var at: Date
    }

    /// The replies of deliveries settled without an attempt because the address left the list: before the run
    /// claimed them, or while the digest was being sent.
    static let notSentReplies = [leftBeforeReply, leftDuringReply]
    static let leftBeforeReply = "not sent: no longer an active subscriber"
    static let leftDuringReply = "not sent: unsubscribed while the digest was being sent"

    /// The last `limit` digests, newest first, with their delivery counts, and the deliveries of those
    /// digests that failed or are uncertain.
    public func statusOverview(limit: Int) async throws -> (digests: [DigestStatus], failed: [FailedDelivery]) {
        try await writer.read { db in
            let records = try DigestRecord.order(DigestRecord.Columns.id.desc).limit(limit).fetchAll(db)
            var digests: [DigestStatus] = []
            var failed: [FailedDelivery] = []
            for record in records {
                guard let id = record.id else { continue }
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT status, SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS tried, COUNT(*) AS n
                        FROM delivery WHERE digestId = ? GROUP BY status
                        """, arguments: [id])
                let notSent =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM delivery WHERE digestId = ? AND status = ? AND reply IN (?, ?)",
                        arguments: [id, Delivery.Status.failed.rawValue] + StatementArguments(Self.notSentReplies))
                    ?? 0
                var counts: [String: (tried: Int, all: Int)] = [:]
                for row in rows { counts[row["status"] as String] = (row["tried"] as Int, row["n"] as Int) }
                let pending = counts["pending"] ?? (0, 0)
                digests.append(
                    DigestStatus(
                        id: id, createdAt: record.createdAt, subject: record.subject,
                        articles: record.content.items.count, accepted: counts["accepted"]?.all ?? 0,
                        failed: (counts["failed"]?.all ?? 0) - notSent, notSent: notSent, deferred: pending.tried,
                        pending: pending.all - pending.tried,
                        uncertain: counts["uncertain"]?.all ?? 0, finished: record.status == .sent))
                for delivery in try Delivery.filter(
                    Delivery.Columns.digestId == id
                        && [Delivery.Status.failed.rawValue, Delivery.Status.uncertain.rawValue]
                            .contains(Delivery.Columns.status)
                ).order(Delivery.Columns.email).fetchAll(db) where !Self.notSentReplies.contains(delivery.reply ?? "") {
                    failed.append(
                        FailedDelivery(
                            digestID: id, email: delivery.email, status: delivery.status.rawValue,
                            code: delivery.replyCode, reply: delivery.reply, at: delivery.updatedAt))
                }
            }
            return (digests, failed)
        }
    }
}
