public import Foundation
import GRDB
public import Logging

/// Building the digest: fetch every source, select what is new, and turn it into the digest's
/// content.
///
/// Writes only articles, source history and the HTTP cache; never digests.
public struct DigestBuilder: Sendable {
    public let config: NewsletterConfig
    public let database: AppDatabase
    public let fetcher: any HTTPFetching
    public let logger: Logger
    /// Told after each source is fetched (for a live progress line).
    public var onProgress: ProgressHandler?

    public init(
        config: NewsletterConfig, database: AppDatabase, fetcher: any HTTPFetching, logger: Logger,
        onProgress: ProgressHandler? = nil
    ) {
        self.config = config
        self.database = database
        self.fetcher = fetcher
        self.logger = logger
        self.onProgress = onProgress
    }

    /// Fetches every source, several at once (at most two requests per host, four overall);
    /// one failing source never stops the others.
    ///
    /// Results keep the configuration's order.
    ///
    /// - Parameters:
    ///   - now: the run's time.
    ///   - countsFailures: whether a failed source counts as a failed run towards its `ALERT`
    ///     (`alert_after_failed_runs`); `preview` passes `false`: it marks nothing, and two previews during a short
    ///     outage raised an alert (a new-user trial). A source that works always resets its count.
    /// - Returns: the articles stored, the failed sources and each source's health.
    public func fetchAll(now: Date, countsFailures: Bool = true) async -> FetchSummary {
        let sourceFetcher = SourceFetcher(fetcher: HostLimitedFetcher(fetcher), database: database)
        let lookbackDays = config.lookbackDays
        let logger = self.logger
        let results = await sourceFetcher.fetchEach(
            config.sources, now: now, lookbackDays: lookbackDays, logger: logger, onProgress: onProgress)
        var summary = FetchSummary()
        for (source, result) in zip(config.sources, results) {
            switch result {
            case .success(let fetched):
                summary.newArticles += fetched.newArticles
                summary.problems += fetched.problems
                summary.notFetched += fetched.notFetched
                summary.succeeded += 1
            case .failure(let error) where error is DatabaseError || error is StoreError:
                // Not the source's fault: nothing fetched could be stored.
                summary.stateError =
                    summary.stateError
                    ?? StoreError(path: database.path, reason: "cannot store what \(source.name) gave (\(error))")
            case .failure(let error):
                summary.failedSources.append((source.name, "\(error)"))
                logger.info("source failed", metadata: ["source": "\(source.name)", "error": "\(error)"])
            }
        }
        let outcomes = zip(config.sources, results).compactMap { source, result -> (name: String, error: String?)? in
            if case .failure(let error) = result { return countsFailures ? (source.name, "\(error)") : nil }
            return (source.name, nil)
        }
        do {
            summary.sourceHealth = try await database.recordSourceRun(outcomes, at: now)
        } catch {
            logger.error("cannot record the sources' health: \(error)")
        }
        return summary
    }

    /// The articles that are new at `now`, newest first (see ``ArticleSelector``).
    public func selectNew(now: Date) async throws -> [StoredArticle] {
        let selector = ArticleSelector(
            lookbackDays: config.lookbackDays, firstRunMaxItems: config.firstRunMaxItems,
            lateDays: Dictionary(config.sources.map { ($0.name, $0.lateDays) }, uniquingKeysWith: { first, _ in first })
        )
        let input = try await database.selectionInput()
        return selector.select(
            from: input.candidates, sentKeys: input.sentKeys, sentFingerprints: input.sentFingerprints,
            sentURLs: input.sentURLs, sourceFirstFetched: input.sourceFirstFetched, sourceFetches: input.sourceFetches,
            now: now)
    }

    /// The digest's content for `articles` as of `now`.
    public func makeContent(_ articles: [StoredArticle], now: Date, failedSources: [String] = []) -> DigestContent {
        let issueDate = Self.format(now, "yyyy-MM-dd", zone: config.timeZone)
        let zones = Dictionary(config.sources.map { ($0.name, $0.timeZone) }, uniquingKeysWith: { first, _ in first })
        // Grouped by source: the sources in the configuration's order, each newest first.
        let order = Dictionary(
            config.sources.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let arranged =
            config.groupBy == .source
            ? articles.enumerated().sorted {
                (order[$0.element.sourceName] ?? .max, $0.offset) < (order[$1.element.sourceName] ?? .max, $1.offset)
            }.map(\.element) : articles
        let items = arranged.map { article in
            DigestItem(
                key: article.key,
                title: article.title,
                url: article.url,
                // A date known only to the day is shown as a date (no invented 00:00).
                date: article.publishedAt.map {
                    Self.format(
                        $0, article.publishedDateOnly ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm",
                        zone: zones[article.sourceName] ?? config.timeZone)
                } ?? "",
                origin: article.origin,
                category: article.category,
                author: article.author,
                excerpt: DigestRenderer.excerpt(article.bodyText, limit: DigestRenderer.excerptLength),
                sourceName: article.sourceName)
        }
        let subject = config.subjectTemplate
            .replacingOccurrences(of: "{{title}}", with: config.title)
            .replacingOccurrences(of: "{{date}}", with: issueDate)
            .replacingOccurrences(of: "{{count}}", with: "\(items.count)")
        var content = DigestContent(
            title: config.title, subject: subject, issueDate: issueDate, items: items, failedSources: failedSources)
        content.groupBy = config.groupBy
        return content
    }

    /// Fetches, then selects: the content of this week's digest, or `nil` when nothing is new.
    /// - Throws: ``StoreError`` naming the state file when what was fetched could not be stored;
    ///   ``NewsletterError/allSourcesFailed(_:)`` when every source failed (case 10).
    /// - Parameters:
    ///   - now: the run's time.
    ///   - countsFailures: as in ``fetchAll(now:countsFailures:)``: `false` for runs that mark nothing.
    /// - Returns: the digest's content (`nil` when nothing is new) and what the fetch did.
    func build(now: Date, countsFailures: Bool = true) async throws -> (content: DigestContent?, fetch: FetchSummary) {
        let fetch = await fetchAll(now: now, countsFailures: countsFailures)
        if let stateError = fetch.stateError { throw stateError }
        if fetch.allFailed {
            throw NewsletterError.allSourcesFailed(
                fetch.failedSources.map { "\($0.name): \($0.reason)" }, sourceHealth: fetch.sourceHealth)
        }
        let articles = try await selectNew(now: now)
        guard !articles.isEmpty else { return (nil, fetch) }
        var content = makeContent(articles, now: now, failedSources: fetch.failedSources.map(\.name))
        content.subject = try await database.distinctSubject(content.subject)
        return (content, fetch)
    }

    static func format(_ date: Date, _ pattern: String, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
