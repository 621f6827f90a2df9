import Foundation
import Testing

@testable import NewsletterKit

struct ArticleExtractorTests {
    struct SiteArticle: Sendable, CustomStringConvertible {
        var snapshot: String
        var path: String
        var title: String
        var published: String
        var category: String
        var bodyFirst: String
        var bodyLast: String
        var source: String?
        var description: String { snapshot + path }
    }

    /// Every article of `fixtures/site/expected.json` in both snapshots it appears in.
    static let siteArticles: [SiteArticle] = {
        guard let json = try? Fixtures.json("site/expected.json"),
            let snapshots = json["snapshots"] as? [String: Any]
        else { return [] }
        var articles: [String: [String: Any]] = [:]
        for (_, value) in snapshots {
            for (_, list) in (value as? [String: Any]) ?? [:] {
                for entry in (list as? [[String: Any]]) ?? [] {
                    if let path = entry["url_path"] as? String { articles[path] = entry }
                }
            }
        }
        var result: [SiteArticle] = []
        for snapshot in ["2019-06-01", "2019-06-08"] {
            for (path, entry) in articles.sorted(by: { $0.key < $1.key }) {
                guard (try? Fixtures.bytes("site/\(snapshot)\(path)")) != nil else { continue }
                result.append(
                    SiteArticle(
                        snapshot: snapshot, path: path, title: entry["title"] as? String ?? "",
                        published: entry["published"] as? String ?? "", category: entry["category"] as? String ?? "",
                        bodyFirst: entry["body_first"] as? String ?? "", bodyLast: entry["body_last"] as? String ?? "",
                        source: entry["source"] as? String))
            }
        }
        return result
    }()

    static let mustNotContain: [String] = {
        (try? Fixtures.json("site/expected.json"))?["body_must_not_contain"] as? [String] ?? []
    }()

    @Test func siteFixtureIsComplete() {
        #expect(Self.siteArticles.count == 6)
        #expect(Self.mustNotContain.count == 9)
    }

    @Test(arguments: siteArticles)
    func siteArticle(_ expected: SiteArticle) throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let url = try #require(URL(string: "http://www.example.com" + expected.path))
        let bytes = try Fixtures.bytes("site/\(expected.snapshot)\(expected.path)")
        let article = ArticleExtractor.extract(bytes: bytes, contentType: "text/html", url: url, timeZone: zone)
        #expect(article.charset == "gb18030")
        #expect(article.title == expected.title)
        #expect(article.publishedText == expected.published)
        #expect(article.published == DateParser.parse(expected.published, timeZone: nil))
        #expect(article.category == expected.category)
        #expect(article.source == expected.source)
        #expect(article.author == nil)
        #expect(article.bodyText.prefix(120).contains(expected.bodyFirst))
        #expect(article.bodyText.suffix(120).contains(expected.bodyLast))
        for phrase in Self.mustNotContain {
            #expect(!article.bodyText.contains(phrase), "body contains \(phrase)")
            #expect(!article.bodyHTML.contains(phrase), "HTML contains \(phrase)")
        }
        #expect(!article.bodyText.contains("\u{FFFD}"))
        #expect(!article.bodyText.contains("来源"))
        #expect(!article.bodyText.contains("&nbsp;"))
        #expect(!article.bodyText.hasPrefix(" ") && !article.bodyText.hasPrefix("\u{A0}"))
        #expect(!article.bodyHTML.contains("<script"))
        #expect(article.bodyHTML.hasPrefix("<p>"))
    }

    @Test func paragraphsAreSeparatedByBlankLines() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let url = try #require(URL(string: "http://www.example.com/djzf/2019/0603/1290.html"))
        let article = ArticleExtractor.extract(
            bytes: try Fixtures.bytes("site/2019-06-08/djzf/2019/0603/1290.html"), contentType: nil, url: url,
            timeZone: zone)
        let paragraphs = article.bodyText.components(separatedBy: "\n\n")
        #expect(paragraphs.count == 4)
        #expect(paragraphs.allSatisfy { !$0.isEmpty && $0 == $0.trimmingCharacters(in: .whitespaces) })
    }

    @Test func inlineMarkupLinksAndImagesAreKeptAbsolute() throws {
        let html = """
            <html><head><title>测试文章_栏目_示例网</title>
            <meta name="PubDate" content="2020-01-02 03:04:05"></head><body>
            <div class="nav"><a href="/">首页</a><a href="/a/">栏目</a></div>
            <div class="article-content">
            <p>　　第一段，含有<strong>重点</strong>和<a href="../x/1.html" onclick="evil()">链接</a>，内容足够长，以便评分。</p>
            <p><img src="/img/a.jpg" onerror="x()"></p>
            <p>第二段，<em>强调</em>。<a href="javascript:alert(1)">坏链接</a>，还有更多的文字，足够长。</p>
            <script>var x = 1;</script>
            <p>责任编辑：某某</p>
            </div><div class="footer">Copyright 版权所有</div></body></html>
            """
        let url = try #require(URL(string: "https://www.example.com/news/2020/0102/1.html"))
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let article = ArticleExtractor.extract(html: html, url: url, timeZone: zone)
        #expect(article.title == "测试文章")
        #expect(article.publishedText == "2020-01-02T03:04:05+08:00")
        #expect(article.bodyHTML.contains("<strong>重点</strong>"))
        #expect(article.bodyHTML.contains("<a href=\"https://www.example.com/news/2020/x/1.html\">链接</a>"))
        #expect(article.bodyHTML.contains("<img src=\"https://www.example.com/img/a.jpg\">"))
        #expect(!article.bodyHTML.contains("javascript"))
        #expect(!article.bodyHTML.contains("onclick"))
        #expect(!article.bodyHTML.contains("onerror"))
        #expect(article.bodyText.hasPrefix("第一段，含有重点和链接"))
        #expect(article.bodyText.hasSuffix("还有更多的文字，足够长。"))
        #expect(!article.bodyText.contains("责任编辑"))
    }

    @Test(arguments: [
        ("<div class=\"info\">发布时间:2019年06月03日 09:12</div>", "2019-06-03T09:12:00+08:00"),
        ("<div class=\"info\">成文日期：2019-05-01 发布日期：2019-05-02</div>", "2019-05-02T00:00:00+08:00"),
        ("<div class=\"info\">2019/6/4 21:30</div>", "2019-06-04T21:30:00+08:00"),
        ("<div class=\"info\">Posted 2019-06-04T21:30:00+02:00</div>", "2019-06-04T21:30:00+02:00"),
        (
            "<div class=\"info\"></div><meta property=\"article:published_time\" content=\"2019-06-04T13:30:00Z\">",
            "2019-06-04T13:30:00+00:00"
        ),
        (
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":\"2019-06-04T21:30:00+08:00\"}</script>",
            "2019-06-04T21:30:00+08:00"
        ),
    ])
    func datelineForms(snippet: String, expected: String) throws {
        let html = """
            <html><head><title>标题_站点</title></head><body><h1>标题</h1>\(snippet)
            <div class="content"><p>这是正文的第一段，内容足够长，可以作为正文，没有其他日期。</p></div></body></html>
            """
        let url = try #require(URL(string: "https://www.example.com/a.html"))
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let article = ArticleExtractor.extract(html: html, url: url, timeZone: zone)
        #expect(article.publishedText == expected)
    }

    @Test(arguments: [
        ("<p>(来源:《旗帜》杂志2019年第5期;作者系某单位负责人)</p>", "《旗帜》杂志2019年第5期"),
        ("<p>来源:新华网\u{A0}\u{A0}浏览次数:12</p>", "新华网"),
        ("<p>（来源：人民日报）</p>", "人民日报"),
    ])
    func sourceTrailers(trailer: String, source: String) throws {
        let html = """
            <html><body><h1>标题</h1><div class="content"><p>正文内容，足够长的一段文字，用来测试来源的提取是否正确。</p>
            \(trailer)<p>责任编辑：张三</p></div></body></html>
            """
        let url = try #require(URL(string: "https://www.example.com/a.html"))
        let article = ArticleExtractor.extract(html: html, url: url, timeZone: .gmt)
        #expect(article.source == source)
        #expect(article.author == nil)
        #expect(article.bodyText == "正文内容，足够长的一段文字，用来测试来源的提取是否正确。")
    }

    @Test func authorFromByline() throws {
        let html = """
            <html><body><h1>标题</h1><div class="info">作者：李四 来源：示例日报</div><div class="content">
            <p>正文内容，足够长的一段文字，用来测试作者的提取是否正确。</p><p>责任编辑：张三</p></div></body></html>
            """
        let url = try #require(URL(string: "https://www.example.com/a.html"))
        let article = ArticleExtractor.extract(html: html, url: url, timeZone: .gmt)
        #expect(article.author == "李四")
        #expect(article.source == "示例日报")
    }
}
