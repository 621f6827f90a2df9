import Foundation
import Testing
@testable import NewsletterKit

/// The 20 real pages and feeds of `fixtures/real`, scored on title, published and body checks.
struct RealFixtureTests {
    /// One check outcome: `nil` when the truth has no value for it.
    struct Score: Sendable {
        var title: Bool?
        var published: Bool?
        var body: Bool?
        var notes: [String] = []
    }

    static let cases = [
        "case01", "case02", "case04", "case06", "case09", "case12", "case14", "case16", "case17", "case20", "case22",
        "case23", "case25", "case30", "case32", "case34", "case35", "case38", "case40", "case42",
    ]

    /// Cases whose truth disagrees with this extractor by design or that it does not yet handle.
    static let knownMisses: [String: String] = [
        "case01": "truth is the 成文日期 (2022-01-27); the brief prefers 发布日期 (2022-01-28)"
    ]

    /// A title matches when equal, or when the truth is the extracted title plus a site/author suffix
    /// (whitespace, including U+3000, is ignored).
    static func titleMatches(_ extracted: String, _ expected: String) -> Bool {
        let a = extracted.filter { !$0.isWhitespace }
        let b = expected.filter { !$0.isWhitespace }
        guard !a.isEmpty else { return false }
        if a == b { return true }
        if b.hasPrefix(a), let next = b.dropFirst(a.count).first, "_|-–—:：(（".contains(next) { return true }
        return false
    }

    /// Compares at the precision of the truth (date, minute or second), in the truth's zone.
    static func publishedMatches(_ date: Date?, _ expected: String, zone: TimeZone) -> Bool {
        guard let date, let truth = DateParser.parseDetailed(expected, timeZone: zone) else { return false }
        let length: Int
        if !expected.contains("T") { length = 10 } else if expected.count == 16 { length = 16 } else { length = 19 }
        return DateParser.iso8601(date, offset: truth.offsetUsed).prefix(length) == truth.iso8601.prefix(length)
    }

    static func evaluate(_ name: String) throws -> Score {
        let expected = try Fixtures.json("real/\(name).expected.json")
        let isChinese = (expected["lang"] as? String)?.hasPrefix("zh") == true
        let zone = (isChinese ? TimeZone(identifier: "Asia/Shanghai") : TimeZone(identifier: "UTC")) ?? .gmt
        var score = Score()
        let url = try #require(URL(string: "https://www.example.com/\(name)/index.html"))
        if expected["kind"] as? String == "feed" {
            let bytes = try Fixtures.bytes("real/\(name).xml")
            let feed = try FeedParser.parse(bytes: bytes, contentType: nil, url: url, timeZone: zone, fetchedAt: Date(timeIntervalSince1970: 0))
            if let title = expected["title"] as? String {
                score.title = titleMatches(feed.title, title)
                if score.title == false { score.notes.append("title: \(feed.title)") }
            }
            if let published = expected["published"] as? String {
                score.published = publishedMatches(feed.entries.first?.published, published, zone: zone)
                if score.published == false { score.notes.append("published: \(String(describing: feed.entries.first?.published))") }
            }
            var body = feed.kind == expected["format"] as? String && feed.entries.count == expected["item_count"] as? Int
            if let title = expected["first_item_title"] as? String { body = body && feed.entries.first?.title == title }
            if let link = expected["first_item_link"] as? String { body = body && feed.entries.first?.url?.absoluteString == link }
            func text(_ entry: FeedEntry?) -> String {
                guard let entry else { return "" }
                let html = entry.contentHTML ?? entry.summaryHTML ?? ""
                let plain = HTMLDocument.parseFragment(html).map { TextNormalizer.collapse($0.textContent) } ?? ""
                return entry.title + " " + plain
            }
            if let first = expected["body_first"] as? String, let last = expected["body_last"] as? String {
                if feed.entries.isEmpty {
                    body = body && feed.title.contains(first) && feed.title.contains(last)
                } else {
                    body = body && text(feed.entries.first).contains(first) && text(feed.entries.last).contains(last)
                }
            }
            score.body = body
            if !body { score.notes.append("feed: \(feed.kind) \(feed.entries.count) first=\(feed.entries.first?.title ?? "-") \(feed.entries.first?.url?.absoluteString ?? "-")") }
            return score
        }
        let bytes = try Fixtures.bytes("real/\(name).html")
        let article = ArticleExtractor.extract(bytes: bytes, contentType: nil, url: url, timeZone: zone)
        if let title = expected["title"] as? String {
            score.title = titleMatches(article.title, title)
            if score.title == false { score.notes.append("title: \(article.title)") }
        }
        if let published = expected["published"] as? String {
            score.published = publishedMatches(article.published, published, zone: zone)
            if score.published == false { score.notes.append("published: \(article.publishedText ?? "nil")") }
        }
        if let first = expected["body_first"] as? String, let last = expected["body_last"] as? String {
            let head = String(article.bodyText.prefix(250))
            let tail = String(article.bodyText.suffix(250))
            score.body = head.contains(first) && tail.contains(last)
            if score.body == false { score.notes.append("body: [\(head.prefix(80))] … [\(tail.suffix(80))]") }
        }
        return score
    }

    @Test(arguments: cases)
    func realFixture(_ name: String) throws {
        let score = try Self.evaluate(name)
        let passed = [score.title, score.published, score.body].allSatisfy { $0 != false }
        if let reason = Self.knownMisses[name] {
            withKnownIssue(Comment(rawValue: reason)) {
                #expect(passed, "\(name): \(score.notes.joined(separator: "; "))")
            }
        } else {
            #expect(passed, "\(name): \(score.notes.joined(separator: "; "))")
        }
    }

    @Test func hitRates() throws {
        var totals: [String: (hit: Int, all: Int)] = [:]
        for name in Self.cases {
            let score = try Self.evaluate(name)
            for (key, value) in [("title", score.title), ("published", score.published), ("body", score.body)] {
                guard let value else { continue }
                totals[key, default: (0, 0)].all += 1
                if value { totals[key, default: (0, 0)].hit += 1 }
            }
        }
        var hit = 0
        var all = 0
        for key in ["title", "published", "body"] {
            let value = totals[key] ?? (0, 0)
            print("real-fixture hit rate \(key): \(value.hit)/\(value.all)")
            hit += value.hit
            all += value.all
        }
        print("real-fixture hit rate overall: \(hit)/\(all)")
        #expect(Double(hit) >= Double(all) * 0.95)
    }
}
