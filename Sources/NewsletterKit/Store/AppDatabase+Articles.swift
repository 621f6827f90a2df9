import Foundation
import GRDB

extension AppDatabase {
    /// Which of `keys` are stored already.
    func knownArticleKeys(_ keys: [String]) async throws -> Set<String> {
        try await writer.read { db in
            try StoredArticle.filter(keys: keys).select(StoredArticle.Columns.key, as: String.self).fetchSet(db)
        }
    }

    /// Stores a source's new articles (an article stored already is kept) and notes the fetch (its
    /// `sourceState` and a `sourceFetch` row).
    func storeArticles(_ articles: [StoredArticle], source: String, fetchedAt date: Date) async throws {
        try await writer.write { db in
            for article in articles { try article.insert(db, onConflict: .ignore) }
            if var state = try SourceState.fetchOne(db, key: source) {
                state.lastFetchedAt = date
                try state.update(db)
            } else {
                try SourceState(name: source, firstFetchedAt: date, lastFetchedAt: date).insert(db)
            }
            try Self.recordSourceFetch(db, source: source, at: date)
        }
    }

    /// The stored validators and body for `url`, if any.
    func cachedResponse(for url: URL) async throws -> HTTPCacheEntry? {
        try await writer.read { db in try HTTPCacheEntry.fetchOne(db, key: url.absoluteString) }
    }

    /// Stores (or replaces) the validators and body of a 200 response.
    func saveCachedResponse(_ entry: HTTPCacheEntry) async throws {
        try await writer.write { db in try entry.save(db) }
    }

    /// What article selection needs: extracted articles not yet in a digest, the keys and
    /// fingerprints already sent, when each source was first fetched, and its successful fetch times.
    struct SelectionInput: Sendable {
        var candidates: [StoredArticle]
        var sentKeys: Set<String>
        var sentFingerprints: Set<String>
        /// Canonical URL → the sources it went out from (``ArticleURL/canonical(_:)``).
        var sentURLs: [String: Set<String>] = [:]
        var sourceFirstFetched: [String: Date]
        var sourceFetches: [String: [Date]] = [:]
    }

    /// See ``SelectionInput``.
    func selectionInput() async throws -> SelectionInput {
        try await writer.read { db in
            let sent = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.key, a.fingerprint, a.url, a.sourceName FROM article a
                    JOIN digestArticle d ON d.articleKey = a.key
                    """)
            let candidates = try StoredArticle.fetchAll(
                db,
                sql: """
                    SELECT * FROM article WHERE isExtracted AND key NOT IN (SELECT articleKey FROM digestArticle)
                    """)
            let firstFetched = Dictionary(
                try SourceState.fetchAll(db).map { ($0.name, $0.firstFetchedAt) },
                uniquingKeysWith: { first, _ in first })
            var sentURLs: [String: Set<String>] = [:]
            for row in sent {
                sentURLs[ArticleURL.canonical(row["url"]), default: []].insert(row["sourceName"])
            }
            return SelectionInput(
                candidates: candidates, sentKeys: Set(sent.map { $0["key"] as String }),
                sentFingerprints: Set(sent.map { $0["fingerprint"] as String }), sentURLs: sentURLs,
                sourceFirstFetched: firstFetched, sourceFetches: try Self.sourceFetches(db))
        }
    }

    /// Every stored article (tests, tools).
    func allArticles() async throws -> [StoredArticle] {
        try await writer.read { db in try StoredArticle.fetchAll(db) }
    }

    /// For one source: how many articles are stored, how many went out in a digest, and the
    /// newest publish time (`newsletter check`).
    func articleFacts(source: String) async throws -> (total: Int, sent: Int, newest: Date?, newestUnsent: Date?) {
        try await writer.read { db in
            let total = try StoredArticle.filter(StoredArticle.Columns.sourceName == source).fetchCount(db)
            let sent =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM article a JOIN digestArticle d ON d.articleKey = a.key WHERE a.sourceName = ?
                        """, arguments: [source]) ?? 0
            let newest = try Date.fetchOne(
                db, sql: "SELECT MAX(publishedAt) FROM article WHERE sourceName = ?", arguments: [source])
            let newestUnsent = try Date.fetchOne(
                db,
                sql: """
                    SELECT MAX(publishedAt) FROM article a WHERE sourceName = ?
                    AND NOT EXISTS (SELECT 1 FROM digestArticle d WHERE d.articleKey = a.key)
                    """, arguments: [source])
            return (total, sent, newest, newestUnsent)
        }
    }
}
