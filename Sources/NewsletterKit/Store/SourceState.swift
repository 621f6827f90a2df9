public import Foundation
public import GRDB

/// A source's fetch history: when it was first fetched decides what is back catalogue.
public struct SourceState: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sourceState"
    public var name: String
    public var firstFetchedAt: Date
    public var lastFetchedAt: Date
}

extension SourceState {
    /// The columns, for requests.
    public enum Columns: Sendable {
        static let name = Column(CodingKeys.name)
    }
}
