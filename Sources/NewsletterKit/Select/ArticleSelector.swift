public import Foundation

/// Decides which stored articles are new for this week's digest.
///
/// An article is new when it has never been in a digest that went out (by identity key; by
/// fingerprint, so the same article under a changed URL is not new; and by URL across sources, so an article
/// that went out through a feed is not new when a listing shows it with an edited title) and either
/// - it was published inside the lookback window (`now - lookbackDays … now`), or
/// - it was first seen inside the window after its source's first fetch and was published at most
///   `late_days` (per source, default 21: case 09's late item is dated 15 days before the window) before the window (a late-added or back-dated item; the back
///   catalogue found on a source's first fetch never counts this way, nor does an old item that only slid
///   onto a listing's first page because a newer one was deleted); after an outage longer than that (the
///   source's previous successful fetch is older than `late_days` before the window), the grace reaches back
///   to one day before that previous fetch, so nothing published while the source could not be read is lost.
///
/// Dates only filter and order; a feed's position or "newest seen" never decides (case 09).
/// The window reaches 24 h past `now` (time-zone slips); dates further ahead were already replaced by
/// the first-seen time when the article was stored (``FutureDate``, case 35), and such an article found
/// on its source's first fetch is never selected.
public struct ArticleSelector: Sendable {
    /// Length of the lookback window, in days.
    public var lookbackDays: Int
    /// On a source's first fetch, at most this many of its articles are selected.
    public var firstRunMaxItems: Int

    /// Grace in days before the window for late additions, by source name (missing: ``defaultLateDays``).
    public var lateDays: [String: Int]
    /// The grace for sources not in ``lateDays`` (`late_days`' default).
    public static let defaultLateDays = 21

    public init(lookbackDays: Int, firstRunMaxItems: Int = 20, lateDays: [String: Int] = [:]) {
        self.lookbackDays = lookbackDays
        self.firstRunMaxItems = firstRunMaxItems
        self.lateDays = lateDays
    }

    /// Selects the new articles, newest first (undated ones by first-seen time).
    ///
    /// - Parameters:
    ///   - articles: every stored article that is a candidate (typically all not yet in a sent digest).
    ///   - sentKeys: identity keys of articles in digests that went out.
    ///   - sentFingerprints: fingerprints of those articles.
    ///   - sentURLs: the sources each canonical article URL (``ArticleURL/canonical(_:)``) went out from.
    ///   - sourceFirstFetched: each source's first fetch time, by source name.
    ///   - sourceFetches: each source's successful fetch times, oldest first, by source name.
    ///   - now: the run's clock.
    /// - Returns: the extracted articles not yet sent (by key or fingerprint, one per fingerprint) that were
    ///   published within the last ``lookbackDays`` days or added late to their source, at most
    ///   ``firstRunMaxItems`` per source from its first fetch, newest first.
    /// - Complexity: O(*n* log *n*) for *n* articles.
    public func select(
        from articles: [StoredArticle],
        sentKeys: Set<String>,
        sentFingerprints: Set<String>,
        sentURLs: [String: Set<String>] = [:],
        sourceFirstFetched: [String: Date],
        sourceFetches: [String: [Date]] = [:],
        now: Date
    ) -> [StoredArticle] {
        let windowStart = now.addingTimeInterval(-Double(lookbackDays) * 86_400)
        var seenFingerprints = sentFingerprints
        var seenURLs = sentURLs
        var perSourceFirstRun: [String: Int] = [:]
        let ordered = articles.sorted {
            sortDate($0) > sortDate($1) || (sortDate($0) == sortDate($1) && $0.key < $1.key)
        }
        var result: [StoredArticle] = []
        for article in ordered where article.isExtracted && !sentKeys.contains(article.key) {
            let published = article.publishedAt ?? article.firstSeenAt
            let latest = now.addingTimeInterval(FutureDate.tolerance)
            let inWindow = published >= windowStart && published <= latest
            let firstFetch = sourceFirstFetched[article.sourceName] ?? article.firstSeenAt
            var graceStart = windowStart.addingTimeInterval(
                -Double(lateDays[article.sourceName] ?? Self.defaultLateDays) * 86_400)
            // Back from an outage: the grace reaches one day before the fetch that preceded this article's.
            if let previous = sourceFetches[article.sourceName]?.last(where: { $0 < article.firstSeenAt }) {
                graceStart = min(graceStart, previous.addingTimeInterval(-86_400))
            }
            let lateAddition =
                article.firstSeenAt > firstFetch && article.firstSeenAt >= windowStart && article.firstSeenAt <= now
                && published <= latest && published >= graceStart
            guard inWindow || lateAddition else { continue }
            // The same page from another source (a feed and a listing of one site). Within one source a shared
            // URL may be several entries (case 07: a feed whose items all link to one page), told apart by key.
            let url = ArticleURL.canonical(article.url)
            if let sources = seenURLs[url], sources.contains(where: { $0 != article.sourceName }) { continue }
            guard seenFingerprints.insert(article.fingerprint).inserted else { continue }
            seenURLs[url, default: []].insert(article.sourceName)
            if article.firstSeenAt <= firstFetch {
                // A replaced future date is not "dated within the window" for the new-source policy.
                guard article.statedPublishedAt == nil else { continue }
                let count = perSourceFirstRun[article.sourceName, default: 0]
                guard count < firstRunMaxItems else { continue }
                perSourceFirstRun[article.sourceName] = count + 1
            }
            result.append(article)
        }
        return result
    }

    private func sortDate(_ article: StoredArticle) -> Date {
        article.publishedAt ?? article.firstSeenAt
    }
}
