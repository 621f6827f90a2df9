public import Foundation
public import GRDB

/// An article as stored: extracted from a page or feed entry, keyed by its identity.
public struct StoredArticle: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "article"

    /// The identity: a canonical URL for pages, `feed:<source>:<guid/id/link/hash>` for feed entries.
    public var key: String
    public var sourceName: String
    public var url: String
    public var title: String
    public var publishedAt: Date?
    public var category: String?
    /// The 来源 line: who first published it.
    public var origin: String?
    public var author: String?
    public var bodyText: String
    public var bodyHTML: String
    /// Normalised title + publish day: the same article under another URL has the same fingerprint.
    public var fingerprint: String
    public var firstSeenAt: Date
    /// `false` for a listing entry whose page was not fetched (outside the lookback window).
    public var isExtracted: Bool
    /// Whether ``publishedAt`` is known only to the day: shown as a date, never with an invented `00:00`.
    public var publishedDateOnly: Bool = false
    /// The publisher's date when it was more than 24 h after the fetch and so set aside: ``publishedAt`` is
    /// then the first-seen time (see ``FutureDate``).
    ///
    /// Kept for the record, never shown in a digest.
    public var statedPublishedAt: Date?

    public enum Columns: Sendable {
        static let key = Column(CodingKeys.key)
        static let fingerprint = Column(CodingKeys.fingerprint)
        static let publishedAt = Column(CodingKeys.publishedAt)
        static let sourceName = Column(CodingKeys.sourceName)
    }

    /// A fingerprint for `title` published at `date` (day in `timeZone`): NFKC, whitespace and
    /// punctuation removed, lowercased.
    public static func fingerprint(title: String, published: Date?, timeZone: TimeZone) -> String {
        let folded = title.precomposedStringWithCompatibilityMapping.lowercased()
            .unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }
        var text = String(String.UnicodeScalarView(folded))
        if let published {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let parts = calendar.dateComponents([.year, .month, .day], from: published)
            text += "|\(parts.year ?? 0)-\(parts.month ?? 0)-\(parts.day ?? 0)"
        }
        return text
    }
}
