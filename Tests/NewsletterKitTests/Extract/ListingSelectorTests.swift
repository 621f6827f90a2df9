import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// Per-source selectors (`links:`, `next_page:`), the diagnosis of a listing, and `extract --json`.
struct ListingSelectorTests {
    static let html = """
        <html><body><div class="left"><ul><li><a href="/a/1.html">左栏的栏目链接一号</a></li>
        <li><a href="/a/2.html">左栏的栏目链接二号</a></li><li><a href="/a/3.html">左栏的栏目链接三号</a></li></ul></div>
        <div class="right"><div class="lst"><p><a href="/news/x1.html">第一篇正文标题</a></p><p><a href="/news/x2.html">第二篇正文标题</a></p></div>
        <div class="pg"><a href="/news/more2.html" class="go">往后</a></div></div></body></html>
        """
    static let url = Fixtures.url("http://www.example.gov.cn/news/index.html")

    @Test(arguments: [
        ("div.right .lst a", ["/news/x1.html", "/news/x2.html"]), (".lst > p", ["/news/x1.html", "/news/x2.html"]),
        ("a[href*=\"/x2\"]", ["/news/x2.html"]), ("div.right a[href$='1.html'], div.left li:first", nil),
    ])
    func linksSelectorPicksTheLinks(_ selector: String, _ expected: [String]?) {
        let page = ListingExtractor.extract(
            html: Self.html, url: Self.url, timeZone: .gmt, selectors: .init(links: selector, nextPage: ".pg a.go"))
        if let expected {
            #expect(page.links.map(\.url.path) == expected)
            #expect(page.selectorMiss == nil)
            #expect(page.nextPage?.path == "/news/more2.html")
        } else {
            #expect(page.selectorMiss?.contains("not a valid selector") == true)
        }
    }

    @Test func linksSelectorMatchingNothingIsNamed() {
        let page = ListingExtractor.extract(
            html: Self.html, url: Self.url, timeZone: .gmt, selectors: .init(links: "ul.news a"))
        #expect(page.links.isEmpty)
        #expect(page.selectorMiss == "links: ul.news a")
    }

    @Test func selectorMissIsANamedSourceFailure() async throws {
        let folder = try TemporaryFolder()
        let site = folder.file("site/news")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data(Self.html.utf8).write(to: site.appendingPathComponent("index.html"))
        let file = try TestConfig.write(
            in: folder, sources: [("测试来源", Self.url.absoluteString)], sourceOptions: ["    links: ul.news a"])
        try Data("email\nreader@example.com\n".utf8).write(to: folder.file("subscribers.csv"))
        let config = try NewsletterConfig.load(from: file)
        #expect(config.sources[0].selectors.links == "ul.news a")
        let newsletter = try Newsletter(
            config: config, fetcher: FolderFetcher(root: folder.file("site")), logger: Logger(label: "test"))
        let summary = await newsletter.fetchAll(now: Date())
        let failure = try #require(summary.failedSources.first)
        #expect(failure.name == "测试来源")
        #expect(failure.reason.contains("ul.news a"))
        #expect(failure.reason.contains(Self.url.absoluteString))
        #expect(failure.reason.contains("matched nothing"))
    }

    @Test func invalidSelectorIsAConfigErrorWithItsLine() throws {
        let folder = try TemporaryFolder()
        let file = try TestConfig.write(
            in: folder, sources: [("测试来源", Self.url.absoluteString)], sourceOptions: ["    links: div::after"])
        let error = #expect(throws: ConfigError.self) { try NewsletterConfig.load(from: file) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("invalid selector"))
        #expect("\(error.map { "\($0)" } ?? "")".contains("links"))
    }

    /// The issue's case: the list sits in `<div class="right">`, which used to be thrown away as furniture.
    @Test func twoColumnRightListIsFoundAndDiagnosed() {
        var lines = ""
        for day in 1...8 {
            lines +=
                "<li><a href=\"./202202/t2022020\(day)_\(day).html\">第\(day)篇政务公开测试文章标题</a><span>2022-02-0\(day)</span></li>"
        }
        let html = """
            <html><body><div class="left"><h3>热点新闻</h3><ul><li><a href="/xw/202201/t20220101_1.html">热点新闻的第一篇文章标题</a></li>
            <li><a href="/xw/202201/t20220102_2.html">热点新闻的第二篇文章标题</a></li><li><a href="/xw/202201/t20220103_3.html">热点新闻的第三篇文章标题</a></li></ul></div>
            <div class="right"><ul>\(lines)</ul></div></body></html>
            """
        let page = ListingExtractor.extract(
            html: html, url: URL(string: "http://www.example.gov.cn/zwgk/index.html")!, timeZone: .gmt)
        #expect(page.links.count == 8)
        #expect(page.links.allSatisfy { $0.url.path.hasPrefix("/zwgk/202202/") })
        #expect(page.links.allSatisfy { $0.dateOnly })
        let text = ExtractionReport.text(listing: page, timeZone: .gmt)
        #expect(text.contains("winner: div.right > ul"))
        #expect(text.contains("headed '热点新闻'"))
        #expect(text.contains("2022-02-08  第8篇政务公开测试文章标题"))
    }

    @Test func emptyListingSaysWhatWasFoundAndHowToPoint() {
        let html = """
            <html><body><div class="nav"><a href="/a/">新闻</a><a href="/b/">公告</a><a href="/c/">政策</a><a href="/d/">服务</a></div></body></html>
            """
        let page = ListingExtractor.extract(
            html: html, url: URL(string: "http://www.example.gov.cn/zwgk/index.html")!, timeZone: .gmt)
        #expect(page.links.isEmpty)
        let explanation = ExtractionReport.emptyListingExplanation(page)
        #expect(explanation.contains("the biggest link block, 4 links in div.nav"))
        #expect(explanation.contains("links:"))
    }

    @Test func listingJSONIsStructured() throws {
        let page = ListingExtractor.extract(
            html: Self.html, url: Self.url, timeZone: .gmt, selectors: .init(links: ".lst a"))
        let object = ExtractionReport.object(listing: page, timeZone: .gmt)
        let data = try JSONSerialization.data(withJSONObject: object)
        let decoded = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let links = try #require(decoded["links"] as? [[String: Any]])
        #expect(links.first?["title"] as? String == "第一篇正文标题")
        #expect(links.first?["url"] as? String == "http://www.example.gov.cn/news/x1.html")
        #expect(decoded["type"] as? String == "listing")
    }

    @Test func feedJSONEntriesAreObjects() throws {
        let xml = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>测试</title><item><title>条目一</title>
            <link>https://www.example.com/1</link><guid>id-1</guid><pubDate>Tue, 27 Aug 2019 00:00:00 GMT</pubDate>
            <description>&lt;p&gt;摘要&lt;/p&gt;</description></item></channel></rss>
            """
        let feed = try FeedParser.parse(
            bytes: Array(xml.utf8), contentType: nil, url: URL(string: "https://www.example.com/feed")!,
            timeZone: .gmt, fetchedAt: Date())
        let object = ExtractionReport.object(feed: feed, timeZone: .gmt)
        let data = try JSONSerialization.data(withJSONObject: object)
        let decoded = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entry = try #require((decoded["entries"] as? [[String: Any]])?.first)
        #expect(entry["title"] as? String == "条目一")
        #expect(entry["link"] as? String == "https://www.example.com/1")
        #expect(entry["id"] as? String == "id-1")
        #expect(entry["published"] as? String == "2019-08-27T00:00:00Z")
        #expect(entry["summary"] as? String == "摘要")
    }

    static let article = """
        <html><head><title>松花江网</title></head><body><h1 class="none">松花江网</h1>
        <div class="art"><h2 class="headline">市政协五届一次会议开幕</h2><span class="pub" data-x="1">发布时间：2022-02-13 09:30</span>
        <div class="TRS_Editor"><p>第一段正文内容。</p><p>第二段正文内容。</p></div></div></body></html>
        """

    @Test func articleSelectorsOverrideTheGuess() throws {
        let url = try #require(URL(string: "http://www.example.gov.cn/a/t20220213_1.html"))
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let bytes = Array(Self.article.utf8)
        let guess = ArticleExtractor.extract(bytes: bytes, contentType: nil, url: url, timeZone: zone)
        let selectors = NewsletterConfig.Selectors(title: ".art h2.headline", date: "span.pub", body: "div.TRS_Editor")
        let (article, miss) = ArticleExtractor.applying(
            selectors, to: guess, bytes: bytes, contentType: nil, url: url, timeZone: zone)
        #expect(miss == nil)
        #expect(article.title == "市政协五届一次会议开幕")
        #expect(article.publishedText == "2022-02-13T09:30:00+08:00")
        #expect(article.bodyText.contains("第一段正文内容。"))
        #expect(article.bodyText.contains("第二段正文内容。"))
        let missing = ArticleExtractor.applying(
            NewsletterConfig.Selectors(title: "h1.headline"), to: guess, bytes: bytes, contentType: nil, url: url,
            timeZone: zone)
        #expect(missing.miss == "title: h1.headline")
    }
}
