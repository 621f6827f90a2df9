public import Foundation
public import GRDB

/// How a source has fared over the runs that fetched it: when it last worked, and how many runs in
/// a row it has failed (a digest quietly missing a section for weeks is what this catches).
public struct SourceHealth: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sourceHealth"

    /// The source's configured name.
    public var name: String
    /// The last run in which its listing page or feed was fetched and read.
    public var lastSuccessAt: Date?
    /// The last run in which it failed.
    public var lastFailureAt: Date?
    /// Runs in a row that failed, up to now (0 after a success).
    public var consecutiveFailures: Int
    /// The reason of the last failure (names the URL).
    public var lastError: String?

    public enum Columns: Sendable {
        static let name = Column(CodingKeys.name)
    }
}
