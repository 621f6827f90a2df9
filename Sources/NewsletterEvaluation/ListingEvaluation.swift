public import Foundation
public import NewsletterKit

/// Scores ``ListingExtractor`` against listing pages with ground truth (`NAME.html` + `NAME.expected.json`).
///
/// Truth fields: `url` (the page URL), `now` (ISO 8601 fetch time, for dates shown without a year),
/// `timezone`, `links` (objects with `url`, `title`, `date`: `YYYY-MM-DD` for a day, or a full time) and
/// `next_page` (URL or null). Checks per page: every expected link found (`link`), its title (`title`),
/// its date (`date`), no link beyond the expected ones (`extra`, one check per page), the next page (`next`).
public enum ListingEvaluation: Sendable {
    /// One listing page with its truth.
    public struct Case: Sendable {
        public var name: String
        public var html: [UInt8]
        public var truth: Truth
    }

    public struct Truth: Sendable {
        public var url: URL
        public var now: Date
        public var timeZone: TimeZone
        public var links: [(url: String, title: String, date: String?)]
        public var nextPage: String?
    }

    /// The outcome of one page.
    public struct Outcome: Sendable {
        public var name: String
        public var hits: [String: Int] = [:]
        public var checked: [String: Int] = [:]
        public var notes: [String] = []

        mutating func check(_ kind: String, _ passed: Bool, _ note: @autoclosure () -> String) {
            checked[kind, default: 0] += 1
            if passed { hits[kind, default: 0] += 1 } else { notes.append(note()) }
        }

        public var passed: Bool { notes.isEmpty }
    }

    public static let checkNames = ["link", "title", "date", "extra", "next"]

    /// Whether `directory` holds listing truths (an `*.expected.json` with a `links` array).
    public static func isListingFolder(_ directory: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard let first = names.filter({ $0.hasSuffix(".expected.json") }).sorted().first,
            let data = FileManager.default.contents(atPath: directory.appendingPathComponent(first).path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return object["links"] is [Any]
    }

    /// Loads every `NAME.expected.json` + `NAME.html` pair in `directory`.
    /// - Throws: ``EvaluationError`` naming the file when a truth file is malformed or its page is missing.
    public static func loadCases(in directory: URL) throws -> [Case] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var cases: [Case] = []
        for truthName in names.filter({ $0.hasSuffix(".expected.json") }).sorted() {
            let name = String(truthName.dropLast(".expected.json".count))
            let truthURL = directory.appendingPathComponent(truthName)
            func fail(_ reason: String) -> EvaluationError { EvaluationError("\(truthURL.path): \(reason)") }
            guard let data = FileManager.default.contents(atPath: truthURL.path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { throw fail("not a JSON object") }
            guard let html = FileManager.default.contents(atPath: directory.appendingPathComponent(name + ".html").path)
            else { throw fail("no \(name).html beside it") }
            guard let urlText = object["url"] as? String, let url = URL(string: urlText) else {
                throw fail("`url` missing or not a URL")
            }
            let zone = (object["timezone"] as? String).flatMap(TimeZone.init(identifier:)) ?? .gmt
            let now = (object["now"] as? String).flatMap { DateParser.parse($0, timeZone: zone) } ?? Date()
            guard let links = object["links"] as? [[String: Any]] else { throw fail("`links` missing") }
            let parsed = try links.map { link -> (String, String, String?) in
                guard let url = link["url"] as? String, let title = link["title"] as? String else {
                    throw fail("a link without `url` or `title`")
                }
                return (url, title, link["date"] as? String)
            }
            cases.append(
                Case(
                    name: name, html: Array(html),
                    truth: Truth(
                        url: url, now: now, timeZone: zone, links: parsed, nextPage: object["next_page"] as? String)))
        }
        return cases
    }

    /// Scores one extracted page against its truth.
    public static func score(_ page: ListingPage, truth: Truth, name: String) -> Outcome {
        var outcome = Outcome(name: name)
        var found: [String: ListingLink] = [:]
        for link in page.links { found[link.url.absoluteString] = link }
        for expected in truth.links {
            guard let link = found[expected.url] else {
                outcome.check("link", false, "missing \(expected.url)")
                continue
            }
            outcome.check("link", true, "")
            outcome.check("title", link.title == expected.title, "title \"\(link.title)\" ≠ \"\(expected.title)\"")
            if let date = expected.date {
                let got = link.date.map { DateParser.iso8601($0, timeZone: truth.timeZone) } ?? "-"
                let passed: Bool
                if date.count == 10 {
                    passed = got.hasPrefix(date) && link.dateOnly
                } else {
                    let want = DateParser.parse(date, timeZone: truth.timeZone)
                    passed = want != nil && link.date == want && !link.dateOnly
                }
                outcome.check(
                    "date", passed, "date \(got)\(link.dateOnly ? " (day)" : "") ≠ \(date) for \(expected.url)")
            }
        }
        let expectedURLs = Set(truth.links.map(\.url))
        let extras = page.links.filter { !expectedURLs.contains($0.url.absoluteString) }
        outcome.check(
            "extra", extras.isEmpty,
            "\(extras.count) extra links, e.g. \(extras.prefix(2).map(\.url.absoluteString).joined(separator: " "))")
        let next = page.nextPage?.absoluteString
        outcome.check("next", next == truth.nextPage, "next page \(next ?? "none") ≠ \(truth.nextPage ?? "none")")
        return outcome
    }

    /// Extracts and scores every case.
    public static func run(_ cases: [Case]) -> [Outcome] { timedRun(cases, repetitions: 1).outcomes }

    /// Extracts every case `repetitions` times (speed) and scores the last extraction of each.
    ///
    /// - Returns: The outcomes, and the extractions done with the seconds they took (decoding, parsing and
    ///   extraction; scoring not counted).
    public static func timedRun(_ cases: [Case], repetitions: Int) -> (
        outcomes: [Outcome], extractions: Int, seconds: Double
    ) {
        var outcomes: [Outcome] = []
        var seconds = 0.0
        for item in cases {
            var page = ListingPage(links: [], nextPage: nil)
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<max(1, repetitions) {
                page = ListingExtractor.extract(
                    bytes: item.html, contentType: "text/html", url: item.truth.url, timeZone: item.truth.timeZone,
                    now: item.truth.now)
            }
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            outcomes.append(score(page, truth: item.truth, name: item.name))
        }
        return (outcomes, cases.count * max(1, repetitions), seconds)
    }

    /// A per-page table with totals per check.
    public static func table(_ outcomes: [Outcome], showNotes: Bool = true) -> String {
        let width = max(12, outcomes.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines = [pad("listing", width) + "  " + checkNames.map { pad($0, 10) }.joined()]
        var hits: [String: Int] = [:]
        var checked: [String: Int] = [:]
        for outcome in outcomes {
            var line = pad(outcome.name, width) + "  "
            for name in checkNames {
                let h = outcome.hits[name, default: 0]
                let c = outcome.checked[name, default: 0]
                hits[name, default: 0] += h
                checked[name, default: 0] += c
                line += pad(c == 0 ? "·" : (h == c ? "✓" : "✗") + " \(h)/\(c)", 10)
            }
            lines.append(line)
            if showNotes { for note in outcome.notes.prefix(4) { lines.append("    " + note) } }
        }
        lines.append(
            pad("total", width) + "  "
                + checkNames.map { pad("\(hits[$0, default: 0])/\(checked[$0, default: 0])", 10) }.joined())
        let h = hits.values.reduce(0, +)
        let c = checked.values.reduce(0, +)
        lines.append(
            "listing checks: \(h)/\(c) (\(c == 0 ? 0 : Int((Double(h) / Double(c) * 1000).rounded()) / 10)%), "
                + "pages fully right: \(outcomes.filter(\.passed).count)/\(outcomes.count)")
        return lines.joined(separator: "\n")
    }
}
