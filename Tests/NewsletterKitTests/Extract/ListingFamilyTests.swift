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

    static let wideFolder = RepoPaths.resources.appendingPathComponent("listings-wide")
    static let wideNames: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: wideFolder.path)) ?? []
        return files.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }
            .sorted()
    }()

    /// The wider set (Resources/listings-wide, scripts/make-wide-listings.py): layouts written from real CMS
    /// markup before the extractor was changed for them (SSE dl/dd with PDFs, Hanweb table records, 政务公开
    /// columns, DedeCMS list.php, Discuz!, Jeecms, 人民网, WordPress and Ghost `/slug/` permalinks, Drupal, …).
    @Test(arguments: wideNames)
    func widerLayoutIsReadRight(_ name: String) throws {
        let cases = try ListingEvaluation.loadCases(in: Self.wideFolder)
        let item = try #require(cases.first { $0.name == name })
        let outcome = try #require(ListingEvaluation.run([item]).first)
        #expect(outcome.notes == [], "\(name)")
    }

    @Test(arguments: [
        ("March 8, 2024", "2024-03-08"), ("Posted on Mar. 8th, 2024 by Jane", "2024-03-08"),
        ("8 Mar 2024", "2024-03-08"), ("28 February, 2024", "2024-02-28"), ("Sept 3, 2023", "2023-09-03"),
    ])
    func englishDatesBesideLinks(_ text: String, _ expected: String) throws {
        let now = try #require(DateParser.parse("2024-03-10T09:00:00Z", timeZone: .gmt))
        let found = try #require(ListingExtractor.date(in: text, timeZone: .gmt, now: now))
        #expect(DateParser.iso8601(found.0, timeZone: .gmt).hasPrefix(expected))
        #expect(found.1 == false)
    }

    @Test(arguments: ["the market 8, 2024 rally", "Mayor 12, 2024", "version 8 2024"])
    func wordsThatOnlyStartLikeAMonthAreNotDates(_ text: String) throws {
        #expect(ListingExtractor.englishDate(in: text, timeZone: .gmt) == nil)
    }

    @Test(arguments: [
        ("https://news.example.org/city-council-approves-new-budget/", true),
        ("https://news.example.org/2024/03/08/storm-damage-what-to-know/", true),
        ("https://news.example.org/category/press-releases-and-statements/", false),
        ("https://news.example.org/tag/city-council-budget-news/", false),
        ("https://news.example.org/category/local/page/2/", false),
        ("https://news.example.org/local-news/", false),
        ("http://www.example.gov.cn/xwzx/gzdt/", false),
    ])
    func slugPermalinksAreArticlesNotSections(_ url: String, _ article: Bool) throws {
        let parsed = try #require(URL(string: url))
        #expect(ListingExtractor.isSlugPermalink(parsed) == article)
        #expect(ListingExtractor.isSectionPath(parsed) == !article)
    }

    @Test func severalAnchorsToOnePageGiveTheTitleAnchor() throws {
        let url = try #require(URL(string: "https://bbs.example.com/forum.php?mod=forumdisplay&fid=2"))
        let row = { (tid: Int, title: String) in
            """
            <tbody id="normalthread_\(tid)"><tr><td class="icn"><a href="forum.php?mod=viewthread&amp;tid=\(tid)" \
            title="新窗口打开"><img src="folder.gif"></a></td><th><a href="forum.php?mod=viewthread&amp;tid=\(tid)#new" \
            class="s xst">\(title)</a></th><td class="num"><a href="forum.php?mod=viewthread&amp;tid=\(tid)">12</a></td>\
            <td class="by"><em><span>2022-2-19</span></em></td></tr></tbody>
            """
        }
        let html =
            "<html><body><table>" + row(3, "关于开展春季植树活动的通知") + row(2, "全市春耕备耕工作会议召开")
            + row(1, "关于调整部分公交线路的通告") + "</table></body></html>"
        let page = ListingExtractor.extract(html: html, url: url, timeZone: .gmt)
        #expect(page.links.map(\.title) == ["关于开展春季植树活动的通知", "全市春耕备耕工作会议召开", "关于调整部分公交线路的通告"])
        #expect(page.links.first?.url.absoluteString == "https://bbs.example.com/forum.php?mod=viewthread&tid=3")
    }

    @Test func aCardLinkIsTitledByItsHeading() throws {
        let root = try #require(
            HTMLDocument.parseFragment(
                #"<a href="/a-long-post-slug/"><span>Engineering</span><h2>How we rebuilt it</h2><p>Excerpt.</p></a>"#))
        #expect(ListingExtractor.title(of: try #require(root.first("a"))) == "How we rebuilt it")
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

    /// Bullets and arrows around a link's text go; a closing mark that closes something in the title stays.
    @Test(arguments: [
        ("印发《示例市安全生产条例》", "印发《示例市安全生产条例》"),
        ("市图书馆推出“周末阅读营”公益活动 <首期报名开启>", "市图书馆推出“周末阅读营”公益活动 <首期报名开启>"),
        ("· 关于开展春季植树活动的通知", "关于开展春季植树活动的通知"), ("» Weekly notes «", "Weekly notes «"),
        ("▶ 全市春耕备耕工作会议召开 》", "全市春耕备耕工作会议召开"), ("Read the report »", "Read the report"),
        ("— 《旗帜》杂志第5期 —", "《旗帜》杂志第5期"), ("》》", ""), ("\u{3000}·通知·\u{3000}", "通知"),
    ])
    func titleLosesBulletsButNotClosingMarks(text: String, expected: String) throws {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        let root = try #require(HTMLDocument.parseFragment(#"<a href="/a.html">"# + escaped + "</a>"))
        #expect(ListingExtractor.title(of: try #require(root.first("a"))) == expected)
    }

    @Test func attachmentsAreNotArticlePages() throws {
        for path in ["/P020220213.pdf", "/a.DOC", "/b.xlsx", "/c.wps"] {
            #expect(ListingExtractor.isAttachment(try #require(URL(string: "http://www.example.com" + path))))
        }
        #expect(!ListingExtractor.isAttachment(try #require(URL(string: "http://www.example.com/t2022_1.html"))))
    }
}
