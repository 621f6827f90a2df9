import Foundation
import Testing

@testable import NewsletterKit

struct ArticleSelectorTests {
    static let zone = Fixtures.zone("Asia/Shanghai")

    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else { preconditionFailure("not ISO 8601: \(text)") }
        return date
    }

    static func article(
        _ key: String, published: String?, firstSeen: String, source: String = "s", extracted: Bool = true
    ) -> StoredArticle {
        let date = published.map(Self.date)
        return StoredArticle(
            key: key, sourceName: source, url: "https://www.example.com/\(key)", title: "标题 \(key)", publishedAt: date,
            category: nil, origin: nil, author: nil, bodyText: "正文", bodyHTML: "<p>正文</p>",
            fingerprint: StoredArticle.fingerprint(title: "标题 \(key)", published: date, timeZone: zone),
            firstSeenAt: Self.date(firstSeen), isExtracted: extracted)
    }

    /// Case 09: run 1 on 2026-11-22 sees a future event and an old weekly (first fetch); run 2 on
    /// 2026-11-29 adds a new article and a back-dated late one.
    ///
    /// Run 2 selects exactly the two.
    @Test func caseNineLateAndFutureItems() {
        let run1 = "2026-11-22T08:00:00+08:00"
        let run2 = "2026-11-29T08:00:00+08:00"
        let articles = [
            Self.article("event", published: "2026-12-21T10:00:00+08:00", firstSeen: run1),
            Self.article("old-weekly", published: "2026-11-09T10:00:00+08:00", firstSeen: run1),
            Self.article("new", published: "2026-11-26T10:00:00+08:00", firstSeen: run2),
            Self.article("late", published: "2026-11-07T10:00:00+08:00", firstSeen: run2),
        ]
        let selector = ArticleSelector(lookbackDays: 7)
        let first = selector.select(
            from: Array(articles.prefix(2)), sentKeys: [], sentFingerprints: [],
            sourceFirstFetched: ["s": Self.date(run1)], now: Self.date(run1))
        #expect(first.isEmpty)
        for order in [articles, articles.reversed()] {
            let second = selector.select(
                from: order, sentKeys: [], sentFingerprints: [], sourceFirstFetched: ["s": Self.date(run1)],
                now: Self.date(run2))
            #expect(second.map(\.key) == ["new", "late"])
        }
    }

    /// An article that went out through one source is not new when another source shows the same page with an
    /// edited title (a new-user trial: a feed entry, then the listing's `…（附图）`, both mailed); within one source a
    /// shared URL stays several articles (case 07's feed items that all link to one page).
    @Test func aURLThatWentOutFromAnotherSourceIsNotNew() {
        let now = "2026-10-19T08:00:00+08:00"
        var edited = Self.article(
            "listing-key", published: "2026-10-16T10:00:00+08:00", firstSeen: now, source: "listing")
        edited.url = "http://www.example.gov.cn/xw/2026/1016/55.html?utm_source=rss#top"
        edited.title = "市政府召开第五次常务会议（附图）"
        var sibling = Self.article(
            "feed:news:2", published: "2026-10-17T10:00:00+08:00", firstSeen: now, source: "feed")
        sibling.url = "http://www.example.gov.cn/xw/2026/1016/55.html"
        let selected = ArticleSelector(lookbackDays: 7).select(
            from: [edited, sibling], sentKeys: ["feed:news:1"], sentFingerprints: [],
            sentURLs: [ArticleURL.canonical("https://www.example.gov.cn/xw/2026/1016/55.html"): ["feed"]],
            sourceFirstFetched: [
                "listing": Self.date("2026-09-01T08:00:00+08:00"), "feed": Self.date("2026-09-01T08:00:00+08:00"),
            ],
            now: Self.date(now))
        #expect(selected.map(\.key) == ["feed:news:2"])
        // In one run: the same page from two sources goes out once.
        var twin = sibling
        twin.key = "listing-twin"
        twin.sourceName = "listing"
        twin.title = "另一个标题"
        twin.fingerprint = "other"
        let once = ArticleSelector(lookbackDays: 7).select(
            from: [sibling, twin], sentKeys: [], sentFingerprints: [],
            sourceFirstFetched: [
                "listing": Self.date("2026-09-01T08:00:00+08:00"), "feed": Self.date("2026-09-01T08:00:00+08:00"),
            ],
            now: Self.date(now))
        #expect(once.count == 1)
    }

    /// Session ids in listing links (`;jsessionid=` in the path, `PHPSESSID` in the query) change with every visit:
    /// they are not part of an article's identity (a new-user trial saw last week's old articles come back).
    @Test(arguments: [
        ("http://www.example.gov.cn/xw/55.html;jsessionid=A1B2C3D4E5", "//www.example.gov.cn/xw/55.html"),
        ("http://www.example.gov.cn/xw/55.html;JSESSIONID=ffee?id=3", "//www.example.gov.cn/xw/55.html?id=3"),
        ("http://www.example.gov.cn/show.php?id=9&PHPSESSID=abc123", "//www.example.gov.cn/show.php?id=9"),
        ("http://www.example.gov.cn/show.php?id=9&sid=2", "//www.example.gov.cn/show.php?id=9&sid=2"),
    ])
    func sessionIDsAreNotIdentity(url: String, key: String) throws {
        #expect(ArticleURL.canonicalKey(try #require(URL(string: url))) == key)
    }

    @Test func sentKeysAndFingerprintsAreNeverNew() {
        let now = "2019-06-08T08:00:00+08:00"
        var moved = Self.article("moved", published: "2019-06-05T10:00:00+08:00", firstSeen: now)
        let original = Self.article("original", published: "2019-06-05T10:00:00+08:00", firstSeen: now)
        moved.fingerprint = original.fingerprint
        let fresh = Self.article("fresh", published: "2019-06-06T10:00:00+08:00", firstSeen: now)
        let selected = ArticleSelector(lookbackDays: 7).select(
            from: [moved, fresh], sentKeys: ["original"], sentFingerprints: [original.fingerprint],
            sourceFirstFetched: ["s": Self.date("2019-06-01T08:00:00+08:00")], now: Self.date(now))
        #expect(selected.map(\.key) == ["fresh"])
    }

    @Test func firstRunTakesOnlyTheWindowAndAtMostN() {
        let now = "2019-06-01T08:00:00+08:00"
        let articles =
            (1...5).map { Self.article("a\($0)", published: "2019-05-3\($0 % 2)T0\($0):00:00+08:00", firstSeen: now) }
            + [
                Self.article("old", published: "2019-05-20T16:02:11+08:00", firstSeen: now),
                Self.article("stub", published: "2019-05-31T10:00:00+08:00", firstSeen: now, extracted: false),
            ]
        let selected = ArticleSelector(lookbackDays: 7, firstRunMaxItems: 3).select(
            from: articles, sentKeys: [], sentFingerprints: [], sourceFirstFetched: ["s": Self.date(now)],
            now: Self.date(now))
        #expect(selected.count == 3)
        #expect(!selected.contains { $0.key == "old" || $0.key == "stub" })
        #expect(selected.map { $0.publishedAt! } == selected.map { $0.publishedAt! }.sorted(by: >))
    }

    @Test func fingerprintIgnoresPunctuationWidthAndCase() {
        let a = StoredArticle.fingerprint(
            title: "6月开始,全党上下开展“不忘初心、牢记使命”主题教育!", published: Self.date("2019-06-03T09:12:00+08:00"), timeZone: Self.zone
        )
        let b = StoredArticle.fingerprint(
            title: "6月开始，全党上下开展「不忘初心、牢记使命」主题教育！", published: Self.date("2019-06-03T01:12:00Z"), timeZone: Self.zone)
        #expect(a == b)
        let c = StoredArticle.fingerprint(
            title: "6月开始,全党上下开展“不忘初心、牢记使命”主题教育!", published: Self.date("2019-06-04T09:12:00+08:00"), timeZone: Self.zone
        )
        #expect(a != c)
    }
}
