public import Foundation
import GRDB

/// A bounce read from the mailbox, matched to one delivery.
public struct BounceRecord: Sendable, Equatable {
    /// The bounce message's identity (see ``MailboxMessageKey``).
    public var reportKey: String
    public var email: String
    public var digestID: Int64
    /// `true` for a 5.x.x status (hard bounce), `false` for 4.x.x (soft).
    public var permanent: Bool
    /// The RFC 3463 status, for example `5.1.1`.
    public var status: String
    public var diagnostic: String?

    public init(
        reportKey: String, email: String, digestID: Int64, permanent: Bool, status: String, diagnostic: String?
    ) {
        self.reportKey = reportKey
        self.email = email
        self.digestID = digestID
        self.permanent = permanent
        self.status = status
        self.diagnostic = diagnostic
    }
}

/// Bounces and processed mailbox messages (`newsletter mailbox`).
extension AppDatabase {
    /// The delivery whose message carried `messageID` (with or without angle brackets), or `nil`.
    public func delivery(messageID: String) throws -> Delivery? {
        var id = messageID.trimmingCharacters(in: .whitespaces)
        if !id.hasPrefix("<") { id = "<" + id + ">" }
        return try writer.read { db in
            try Delivery.filter(Column("messageID") == id).fetchOne(db)
        }
    }

    /// Whether the mailbox message with `key` was processed by an earlier run.
    public func isMailboxMessageProcessed(_ key: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM mailboxMessage WHERE key = ?", arguments: [key]) ?? false
        }
    }

    /// Records bounces and processed messages in one transaction (a bounce already recorded for the
    /// same report and address is kept once).
    public func recordMailbox(bounces: [BounceRecord], processed: [(key: String, outcome: String)], at date: Date)
        throws
    {
        try writer.write { db in
            for bounce in bounces {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO bounce (reportKey, email, digestId, permanent, status, diagnostic, receivedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        bounce.reportKey, bounce.email, bounce.digestID, bounce.permanent, bounce.status,
                        bounce.diagnostic, date,
                    ])
            }
            for item in processed {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO mailboxMessage (key, processedAt, outcome) VALUES (?, ?, ?)",
                    arguments: [item.key, date, item.outcome])
            }
        }
    }

    /// Whether each of the last `limit` digests sent to `email` drew a bounce from the mailbox
    /// (the soft-bounce rule: that many consecutive digests bouncing disable the address).
    public func bouncedOnLastDigests(_ email: String, limit: Int) throws -> Bool {
        try writer.read { db in
            let digests = try Int64.fetchAll(
                db,
                sql: "SELECT digestId FROM delivery WHERE email = ? AND attempts > 0 ORDER BY digestId DESC LIMIT ?",
                arguments: [email, limit])
            guard digests.count == limit else { return false }
            for digest in digests {
                let bounced =
                    try Bool.fetchOne(
                        db, sql: "SELECT 1 FROM bounce WHERE email = ? AND digestId = ?", arguments: [email, digest])
                    ?? false
                if !bounced { return false }
            }
            return true
        }
    }
}
