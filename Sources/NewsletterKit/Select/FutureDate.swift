public import Foundation

/// The rule for publisher dates in the future (case 35).
///
/// Design choice: a publisher date more than ``tolerance`` (24 h) after the fetch time is not trusted.
/// The article's effective date (``StoredArticle/publishedAt``) becomes its first-seen time, the
/// publisher's value is kept in ``StoredArticle/statedPublishedAt`` (stored, never shown in a digest),
/// and a warning names the source, the article and the date set aside. Dates up to 24 h ahead are kept
/// as given (time-zone slips such as local time labelled GMT). Selection and ordering use the effective
/// date, so a far-future item goes out once, in the week it is first seen, and never acts as a
/// high-water mark; on a source's first fetch such an item is recorded as seen and never sent (its date
/// is not a real "within the last 7 days"). The same rule applies to feed entries, listing dates and
/// article pages' dates.
public enum FutureDate: Sendable {
    /// How far ahead of the fetch time a publisher date is still believed: 24 hours.
    public static let tolerance: TimeInterval = 86_400

    /// `article` with its date set aside when that date is more than ``tolerance`` after `now`, else `nil`.
    public static func settle(_ article: StoredArticle, now: Date) -> StoredArticle? {
        guard let published = article.publishedAt, published > now.addingTimeInterval(tolerance) else { return nil }
        var settled = article
        settled.statedPublishedAt = published
        settled.publishedAt = article.firstSeenAt
        settled.publishedDateOnly = false
        return settled
    }
}
