public import Foundation
public import GRDB

/// The validators and body of the last 200 response for a URL (conditional GET, RFC 9110 §13).
public struct HTTPCacheEntry: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "httpCache"
    public var url: String
    public var etag: String?
    public var lastModified: String?
    public var body: Data
    public var fetchedAt: Date
}

extension HTTPCacheEntry {
    /// The columns, for requests.
    public enum Columns: Sendable {
        static let url = Column(CodingKeys.url)
    }
}
