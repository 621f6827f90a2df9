public import Foundation
public import GRDB

/// One subscriber's copy of one digest: the delivery ledger that makes sends exactly-once
/// (at most one repeat per connection if the process dies between the server's 250 and the
/// commit that records it; see README "Exactly once").
public struct Delivery: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "delivery"

    public enum Status: String, Codable, Sendable {
        /// Not yet accepted; will be tried (again).
        case pending
        /// The server answered 250 after DATA.
        case accepted
        /// A 5xx reply, or 4xx replies for longer than the give-up time.
        case failed
        /// The whole message was sent but no reply to the end of DATA arrived (timeout or lost
        /// connection): it may or may not have been delivered. Not resent unless the operator asks
        /// (`send --resend-uncertain`).
        case uncertain
    }

    public var digestId: Int64
    public var email: String
    public var status: Status
    /// Attempts that reached the server with this recipient (fatal session errors do not count).
    public var attempts: Int
    /// The last SMTP reply code (for example 250, 451, 550), if any arrived.
    public var replyCode: Int?
    /// The last SMTP reply line, or the transport error.
    public var reply: String?
    public var messageID: String
    /// When the first temporary failure (4xx or lost connection) happened: the give-up time
    /// counts from here.
    ///
    /// Fatal session errors (unreachable server, TLS, AUTH) never set it.
    public var firstAttemptAt: Date?
    public var updatedAt: Date

    /// The columns, for requests.
    public enum Columns: Sendable {
        static let digestId = Column(CodingKeys.digestId)
        static let email = Column(CodingKeys.email)
        static let status = Column(CodingKeys.status)
        static let replyCode = Column(CodingKeys.replyCode)
        static let attempts = Column(CodingKeys.attempts)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }
}
