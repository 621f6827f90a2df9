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
    /// What the digest says, stored as JSON text in the `contentJSON` column (GRDB encodes a
    /// nested `Codable` value as JSON).
    public var content: DigestContent
    public var status: Status

    enum CodingKeys: String, CodingKey {
        case id, createdAt, subject, status
        case content = "contentJSON"
    }

    /// The columns, for requests.
    public enum Columns: Sendable {
        static let id = Column(CodingKeys.id)
        static let status = Column(CodingKeys.status)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
