import Foundation
import Testing

@testable import NewsletterKit

struct ListingExtractorTests {
    @Test func siteListingHasFourArticlesNewestFirst() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let url = try #require(URL(string: "http://www.example.com/djzf/index.html"))
        let page = ListingExtractor.extract(
            bytes: try Fixtures.bytes("site/2019-06-08/djzf/index.html"), contentType: "text/html", url: url,
            timeZone: zone)
        #expect(
            page.links.map(\.url.path) == [
                "/djzf/2019/0604/1293.html", "/djzf/2019/0603/1290.html", "/djzf/2019/0531/1287.html",
                "/djzf/2019/0520/1275.html",
            ])
        #expect(page.links.first?.title == "习近平接受俄罗斯主流媒体联合采访")
        #expect(
            page.links.map { $0.date.map { DateParser.iso8601($0, timeZone: zone) } } == [
                "2019-06-04T00:00:00+08:00", "2019-06-03T00:00:00+08:00", "2019-05-31T00:00:00+08:00",
                "2019-05-20T00:00:00+08:00",
            ])
        #expect(page.nextPage?.absoluteString == "http://www.example.com/djzf/index_2.html")
    }

    @Test func olderSnapshotHasTwoArticles() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let url = try #require(URL(string: "http://www.example.com/djzf/index.html"))
        let page = ListingExtractor.extract(
            bytes: try Fixtures.bytes("site/2019-06-01/djzf/index.html"), contentType: nil, url: url, timeZone: zone)
        #expect(page.links.map(\.url.lastPathComponent) == ["1287.html", "1275.html"])
    }

    // Case 02: gb2312 label, GBK-only characters, relative links resolved against the page URL.
    @Test func case02GB2312ListingEntries() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let url = try #require(URL(string: "http://www.example.edu.cn/xw/index.html"))
        let page = ListingExtractor.extract(
            bytes: try Fixtures.bytes("cases/02-gb2312-label-gbk-chars.html"), contentType: "text/html", url: url,
            timeZone: zone)
        #expect(page.links.map(\.title) == ["朱镕基 测试报道", "貝塚 測試 繁體標題", "普通测试标题"])
        #expect(
            page.links.map(\.url.absoluteString) == [
                "http://www.example.edu.cn/xw/2019/0531/101.html", "http://www.example.edu.cn/xw/2019/0530/100.html",
                "http://www.example.edu.cn/xw/2019/0529/099.html",
            ])
        #expect(
            page.links.map { $0.date.map { DateParser.iso8601($0, timeZone: zone).prefix(10) } } == [
                "2019-05-31", "2019-05-30", "2019-05-29",
            ])
        #expect(page.links.allSatisfy { !$0.title.contains("\u{FFFD}") })
    }

    @Test func navigationAndFooterLinksAreIgnored() throws {
        let html = """
            <html><body><div id="nav"><a href="/news/2019/0101/1.html">导航里的文章链接</a></div>
            <ul class="list"><li><a href="/news/2020/0102/2.html">第一篇正式文章</a> 2020-01-02</li>
            <li><a href="/news/2020/0101/3.html">第二篇正式文章</a> 2020-01-01</li>
            <li><a href="https://other.example.org/2020/0101/4.html">外站的文章链接</a> 2020-01-01</li></ul>
            <div class="footer"><a href="/news/2018/0101/9.html">页脚里的文章链接</a></div>
            <div class="pages"><a href="list_2.html" rel="next">next</a></div></body></html>
            """
        let url = try #require(URL(string: "https://www.example.com/news/list.html"))
        let page = ListingExtractor.extract(html: html, url: url, timeZone: .gmt)
        #expect(page.links.map(\.title) == ["第一篇正式文章", "第二篇正式文章"])
        #expect(page.nextPage?.absoluteString == "https://www.example.com/news/list_2.html")
    }
}
