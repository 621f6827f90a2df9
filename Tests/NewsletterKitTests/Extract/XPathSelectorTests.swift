import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// Per-source selectors written as XPath (libxml2's `xmlXPath`): hit, miss (a named source failure) and
/// invalid (a configuration error naming file:line and the key), on the TRS and Hanweb family pages.
struct XPathSelectorTests {
    static func listing(_ name: String) throws -> (html: String, url: URL) {
        let html = String(decoding: try Fixtures.bytes("listings/\(name).html"), as: UTF8.self)
        let expected = try Fixtures.json("listings/\(name).expected.json")
        let url = try #require((expected["url"] as? String).flatMap(URL.init(string:)))
        return (html, url)
    }

    static func expectedLinks(_ name: String) throws -> [String] {
        let expected = try Fixtures.json("listings/\(name).expected.json")
        return (expected["links"] as? [[String: Any]] ?? []).compactMap { $0["url"] as? String }
    }

    @Test(arguments: [
        ("trs-wcm-right-column", "//div[@class='right_list']//li/a"),
        ("trs-wcm-right-column", "xpath: //div[contains(@class, 'right_list')]//a[contains(@href, '/t2022')]"),
        ("hanweb-datastore", "//div[@class='bt-list']//li/a"),
        ("hanweb-datastore", "(//div[@id='1231'])[1]//li"),
    ])
    func xpathLinksSelectorPicksTheList(page name: String, selector: String) throws {
        let (html, url) = try Self.listing(name)
        let page = ListingExtractor.extract(
            html: html, url: url, timeZone: .gmt, selectors: .init(links: selector))
        #expect(page.selectorMiss == nil)
        #expect(page.links.map(\.url.absoluteString) == (try Self.expectedLinks(name)))
    }

    /// CSS and XPath forms of the same pointer give the same links.
    @Test func cssAndXPathAgree() throws {
        let (html, url) = try Self.listing("trs-wcm-right-column")
        let css = ListingExtractor.extract(
            html: html, url: url, timeZone: .gmt, selectors: .init(links: "div.right_list li > a"))
        let xpath = ListingExtractor.extract(
            html: html, url: url, timeZone: .gmt, selectors: .init(links: "//div[@class='right_list']/ul/li/a"))
        #expect(!css.links.isEmpty)
        #expect(css.links.map(\.url) == xpath.links.map(\.url))
    }

    @Test func xpathMissIsNamed() throws {
        let (html, url) = try Self.listing("trs-wcm-right-column")
        let page = ListingExtractor.extract(
            html: html, url: url, timeZone: .gmt, selectors: .init(links: "//ul[@class='news']//a"))
        #expect(page.links.isEmpty)
        #expect(page.selectorMiss == "links: //ul[@class='news']//a")
        // An expression whose result is not a node set matches nothing.
        let counted = ListingExtractor.extract(
            html: html, url: url, timeZone: .gmt, selectors: .init(links: "count(//a)"))
        #expect(counted.selectorMiss != nil)
    }

    /// Through the pipeline: a miss fails the source with its name, the selector and the URL.
    @Test func xpathMissIsANamedSourceFailure() async throws {
        let (html, url) = try Self.listing("trs-wcm-right-column")
        let folder = try TemporaryFolder()
        let site = folder.file("site/xwzx/gzdt")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data(html.utf8).write(to: site.appendingPathComponent("index.html"))
        let file = try TestConfig.write(
            in: folder, sources: [("工作动态", url.absoluteString)],
            sourceOptions: ["    links: \"//ul[@class='news']//a\""])
        let config = try NewsletterConfig.load(from: file)
        #expect(config.sources[0].selectors.links == "//ul[@class='news']//a")
        let newsletter = try Newsletter(
            config: config, fetcher: FolderFetcher(root: folder.file("site")),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let summary = await newsletter.fetchAll(now: Date())
        let failure = try #require(summary.failedSources.first)
        #expect(failure.name == "工作动态")
        #expect(failure.reason.contains("//ul[@class='news']//a"))
        #expect(failure.reason.contains(url.absoluteString))
        #expect(failure.reason.contains("matched nothing"))
    }

    @Test(arguments: [("links", "//div[@class='right'"), ("title", "xpath: //h1[["), ("body", "(//div")])
    func invalidXPathIsAConfigErrorWithFileLineAndKey(key: String, value: String) throws {
        let folder = try TemporaryFolder()
        let file = try TestConfig.write(
            in: folder, sources: [("测试来源", "http://www.example.gov.cn/xwzx/index.html")],
            sourceOptions: ["    \(key): \"\(value)\""])
        let error = #expect(throws: ConfigError.self) { try NewsletterConfig.load(from: file) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("newsletter.yml:8"), "\(text)")
        #expect(text.contains("sources[0].\(key)") || text.contains(key), "\(text)")
        #expect(text.contains("invalid XPath expression"), "\(text)")
    }

    /// Article pages: `title`, `date` and `body` as XPath, including a `text()` result standing for its element.
    @Test func articleXPathSelectorsOverrideTheGuess() throws {
        let url = try #require(URL(string: "http://www.example.gov.cn/a/t20220213_1.html"))
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let bytes = Array(ListingSelectorTests.article.utf8)
        let guess = ArticleExtractor.extract(bytes: bytes, contentType: nil, url: url, timeZone: zone)
        let selectors = NewsletterConfig.Selectors(
            title: "//div[@class='art']/h2/text()", date: "//span[@class='pub']",
            body: "//div[contains(@class, 'TRS_Editor')]")
        let (article, miss) = ArticleExtractor.applying(
            selectors, to: guess, bytes: bytes, contentType: nil, url: url, timeZone: zone)
        #expect(miss == nil)
        #expect(article.title == "市政协五届一次会议开幕")
        #expect(article.publishedText == "2022-02-13T09:30:00+08:00")
        #expect(article.bodyText.contains("第一段正文内容。"))
        let missing = ArticleExtractor.applying(
            NewsletterConfig.Selectors(title: "//h1[@class='headline']"), to: guess, bytes: bytes, contentType: nil,
            url: url, timeZone: zone)
        #expect(missing.miss == "title: //h1[@class='headline']")
    }
}
