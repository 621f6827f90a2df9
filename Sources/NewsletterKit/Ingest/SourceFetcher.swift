public import Foundation
import GRDB
public import Logging

/// Fetches one source (listing page or feed), extracts its articles and stores them.
///
/// Conditional GET: the ETag and Last-Modified of each listing page or feed are kept in the state
/// database with the body, so a 304 reuses the stored body. Article pages already stored are not
/// fetched again (a page whose 上一篇/下一篇 links changed is still the same article); listing
/// entries dated before the lookback window are recorded as seen without fetching their pages.
public struct SourceFetcher: Sendable {
    /// What one source yielded.
    public struct Result: Sendable {
        /// Articles stored for the first time in this run.
        public var newArticles: [StoredArticle] = []
        /// Article pages or feed entries that failed, each naming the URL.
        public var problems: [String] = []
        /// How many articles the listing pages or the feed held (stored before or not).
        public var found = 0
        /// Articles recorded as seen but not fetched, so never in a digest, each with the reason.
        public var notFetched: [String] = []
    }

    public var fetcher: any HTTPFetching
    public var database: AppDatabase
    /// How many article pages are fetched at once for a source.
    public var concurrentPages: Int

    public init(fetcher: any HTTPFetching, database: AppDatabase, concurrentPages: Int = 2) {
        self.fetcher = fetcher
        self.database = database
        self.concurrentPages = concurrentPages
    }

    /// Fetches `source` as of `now`.
    /// - Throws: ``FetchError`` (or a feed error) when the listing page or feed itself fails;
    ///   nothing is stored then, so the source's articles stay unseen for the next run.
    public func fetch(_ source: NewsletterConfig.Source, now: Date, lookbackDays: Int, logger: Logger) async throws
        -> Result
    {
        let windowStart = now.addingTimeInterval(-Double(lookbackDays) * 86_400)
        // Validators are stored only once the whole source has been read: a challenge or sign-in page never
        // leaves its ETag behind (case 30).
        var validators: [HTTPCacheEntry] = []
        let first = try await fetchConditional(
            source.url, now: now, source: source, validators: &validators, logger: logger)
        let kind = source.kind ?? (FeedParser.looksLikeFeed(first.body) ? .feed : .listing)
        if let what = ResponseCheck.classify(first, requested: source.url, expectingFeed: kind == .feed) {
            throw FetchError.unusable(
                what, status: first.status, url: first.url, detail: Self.redirectNote(source.url, first.url))
        }
        var candidates: [Candidate]
        let state = try await database.writer.read { db in try SourceState.fetchOne(db, key: source.name) }
        let knownSource = state != nil
        switch kind {
        case .feed:
            candidates = try feedCandidates(first, source: source, now: now, windowStart: windowStart, logger: logger)
        case .listing:
            guard Self.looksLikeHTML(first) else {
                throw SourceError.notHTML(first.url, contentType: first.contentType)
            }
            // A source fetched before: back-dated articles within `late_days` before the window still count, and
            // after an outage longer than that everything since (one day before) its last successful fetch.
            let grace = windowStart.addingTimeInterval(-Double(source.lateDays) * 86_400)
            var earliest = windowStart.addingTimeInterval(-86_400)
            if let state {
                earliest = min(grace, state.lastFetchedAt.addingTimeInterval(-86_400))
            }
            // Pagination reaches into the grace on the first fetch too, so that the back catalogue the next runs
            // will see (they read that deep) is recorded as seen now, never taken for late additions then (a
            // new-user trial's second issue carried ten old articles from the listing's pages 2 and 3).
            candidates = try await listingCandidates(
                first, source: source, now: now, earliest: earliest, paginateTo: min(earliest, grace),
                windowStart: windowStart, knownSource: knownSource, validators: &validators, logger: logger)
        }
        let found = Set(candidates.map(\.key)).count
        // Drop what is already stored.
        let keys = candidates.map(\.key)
        let known = try await database.knownArticleKeys(keys)
        candidates = candidates.filter { !known.contains($0.key) }
        var seenKeys = Set<String>()
        candidates = candidates.filter { seenKeys.insert($0.key).inserted }

        var result = Result()
        result.found = found
        // Fetch article pages (listing links inside the window, full-text feed entries), a few at a time.
        let pending = candidates
        let (articles, problems) = try await withThrowingTaskGroup(
            of: (Int, Swift.Result<StoredArticle, any Error>).self
        ) { group in
            var next = 0
            func launch() {
                guard next < pending.count else { return }
                let index = next
                next += 1
                let candidate = pending[index]
                group.addTask {
                    // The tuple is built once, after the await: Swift 6.3.1 -O drops the index otherwise
                    // (scripts/compiler-bugs/async-tuple-result/README.md).
                    let outcome: Swift.Result<StoredArticle, any Error>
                    do {
                        outcome = .success(
                            try await self.complete(
                                candidate, source: source, now: now, windowStart: windowStart, logger: logger))
                    } catch {
                        outcome = .failure(error)
                    }
                    return (index, outcome)
                }
            }
            for _ in 0..<max(1, concurrentPages) { launch() }
            var collected: [(Int, StoredArticle)] = []
            var problems: [String] = []
            while let (index, outcome) = try await group.next() {
                switch outcome {
                case .success(let article): collected.append((index, article))
                case .failure(let error):
                    problems.append("\(error)")
                    logger.info("article skipped", metadata: ["error": "\(error)"])
                }
                launch()
            }
            return (collected.sorted { $0.0 < $1.0 }.map { $0.1 }, problems)
        }
        result.problems = problems
        // Publisher dates more than a day ahead are set aside (case 35).
        let settled = articles.map { article -> StoredArticle in
            guard let settled = FutureDate.settle(article, now: now) else { return article }
            logger.warning(
                "publisher date more than 24 h ahead set aside; the article counts from when it was first seen",
                metadata: [
                    "source": "\(source.name)", "article": "\(article.title)",
                    "date": "\(DateParser.iso8601(article.publishedAt ?? now, timeZone: source.timeZone))",
                ])
            return settled
        }
        let skipped = pending.filter { !$0.fetchPage && $0.feedArticle == nil }
        if let example = skipped.first {
            let day = example.published.map { DateParser.iso8601($0, timeZone: source.timeZone).prefix(10) } ?? "?"
            let rule =
                knownSource
                ? "dated before the lookback window, its late_days grace of \(source.lateDays) days and the "
                    + "source's last successful fetch"
                : "dated before the lookback window on the source's first fetch"
            result.notFetched.append(
                "\(source.name): \(skipped.count) article(s) recorded as seen but not sent (\(rule)), e.g. "
                    + "\"\(example.title)\" (\(day))")
        }
        for entry in validators { try await database.saveCachedResponse(entry) }
        try await database.storeArticles(settled, source: source.name, fetchedAt: now)
        result.newArticles = settled
        return result
    }

    // MARK: - Candidates

    /// Something found on a listing page or in a feed, not yet stored.
    private struct Candidate: Sendable {
        var key: String
        var url: URL
        var title: String
        var published: Date?
        /// Whether `published` is known only to the day.
        var dateOnly = false
        /// Set for feed entries: the article as the feed gives it.
        var feedArticle: StoredArticle?
        var fetchPage: Bool
    }

    /// Whether a listing page's dates still reach back to `earliest`, so that the next page may hold more: any
    /// link dated from `earliest` to `latest`.
    ///
    /// Old notices pinned on a page (置顶, one or half a page of them, at the top or the bottom) or an old
    /// document re-posted among new ones must not stop the reading, as the oldest date on the page did: a new-user
    /// trial lost a busy week's second page, and after an outage most of the missed week, behind pinned notices.
    /// The cost is one more page at the boundary. Dates beyond `latest` (an event pinned for next month) do not
    /// count, or every run would read `max_pages` pages.
    static func reachesInto(_ dates: [Date], earliest: Date, latest: Date) -> Bool {
        dates.contains { $0 >= earliest && $0 <= latest }
    }

    /// The candidates of a listing and its following pages.
    ///
    /// - Parameters:
    ///   - first: the listing's first page as fetched.
    ///   - source: the source's settings (`max_pages`, selectors, time zone).
    ///   - now: the run's time.
    ///   - earliest: links dated from here on get their article page fetched (they can be new).
    ///   - paginateTo: following pages are read while they reach back this far
    ///     (``reachesInto(_:earliest:latest:)``);
    ///     older links are recorded as seen.
    ///   - windowStart: the lookback window's start: stopping at `max_pages` while a page still reaches into
    ///     the window is warned about (articles beyond it are never read).
    ///   - knownSource: whether the source was fetched before (an empty listing is then a failure).
    ///   - validators: the HTTP validators of the pages read, stored once the whole source is read.
    ///   - logger: receives the skipped pages and the `max_pages` warning.
    /// - Returns: every link of the pages read, in page order.
    /// - Throws: ``SourceError`` or ``FetchError`` when the first page gives no links or a selector matches nothing.
    private func listingCandidates(
        _ first: HTTPResponse, source: NewsletterConfig.Source, now: Date, earliest: Date, paginateTo: Date,
        windowStart: Date, knownSource: Bool, validators: inout [HTTPCacheEntry], logger: Logger
    ) async throws -> [Candidate] {
        let selectors = ListingExtractor.Selectors(links: source.selectors.links, nextPage: source.selectors.nextPage)
        func extract(_ response: HTTPResponse, sameBlockAs shape: String? = nil) throws -> ListingPage {
            let page = ListingExtractor.extract(
                bytes: response.body, contentType: response.contentType, url: response.url,
                timeZone: source.timeZone, now: now, selectors: selectors, sameBlockAs: shape)
            if let miss = page.selectorMiss {
                throw SourceError.selectorMatchedNothing(source: source.name, selector: miss, url: response.url)
            }
            return page
        }
        var candidates: [Candidate] = []
        var page = try extract(first)
        guard !page.links.isEmpty else {
            let explanation = ExtractionReport.emptyListingExplanation(page)
            // A listing that gave links before and none now is a failure of its own kind, never "nothing new".
            if knownSource {
                throw FetchError.unusable(.emptyListing, status: first.status, url: first.url, detail: explanation)
            }
            throw SourceError.noLinks(first.url, explanation: explanation)
        }
        // Later pages are read by the block chosen on the first (the short last page has few items).
        let firstShape = page.blockShape
        var visited: Set<URL> = [first.url]
        var pages = 1
        while true {
            for link in page.links {
                // An undated link past page 1 on a source's first fetch is back catalogue (机构职能, 领导信息):
                // recorded as seen, never fetched (a re-trial's second issue mailed one as news).
                let inWindow = link.date.map { $0 >= earliest } ?? (knownSource || pages == 1)
                candidates.append(
                    Candidate(
                        key: ArticleURL.canonicalKey(link.url), url: link.url, title: link.title, published: link.date,
                        dateOnly: link.dateOnly, feedArticle: nil, fetchPage: inWindow))
            }
            // Follow pagination while the page still reaches into the window (and its late grace).
            let dates = page.links.compactMap(\.date)
            guard let nextURL = page.nextPage, !visited.contains(nextURL),
                Self.reachesInto(dates, earliest: paginateTo, latest: now.addingTimeInterval(FutureDate.tolerance))
            else { break }
            guard pages < source.maxPages else {
                // Most dated links of the last page read inside the window (pinned old notices aside): the following
                // pages likely hold more of it.
                if dates.filter({ $0 >= windowStart }).count * 2 > dates.count {
                    logger.warning(
                        "listing pagination stopped at max_pages while the last page read is mostly inside the lookback window: articles on the following pages may not have been read; raise max_pages for this source",
                        metadata: [
                            "source": "\(source.name)", "max_pages": "\(source.maxPages)", "next_page": "\(nextURL)",
                        ])
                }
                break
            }
            visited.insert(nextURL)
            pages += 1
            do {
                let response = try await fetchConditional(
                    nextURL, now: now, source: source, validators: &validators, logger: logger)
                if let what = ResponseCheck.classify(response, requested: nextURL, expectingFeed: false) {
                    throw FetchError.unusable(what, status: response.status, url: response.url)
                }
                page = try extract(response, sameBlockAs: firstShape)
            } catch {
                logger.warning("listing page skipped", metadata: ["error": "\(error)"])
                break
            }
        }
        return candidates
    }

    private func feedCandidates(
        _ response: HTTPResponse, source: NewsletterConfig.Source, now: Date, windowStart: Date, logger: Logger
    ) throws -> [Candidate] {
        let feed = try FeedParser.parse(
            bytes: response.body, contentType: response.contentType, url: response.url, timeZone: source.timeZone,
            fetchedAt: now)
        if feed.repairedReferences > 0 {
            logger.warning(
                "feed repaired: HTML entity references or bare '&' that XML does not allow",
                metadata: ["source": "\(source.name)", "references": "\(feed.repairedReferences)"])
        }
        if feed.entries.isEmpty {
            logger.notice("the feed has no entries", metadata: ["source": "\(source.name)", "url": "\(response.url)"])
        }
        return feed.entries.map { entry in
            // An unparseable date is not shown as a publish time: the entry counts from when it was first seen.
            let published = entry.publishedWasGuessed ? nil : entry.published
            if entry.publishedWasGuessed {
                logger.notice(
                    "feed entry without a readable date",
                    metadata: ["source": "\(source.name)", "entry": "\(entry.title)"])
            }
            let html = entry.contentHTML ?? entry.summaryHTML ?? ""
            let sanitized = HTMLSanitizer.sanitize(html, baseURL: entry.url ?? response.url)
            let text = HTMLText.plainText(fromHTML: sanitized)
            let url = entry.url ?? response.url
            let article = StoredArticle(
                key: "feed:\(source.name):\(entry.id)", sourceName: source.name, url: url.absoluteString,
                title: entry.title, publishedAt: published, category: nil, origin: nil, author: entry.author,
                bodyText: text, bodyHTML: sanitized,
                fingerprint: StoredArticle.fingerprint(
                    title: entry.title, published: published, timeZone: source.timeZone),
                firstSeenAt: now, isExtracted: true)
            // Full text only for entries that can still be new: older ones keep the feed's content.
            let fetchPage =
                source.fullText && entry.url != nil
                && (published.map { $0 >= windowStart.addingTimeInterval(-86_400) } ?? true)
            return Candidate(
                key: article.key, url: url, title: entry.title, published: published, feedArticle: article,
                fetchPage: fetchPage)
        }
    }

    /// Turns a candidate into a stored article, fetching and extracting its page when needed.
    private func complete(
        _ candidate: Candidate, source: NewsletterConfig.Source, now: Date, windowStart: Date, logger: Logger
    ) async throws -> StoredArticle {
        if !candidate.fetchPage {
            if let article = candidate.feedArticle { return article }
            return StoredArticle(
                key: candidate.key, sourceName: source.name, url: candidate.url.absoluteString, title: candidate.title,
                publishedAt: candidate.published, category: nil, origin: nil, author: nil, bodyText: "", bodyHTML: "",
                fingerprint: StoredArticle.fingerprint(
                    title: candidate.title, published: candidate.published, timeZone: source.timeZone),
                firstSeenAt: now, isExtracted: false, publishedDateOnly: candidate.dateOnly)
        }
        let response = try await fetcher.fetch(HTTPRequest(url: candidate.url))
        if let warning = response.contentCodingWarning {
            logger.warning(
                "\(warning)", metadata: ["source": "\(source.name)", "url": "\(URLRedaction.redacted(response.url))"])
        }
        // A sign-in or challenge page is never stored as the article: it stays unseen and is tried next run.
        if let what = ResponseCheck.classify(response, requested: candidate.url, expectingFeed: false) {
            throw FetchError.unusable(what, status: response.status, url: response.url)
        }
        let guessed = ArticleExtractor.extract(
            bytes: response.body, contentType: response.contentType, url: response.url, timeZone: source.timeZone)
        let (extracted, miss) = ArticleExtractor.applying(
            source.selectors, to: guessed, bytes: response.body, contentType: response.contentType, url: response.url,
            timeZone: source.timeZone)
        if let miss {
            throw SourceError.selectorMatchedNothing(source: source.name, selector: miss, url: response.url)
        }
        var article =
            candidate.feedArticle
            ?? StoredArticle(
                key: candidate.key, sourceName: source.name, url: candidate.url.absoluteString, title: candidate.title,
                publishedAt: candidate.published, category: nil, origin: nil, author: nil, bodyText: "", bodyHTML: "",
                fingerprint: "", firstSeenAt: now, isExtracted: true)
        // A feed's own title and date are authoritative; a page's fill in what the feed lacks.
        if candidate.feedArticle == nil {
            article.title = ArticleExtractor.preferredTitle(
                page: extracted.title, link: candidate.title, body: extracted.bodyText)
        }
        if candidate.feedArticle == nil || article.publishedAt == nil {
            // A day the page does not state as its own, more than a day away from the listing's date for the link,
            // is another item's (a new-user trial's article took its 往期回顾 list's 11-02 and was never sent).
            var unstatedElsewhere = false
            if !extracted.publishedIsStated, let onPage = extracted.published, let listed = candidate.published {
                unstatedElsewhere = abs(onPage.timeIntervalSince(listed)) > 36 * 3600
            }
            if let published = extracted.published, !unstatedElsewhere {
                // The page's time of day refines the listing's day; a page showing only a day keeps it a day.
                article.publishedAt = published
                article.publishedDateOnly = extracted.publishedDateOnly
            } else {
                article.publishedDateOnly = candidate.dateOnly
            }
        }
        article.category = extracted.category ?? article.category
        article.origin = extracted.source ?? article.origin
        article.author = extracted.author ?? article.author
        if !extracted.bodyText.isEmpty || article.bodyText.isEmpty {
            article.bodyText = extracted.bodyText
            article.bodyHTML = extracted.bodyHTML
        }
        article.isExtracted = true
        article.fingerprint = StoredArticle.fingerprint(
            title: article.title, published: article.publishedAt, timeZone: source.timeZone)
        return article
    }

    /// Whether a response can be a listing page: an HTML content type, or (none given, for example a
    /// `file:` URL) a body that starts with markup.
    static func looksLikeHTML(_ response: HTTPResponse) -> Bool {
        if let type = response.contentType?.lowercased(), !type.isEmpty {
            return type.contains("html") || type.contains("xml")
        }
        let start = response.body.prefix(1024).drop { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        return start.first == UInt8(ascii: "<")
    }

    /// GET with the stored validators; a 304 answers with the stored body.
    ///
    /// New validators are added to `validators`, stored by the caller once the source has been read.
    private func fetchConditional(
        _ url: URL, now: Date, source: NewsletterConfig.Source, validators: inout [HTTPCacheEntry], logger: Logger
    ) async throws -> HTTPResponse {
        let cached = try await database.cachedResponse(for: url)
        var response = try await fetcher.fetch(
            HTTPRequest(url: url, etag: cached?.etag, lastModified: cached?.lastModified))
        if let warning = response.contentCodingWarning {
            logger.warning(
                "\(warning)", metadata: ["source": "\(source.name)", "url": "\(URLRedaction.redacted(response.url))"])
        }
        if response.isNotModified, let cached {
            response.body = Array(cached.body)
            response.status = 200
            return response
        }
        if response.headers["etag"] != nil || response.headers["last-modified"] != nil {
            validators.append(
                HTTPCacheEntry(
                    url: url.absoluteString, etag: response.headers["etag"],
                    lastModified: response.headers["last-modified"],
                    body: Data(response.body), fetchedAt: now))
        }
        return response
    }

    /// "redirected from …" when `final` differs from `requested` (secret query values redacted).
    static func redirectNote(_ requested: URL, _ final: URL) -> String? {
        requested == final ? nil : "redirected from \(URLRedaction.redacted(requested))"
    }
}
