public import Foundation
public import GRDB

/// A digest frozen before its first message goes out: the subject and the articles, so that a
/// resumed run sends exactly the same issue.
public struct DigestRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "digest"

    /// Lifecycle: `sending` from the moment it is frozen until no delivery is pending, then `sent`.
    public enum Status: String, Codable, Sendable {
        case sending
        case sent
    }

    public var id: Int64?
    public var createdAt: Date
    public var subject: String
    /// The ``DigestContent`` as JSON.
    public var contentJSON: String
    public var status: Status

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// The articles of a digest, in order.
public struct DigestArticle: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "digestArticle"
    public var digestId: Int64
    public var articleKey: String
    public var position: Int
}

/// One subscriber's copy of one digest: the delivery ledger that makes sends exactly-once
/// (at-least-once with a window of one message if the process dies between the server's 250 and the write).
public struct Delivery: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "delivery"

    public enum Status: String, Codable, Sendable {
        /// Not yet accepted; will be tried (again).
        case pending
        /// The server answered 250 after DATA.
        case accepted
        /// A 5xx reply, or 4xx replies for longer than the give-up time.
        case failed
    }

    public var digestId: Int64
    public var email: String
    public var status: Status
    public var attempts: Int
    /// The last SMTP reply code (e.g. 250, 451, 550), if any arrived.
    public var replyCode: Int?
    /// The last SMTP reply line, or the transport error.
    public var reply: String?
    public var messageID: String
    public var firstAttemptAt: Date?
    public var updatedAt: Date
}
