public import GRDB

/// The articles of a digest, in order: once frozen, these count as sent.
public struct DigestArticle: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "digestArticle"
    public var digestId: Int64
    public var articleKey: String
    public var position: Int

    /// The columns, for requests.
    public enum Columns: Sendable {
        static let digestId = Column(CodingKeys.digestId)
        static let articleKey = Column(CodingKeys.articleKey)
    }
}
