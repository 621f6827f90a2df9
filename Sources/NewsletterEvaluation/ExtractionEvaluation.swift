public import Foundation
import NewsletterKit

/// Scores the extractor against fixtures that ship their ground truth, and times it.
///
/// Two fixture layouts are understood, told apart by what the folder holds:
/// - **real** (`caseNN.html`/`caseNN.xml` beside `caseNN.expected.json`): pages and feeds copied from
///   public test corpora. Chinese pages (`lang` zh…) are read in Asia/Shanghai, the others in UTC.
/// - **site** (`expected.json` beside snapshot folders): the fixture CMS site; every article page named in
///   a snapshot (including the `not_again` paths, with the truth of the same path from another snapshot).
///
/// The checks (each only where the truth has a value):
/// - `title`: equal ignoring whitespace, or the truth is the title plus a site suffix after `_ | - – — : ( （`.
/// - `published`: equal at the truth's precision (day, minute or second), in the truth's zone.
/// - `author`, `source`: equal ignoring whitespace and case, or the extracted value contains the truth.
/// - `body_first`, `body_last`: the phrase occurs in the first / last ``Expected/bodyWindow`` characters of
///   the body text (real: 250, site: 120, as the truths say). For feeds `body_first` also needs the format,
///   item count and first item's title and link to match, and reads the first entry (title and text);
///   `body_last` reads the last entry.
/// - `boilerplate_absent`: the body text holds none of the phrases that must not be there (site: the truth's
///   `body_must_not_contain`; real article pages: ``genericBoilerplate``).
public enum ExtractionEvaluation: Sendable {
    /// One thing that is checked per case.
    public enum Check: String, CaseIterable, Sendable {
        case title
        case published
        case author
        case source
        case bodyFirst = "body_first"
        case bodyLast = "body_last"
        case boilerplateAbsent = "boilerplate_absent"
    }

    /// Whether a case is an article page or a feed.
    public enum Kind: String, Sendable {
        case article
        case feed
    }

    /// What the ground truth says about one case; `nil` fields are not checked.
    public struct Expected: Sendable {
        public var title: String?
        public var published: String?
        public var author: String?
        public var source: String?
        public var bodyFirst: String?
        public var bodyLast: String?
        /// How many characters at each end of the body text `body_first`/`body_last` must fall within.
        public var bodyWindow: Int
        /// Phrases the body text must not contain; empty means the check is not made.
        public var mustNotContain: [String]
        /// Feeds: `rss2`, `rss1` or `atom`.
        public var feedFormat: String?
        public var itemCount: Int?
        public var firstItemTitle: String?
        public var firstItemLink: String?
        public var firstItemAuthor: String?
        /// The whole article text as the ground truth has it (`caseNN.body.txt`), for the body F1 scores.
        public var bodyTruth: String? = nil
    }

    /// One page or feed with its truth.
    public struct Case: Sendable {
        /// A short name, for example `real/case01` or `site/2019-06-01/djzf/2019/0531/1287.html`.
        public var name: String
        public var kind: Kind
        /// The bytes exactly as stored.
        public var bytes: [UInt8]
        /// The URL the page is extracted as (relative links resolve against it).
        public var url: URL
        /// The zone for datelines without one.
        public var timeZone: TimeZone
        public var expected: Expected
        /// Whether the page is Chinese (`lang` zh…): its body F1 is reported apart from the others.
        public var isChinese: Bool = false
    }

    /// The checks of one case.
    public struct Outcome: Sendable {
        public var name: String
        public var kind: Kind
        /// Each check made, hit (`true`) or missed (`false`).
        public var results: [Check: Bool]
        /// What was found where a check missed.
        public var notes: [String]
        /// The body text against ``Expected/bodyTruth``, when the truth has one.
        public var bodyOverlap: BodyOverlap? = nil
        /// Whether the case is a Chinese page (see ``Case/isChinese``).
        public var isChinese: Bool = false

        /// Whether none of `checks` missed.
        public func passed(_ checks: [Check] = Check.allCases) -> Bool {
            checks.allSatisfy { results[$0] != false }
        }
    }

    /// The outcome of every case, per-check totals and the speed.
    public struct Report: Sendable {
        public var outcomes: [Outcome]
        /// Wall-clock seconds spent extracting (decoding, parsing, extracting), over all repetitions.
        public var seconds: Double
        /// How many extractions were timed (cases × repetitions).
        public var extractions: Int

        /// Pages and feeds extracted per second.
        public var pagesPerSecond: Double { seconds > 0 ? Double(extractions) / seconds : 0 }

        /// Hits and checks made for `check` over all cases.
        public func tally(_ check: Check) -> (hits: Int, checked: Int) {
            var hits = 0
            var checked = 0
            for outcome in outcomes {
                guard let result = outcome.results[check] else { continue }
                checked += 1
                if result { hits += 1 }
            }
            return (hits, checked)
        }

        /// Hits and checks over `checks` and all cases.
        public func total(_ checks: [Check] = Check.allCases) -> (hits: Int, checked: Int) {
            checks.map(tally).reduce((0, 0)) { ($0.0 + $1.hits, $0.1 + $1.checked) }
        }

        /// A plain-text table: one row per case (`✓` hit, `✗` miss, `·` not checked), the misses' notes,
        /// the totals per check and the speed.
        public func table(showNotes: Bool = true) -> String {
            let names = ["title", "published", "author", "source", "first", "last", "boiler"]
            let width = max(12, outcomes.map(\.name.count).max() ?? 0)
            func pad(_ s: String, _ n: Int) -> String {
                s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
            }
            var lines = [pad("case", width) + "  " + names.map { pad($0, 10) }.joined()]
            for outcome in outcomes {
                let cells = Check.allCases.map { check -> String in
                    switch outcome.results[check] {
                    case true?: pad("✓", 10)
                    case false?: pad("✗", 10)
                    case nil: pad("·", 10)
                    }
                }
                lines.append(pad(outcome.name, width) + "  " + cells.joined())
                if showNotes {
                    for note in outcome.notes { lines.append("    " + note) }
                    if let overlap = outcome.bodyOverlap {
                        lines.append(
                            "    body F1: "
                                + String(
                                    format: "characters %.3f (P %.3f R %.3f), shingles %.3f", overlap.characters.f1,
                                    overlap.characters.precision, overlap.characters.recall, overlap.shingles.f1))
                    }
                }
            }
            let totals = Check.allCases.map { check -> String in
                let t = tally(check)
                return pad("\(t.hits)/\(t.checked)", 10)
            }
            lines.append(pad("total", width) + "  " + totals.joined())
            let core = total([.title, .published, .bodyFirst, .bodyLast])
            let all = total()
            lines.append("title+published+body: \(core.hits)/\(core.checked)   all checks: \(all.hits)/\(all.checked)")
            lines += bodyF1Lines()
            lines.append(String(format: "%d extractions in %.3f s: %.1f pages/s", extractions, seconds, pagesPerSecond))
            return lines.joined(separator: "\n")
        }
    }

    /// Trailer and navigation phrases that never belong to an article body (checked on real article pages).
    public static let genericBoilerplate = [
        "责任编辑", "上一篇", "下一篇", "当前位置", "打印本页", "关闭窗口", "分享到", "版权所有", "ICP备",
    ]

    // MARK: - Loading

    /// The cases of a fixture folder (real or site layout).
    ///
    /// - Parameter directory: A `real/` folder (`*.expected.json`) or a `site/` folder (`expected.json`).
    /// - Returns: The cases, in file-name order.
    /// - Throws: ``EvaluationError`` when the folder holds neither layout or a truth file is unreadable.
    public static func loadCases(in directory: URL) throws -> [Case] {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.appendingPathComponent("expected.json").path) {
            return try loadSiteCases(in: directory)
        }
        let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        let truths = names.filter { $0.hasSuffix(".expected.json") }.sorted()
        guard !truths.isEmpty else {
            throw EvaluationError("\(directory.path): no expected.json and no *.expected.json files")
        }
        return try truths.map {
            try loadRealCase(directory.appendingPathComponent($0), folderName: directory.lastPathComponent)
        }
    }

    private static func readJSON(_ url: URL) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: url.path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw EvaluationError("\(url.path): not a JSON object") }
        return object
    }

    private static func loadRealCase(_ truthURL: URL, folderName: String) throws -> Case {
        let truth = try readJSON(truthURL)
        let name = String(truthURL.lastPathComponent.dropLast(".expected.json".count))
        let kind: Kind = truth["kind"] as? String == "feed" ? .feed : .article
        let folder = truthURL.deletingLastPathComponent()
        let pageName = truth["page_file"] as? String ?? "\(name).\(kind == .feed ? "xml" : "html")"
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(pageName).path) else {
            throw EvaluationError("\(folder.appendingPathComponent(pageName).path): missing")
        }
        let isChinese = (truth["lang"] as? String)?.hasPrefix("zh") == true
        let zone = (isChinese ? TimeZone(identifier: "Asia/Shanghai") : TimeZone(identifier: "UTC")) ?? .gmt
        let expected = Expected(
            title: truth["title"] as? String, published: truth["published"] as? String,
            author: truth["author"] as? String,
            source: truth["source"] as? String, bodyFirst: truth["body_first"] as? String,
            bodyLast: truth["body_last"] as? String,
            bodyWindow: 250, mustNotContain: kind == .article ? genericBoilerplate : [],
            feedFormat: truth["format"] as? String, itemCount: truth["item_count"] as? Int,
            firstItemTitle: truth["first_item_title"] as? String, firstItemLink: truth["first_item_link"] as? String,
            firstItemAuthor: truth["first_item_author"] as? String,
            bodyTruth: FileManager.default.contents(atPath: folder.appendingPathComponent("\(name).body.txt").path)
                .map { String(decoding: $0, as: UTF8.self) })
        let url = URL(string: "https://www.example.com/\(name)/index.html") ?? folder
        return Case(
            name: "\(folderName)/\(name)", kind: kind, bytes: Array(data), url: url, timeZone: zone, expected: expected,
            isChinese: isChinese)
    }

    private static func loadSiteCases(in directory: URL) throws -> [Case] {
        let truth = try readJSON(directory.appendingPathComponent("expected.json"))
        let zone = (truth["site_timezone"] as? String).flatMap(TimeZone.init(identifier:)) ?? .gmt
        let mustNot = truth["body_must_not_contain"] as? [String] ?? []
        guard let snapshots = truth["snapshots"] as? [String: [String: Any]] else {
            throw EvaluationError("\(directory.path)/expected.json: no snapshots")
        }
        // Every article described anywhere, by path (the same article in every snapshot).
        var articles: [String: [String: Any]] = [:]
        for (_, snapshot) in snapshots {
            for (_, value) in snapshot {
                for item in value as? [[String: Any]] ?? [] {
                    if let path = item["url_path"] as? String { articles[path] = item }
                }
            }
        }
        var cases: [Case] = []
        for snapshotName in snapshots.keys.sorted() {
            guard let snapshot = snapshots[snapshotName] else { continue }
            var paths: Set<String> = []
            for (_, value) in snapshot {
                for item in value as? [[String: Any]] ?? [] {
                    if let path = item["url_path"] as? String { paths.insert(path) }
                }
                for path in value as? [String] ?? [] { paths.insert(path) }
            }
            for path in paths.sorted() {
                guard let item = articles[path] else { continue }
                let file = directory.appendingPathComponent(snapshotName).appendingPathComponent(
                    String(path.drop { $0 == "/" }))
                guard let data = FileManager.default.contents(atPath: file.path) else {
                    throw EvaluationError("\(file.path): missing")
                }
                let expected = Expected(
                    title: item["title"] as? String, published: item["published"] as? String,
                    author: item["author"] as? String,
                    source: item["source"] as? String, bodyFirst: item["body_first"] as? String,
                    bodyLast: item["body_last"] as? String,
                    bodyWindow: 120, mustNotContain: mustNot)
                let url = URL(string: "http://www.example.com\(path)") ?? file
                cases.append(
                    Case(
                        name: "\(directory.lastPathComponent)/\(snapshotName)\(path)", kind: .article,
                        bytes: Array(data), url: url,
                        timeZone: zone, expected: expected))
            }
        }
        return cases
    }

    // MARK: - Scoring

    /// Extracts every case `repetitions` times (timed) and scores the result of the last run.
    ///
    /// - Parameters:
    ///   - cases: The cases.
    ///   - repetitions: How many times each case is extracted; more gives a steadier speed.
    /// - Returns: The report.
    public static func run(_ cases: [Case], repetitions: Int = 1) -> Report {
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        var outcomes: [Outcome] = []
        for item in cases {
            var extraction = Extraction.article(nil)
            let start = clock.now
            for _ in 0..<max(1, repetitions) { extraction = extract(item) }
            elapsed += clock.now - start
            outcomes.append(score(item, extraction))
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Report(outcomes: outcomes, seconds: seconds, extractions: cases.count * max(1, repetitions))
    }

    /// Extracts and scores one case.
    public static func evaluate(_ item: Case) -> Outcome {
        score(item, extract(item))
    }

    private enum Extraction {
        case article(ExtractedArticle?)
        case feed(Result<Feed, any Error>)
    }

    private static func extract(_ item: Case) -> Extraction {
        switch item.kind {
        case .article:
            .article(
                ArticleExtractor.extract(bytes: item.bytes, contentType: nil, url: item.url, timeZone: item.timeZone))
        case .feed:
            .feed(
                Result {
                    try FeedParser.parse(
                        bytes: item.bytes, contentType: nil, url: item.url, timeZone: item.timeZone,
                        fetchedAt: Date(timeIntervalSince1970: 0))
                })
        }
    }

    private static func score(_ item: Case, _ extraction: Extraction) -> Outcome {
        var outcome = Outcome(name: item.name, kind: item.kind, results: [:], notes: [], isChinese: item.isChinese)
        let expected = item.expected
        func record(_ check: Check, _ hit: Bool, _ found: @autoclosure () -> String) {
            outcome.results[check] = hit
            if !hit { outcome.notes.append("\(check.rawValue): \(found())") }
        }
        switch extraction {
        case .article(let found):
            guard let article = found else { return outcome }
            if let title = expected.title { record(.title, titleMatches(article.title, title), article.title) }
            if let published = expected.published {
                record(
                    .published, publishedMatches(article.published, published, zone: item.timeZone),
                    article.publishedText ?? "nil")
            }
            if let author = expected.author {
                record(.author, nameMatches(article.author, author), article.author ?? "nil")
            }
            if let source = expected.source {
                record(.source, nameMatches(article.source, source), article.source ?? "nil")
            }
            let head = String(article.bodyText.prefix(expected.bodyWindow))
            let tail = String(article.bodyText.suffix(expected.bodyWindow))
            if let first = expected.bodyFirst { record(.bodyFirst, head.contains(first), "[\(head.prefix(80))]") }
            if let last = expected.bodyLast { record(.bodyLast, tail.contains(last), "[\(tail.suffix(80))]") }
            if let truth = expected.bodyTruth {
                outcome.bodyOverlap = BodyOverlap(truth: truth, found: article.bodyText)
            }
            if !expected.mustNotContain.isEmpty {
                let present = expected.mustNotContain.filter { article.bodyText.contains($0) }
                record(.boilerplateAbsent, present.isEmpty, present.joined(separator: ", "))
            }
        case .feed(.failure(let error)):
            for check in [Check.title, .published, .bodyFirst, .bodyLast] { outcome.results[check] = false }
            outcome.notes.append("feed error: \(error)")
        case .feed(.success(let feed)):
            let first = feed.entries.first
            if let title = expected.title { record(.title, titleMatches(feed.title, title), feed.title) }
            if let published = expected.published {
                record(
                    .published, publishedMatches(first?.published, published, zone: item.timeZone),
                    first?.published.map { DateParser.iso8601($0, timeZone: item.timeZone) } ?? "nil")
            }
            if let author = expected.firstItemAuthor ?? expected.author {
                record(.author, nameMatches(first?.author, author), first?.author ?? "nil")
            }
            if let phrase = expected.bodyFirst {
                var hit = expected.feedFormat.map { feed.kind == $0 } ?? true
                hit = hit && (expected.itemCount.map { feed.entries.count == $0 } ?? true)
                hit = hit && (expected.firstItemTitle.map { first?.title == $0 } ?? true)
                hit = hit && (expected.firstItemLink.map { first?.url?.absoluteString == $0 } ?? true)
                hit = hit && (feed.entries.isEmpty ? feed.title.contains(phrase) : entryText(first).contains(phrase))
                record(
                    .bodyFirst, hit,
                    "\(feed.kind) \(feed.entries.count) entries, first: \(first?.title ?? "-") \(first?.url?.absoluteString ?? "-")"
                )
            }
            if let phrase = expected.bodyLast {
                let hit =
                    feed.entries.isEmpty ? feed.title.contains(phrase) : entryText(feed.entries.last).contains(phrase)
                record(.bodyLast, hit, "last: \(String(entryText(feed.entries.last).prefix(80)))")
            }
        }
        return outcome
    }

    private static func entryText(_ entry: FeedEntry?) -> String {
        guard let entry else { return "" }
        let html = entry.contentHTML ?? entry.summaryHTML ?? ""
        let plain = TextNormalizer.collapsedText(ofHTML: html)
        return entry.title + " " + plain
    }

    /// A title matches when equal, or when the truth is the extracted title plus a site/author suffix
    /// (whitespace, including U+3000, is ignored).
    public static func titleMatches(_ extracted: String, _ expected: String) -> Bool {
        let a = extracted.filter { !$0.isWhitespace }
        let b = expected.filter { !$0.isWhitespace }
        guard !a.isEmpty else { return false }
        if a == b { return true }
        if b.hasPrefix(a), let next = b.dropFirst(a.count).first, "_|-–—:：(（".contains(next) { return true }
        return false
    }

    /// Compares at the precision of the truth (date, minute or second), in the truth's zone (or `zone`
    /// when the truth names none).
    public static func publishedMatches(_ date: Date?, _ expected: String, zone: TimeZone) -> Bool {
        guard let date, let truth = DateParser.parseDetailed(expected, timeZone: zone) else { return false }
        let length: Int
        if !expected.contains("T") { length = 10 } else if expected.count == 16 { length = 16 } else { length = 19 }
        return DateParser.iso8601(date, offset: truth.offsetUsed).prefix(length) == truth.iso8601.prefix(length)
    }

    /// An author or source matches when equal ignoring whitespace and case, or when it contains the truth.
    public static func nameMatches(_ extracted: String?, _ expected: String) -> Bool {
        guard let extracted else { return false }
        let a = extracted.filter { !$0.isWhitespace }.lowercased()
        let b = expected.filter { !$0.isWhitespace }.lowercased()
        return !a.isEmpty && (a == b || a.contains(b))
    }
}
