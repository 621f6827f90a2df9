import Foundation
import NewsletterEvaluation
import Testing

@testable import NewsletterKit

/// One test per CMS listing family (Resources/listings, written by scripts/make-listing-fixtures.py), each
/// page served by the loopback HTTP server at its own path with its site's host replaced by the server's.
struct ListingFamilyTests {
    static let folder = RepoPaths.resources.appendingPathComponent("listings")
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }
            .sorted()
    }()

    @Test func everyFamilyHasAFixture() {
        #expect(Self.names.count >= 16)
    }

    @Test(arguments: names)
    func familyListingServedOverHTTP(_ name: String) async throws {
        let cases = try ListingEvaluation.loadCases(in: Self.folder)
        let item = try #require(cases.first { $0.name == name })
        let folder = try TemporaryFolder()
        let server = try HTTPTestServer(folder: folder, root: folder.url)
        defer { server.server.stop() }
        // Every absolute URL of the page's own site points at the server instead.
        let pageURL = item.truth.url
        func local(_ text: String) -> String {
            text.replacingOccurrences(of: "https://\(pageURL.host!)", with: server.base)
                .replacingOccurrences(of: "http://\(pageURL.host!)", with: server.base)
        }
        let html = local(String(decoding: item.html, as: UTF8.self))
        var path = pageURL.path
        if path.hasSuffix("/") || path.isEmpty { path += "index.html" }
        let file = folder.url.appendingPathComponent(String(path.dropFirst()))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(html.utf8).write(to: file)

        let requested = try #require(URL(string: local(pageURL.absoluteString)))
        let response = try await CurlHTTPFetcher().fetch(HTTPRequest(url: requested))
        #expect(response.status == 200)
        let page = ListingExtractor.extract(
            bytes: response.body, contentType: response.contentType, url: response.url, timeZone: item.truth.timeZone,
            now: item.truth.now)
        var truth = item.truth
        truth.links = truth.links.map { (local($0.url), $0.title, $0.date) }
        truth.nextPage = truth.nextPage.map(local)
        let outcome = ListingEvaluation.score(page, truth: truth, name: name)
        #expect(outcome.notes == [], "\(name)")
        #expect(page.links.count == item.truth.links.count)
    }

    @Test func trsPaginationFromCreatePageHTML() throws {
        let url = try #require(URL(string: "http://www.example.gov.cn/xwzx/index_3.html"))
        let html = """
            <html><body><ul><li><a href="./202202/t20220213_1.html">第一篇测试文章标题</a><span>2022-02-13</span></li>
            <li><a href="./202202/t20220212_2.html">第二篇测试文章标题</a><span>2022-02-12</span></li>
            <li><a href="./202202/t20220211_3.html">第三篇测试文章标题</a><span>2022-02-11</span></li></ul>
            <script>var countPage = 10; var currentPage = 3;
            createPageHTML(countPage, currentPage, "index", "shtml");</script></body></html>
            """
        let page = ListingExtractor.extract(html: html, url: url, timeZone: .gmt)
        #expect(page.nextPage?.absoluteString == "http://www.example.gov.cn/xwzx/index_4.shtml")
        let last = html.replacingOccurrences(of: "currentPage = 3", with: "currentPage = 9")
        #expect(ListingExtractor.extract(html: last, url: url, timeZone: .gmt).nextPage == nil)
    }

    @Test(arguments: [
        ("[02-13]", "2022-02-13", true), ("(2022-02-13 09:30)", "2022-02-13T09:30", false),
        ("2022年02月13日", "2022-02-13", true), ("2022/2/13", "2022-02-13", true), ("2月13日", "2022-02-13", true),
        ("12-30", "2021-12-30", true),
    ])
    func listingDateForms(_ text: String, _ expected: String, _ dateOnly: Bool) throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let now = try #require(DateParser.parse("2022-02-20T08:00:00+08:00", timeZone: zone))
        let found = try #require(ListingExtractor.date(in: text, timeZone: zone, now: now))
        #expect(DateParser.iso8601(found.0, timeZone: zone).hasPrefix(expected))
        #expect(found.1 == !dateOnly)
    }

    @Test func titleIsTheWholeTitleAttributeWhenTheTextIsCut() throws {
        let root = try #require(
            HTMLDocument.parseFragment(#"<a href="/a.html" title="关于做好春节后复工复产工作的通知">关于做好春节后复工…</a>"#))
        #expect(ListingExtractor.title(of: try #require(root.first("a"))) == "关于做好春节后复工复产工作的通知")
    }

    @Test func attachmentsAreNotArticlePages() throws {
        for path in ["/P020220213.pdf", "/a.DOC", "/b.xlsx", "/c.wps"] {
            #expect(ListingExtractor.isAttachment(try #require(URL(string: "http://www.example.com" + path))))
        }
        #expect(!ListingExtractor.isAttachment(try #require(URL(string: "http://www.example.com/t2022_1.html"))))
    }
}
