public import Foundation
import GRDB
public import Logging

/// One newsletter's whole job: fetch, extract, select, render, assemble, send, record.
///
/// Commands build one of these from the configuration and call ``fetchAll(now:)``,
/// ``preview(now:to:)`` or ``send(now:dryRun:)``.
public struct Newsletter: Sendable {
    public let config: NewsletterConfig
    public let database: AppDatabase
    public let fetcher: any HTTPFetching
    public let logger: Logger
    public let composer: MessageComposer
    /// Set by the command on SIGINT/SIGTERM; sending stops between transactions.
    public var stop = StopRequest()

    /// Opens the state database and loads the templates.
    /// - Throws: ``RenderError`` for a template that does not parse; database errors naming the file.
    public init(
        config: NewsletterConfig, fetcher: any HTTPFetching = CurlHTTPFetcher(), database: AppDatabase? = nil,
        logger: Logger
    ) throws {
        self.config = config
        self.fetcher = fetcher
        self.logger = logger
        self.database = try database ?? AppDatabase(file: config.stateFile)
        let renderer = try DigestRenderer(
            directory: config.templatesDirectory, htmlBudgetBytes: config.htmlBudgetBytes,
            archiveURL: config.archiveURL, logger: logger)
        composer = MessageComposer(config: config, renderer: renderer)
    }

    // MARK: - Fetch

    /// What fetching all sources gave.
    public struct FetchSummary: Sendable {
        /// Articles stored for the first time.
        public var newArticles: [StoredArticle] = []
        /// Sources whose listing page or feed failed: name and reason (URL included).
        public var failedSources: [(name: String, reason: String)] = []
        /// Pages or entries that failed inside sources that worked.
        public var problems: [String] = []
        /// How many sources were fetched successfully.
        public var succeeded = 0

        /// Whether every configured source failed (nothing may be sent or marked then: case 10).
        public var allFailed: Bool { succeeded == 0 && !failedSources.isEmpty }
    }

    /// Fetches every source, several at once (at most two requests per host, four overall);
    /// one failing source never stops the others. Results keep the configuration's order.
    public func fetchAll(now: Date) async -> FetchSummary {
        let sourceFetcher = SourceFetcher(fetcher: HostLimitedFetcher(fetcher), database: database)
        let lookbackDays = config.lookbackDays
        let logger = self.logger
        let results = await withTaskGroup(of: (Int, Result<SourceFetcher.Result, any Error>).self) { group in
            for (index, source) in config.sources.enumerated() {
                group.addTask {
                    do {
                        return (
                            index,
                            .success(
                                try await sourceFetcher.fetch(
                                    source, now: now, lookbackDays: lookbackDays, logger: logger))
                        )
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [(Int, Result<SourceFetcher.Result, any Error>)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
        var summary = FetchSummary()
        for (index, result) in results {
            let source = config.sources[index]
            switch result {
            case .success(let fetched):
                summary.newArticles += fetched.newArticles
                summary.problems += fetched.problems
                summary.succeeded += 1
            case .failure(let error):
                summary.failedSources.append((source.name, "\(error)"))
                logger.info("source failed", metadata: ["source": "\(source.name)", "error": "\(error)"])
            }
        }
        return summary
    }

    // MARK: - Select

    /// The articles that are new at `now`, newest first (see ``ArticleSelector``).
    public func selectNew(now: Date) async throws -> [StoredArticle] {
        let selector = ArticleSelector(lookbackDays: config.lookbackDays, firstRunMaxItems: config.firstRunMaxItems)
        return try await database.writer.read { db in
            let sent = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.key, a.fingerprint FROM article a JOIN digestArticle d ON d.articleKey = a.key
                    """)
            let sentKeys = Set(sent.map { $0["key"] as String })
            let sentFingerprints = Set(sent.map { $0["fingerprint"] as String })
            let candidates = try StoredArticle.fetchAll(
                db,
                sql: """
                    SELECT * FROM article WHERE isExtracted AND key NOT IN (SELECT articleKey FROM digestArticle)
                    """)
            let firstFetched = Dictionary(
                try SourceState.fetchAll(db).map { ($0.name, $0.firstFetchedAt) },
                uniquingKeysWith: { first, _ in first })
            return selector.select(
                from: candidates, sentKeys: sentKeys, sentFingerprints: sentFingerprints,
                sourceFirstFetched: firstFetched, now: now)
        }
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
                date: article.publishedAt.map {
                    Self.format($0, "yyyy-MM-dd HH:mm", zone: zones[article.sourceName] ?? config.timeZone)
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

    static func format(_ date: Date, _ pattern: String, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    // MARK: - Preview

    /// What ``preview(now:to:)`` wrote.
    public struct PreviewResult: Sendable {
        public var html: URL
        public var text: URL
        public var eml: URL
        public var content: DigestContent
        public var fetch: FetchSummary
    }

    /// Renders the digest of what is new into `folder` (`digest.html`, `digest.txt`, `digest.eml`:
    /// the exact message the first active subscriber would get) without sending or marking anything.
    /// - Throws: file-system, MIME or database errors; ``NewsletterError/allSourcesFailed``.
    public func preview(now: Date, to folder: URL) async throws -> PreviewResult {
        let fetch = await fetchAll(now: now)
        if fetch.allFailed {
            throw NewsletterError.allSourcesFailed(fetch.failedSources.map { "\($0.name): \($0.reason)" })
        }
        let content = makeContent(
            try await selectNew(now: now), now: now, failedSources: fetch.failedSources.map(\.name))
        let subscribers = try SubscriberList.load(from: config.subscribersFile)
        let subscriber =
            subscribers.active.first ?? Subscriber(email: "subscriber@example.com", name: "", token: "preview")
        let bodies = composer.renderer.render(
            content,
            for: DigestRenderer.Recipient(
                name: subscriber.name, unsubscribeURL: composer.unsubscribeURL(for: subscriber)))
        let message = try composer.compose(content, for: subscriber, messageID: composer.makeMessageID(), date: now)
        let result = PreviewResult(
            html: folder.appendingPathComponent("digest.html"), text: folder.appendingPathComponent("digest.txt"),
            eml: folder.appendingPathComponent("digest.eml"), content: content, fetch: fetch)
        try AtomicFile.write(Data(bodies.html.utf8), to: result.html)
        try AtomicFile.write(Data(bodies.text.utf8), to: result.text)
        try AtomicFile.write(Data(message), to: result.eml)
        return result
    }
}

/// Failures of a whole run.
public struct NewsletterError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }

    /// Every source failed: nothing was sent or marked (case 10).
    public static func allSourcesFailed(_ reasons: [String]) -> NewsletterError {
        NewsletterError(description: "every source failed, nothing sent: " + reasons.joined(separator: "; "))
    }

    /// `send` needs an `smtp` section.
    public static let noSMTP = NewsletterError(description: "no smtp section in the configuration: cannot send")
}

extension Newsletter {
    /// The message `subscriber` would get for this week's digest, for `send --test`: nothing is
    /// frozen, recorded or marked.
    /// - Throws: ``NewsletterError`` when every source failed or nothing is new.
    public func testMessage(for subscriber: Subscriber, now: Date) async throws -> [UInt8] {
        let fetch = await fetchAll(now: now)
        if fetch.allFailed {
            throw NewsletterError.allSourcesFailed(fetch.failedSources.map { "\($0.name): \($0.reason)" })
        }
        let articles = try await selectNew(now: now)
        guard !articles.isEmpty else { throw NewsletterError(description: "nothing new: no digest to send") }
        let content = makeContent(articles, now: now, failedSources: fetch.failedSources.map(\.name))
        // The test address has no real token: do not advertise one-click unsubscribe for it.
        var composer = self.composer
        composer.config.unsubscribeOneClick = false
        return try composer.compose(content, for: subscriber, messageID: composer.makeMessageID(), date: now)
    }
}
