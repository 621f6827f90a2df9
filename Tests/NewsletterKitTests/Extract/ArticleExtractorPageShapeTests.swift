import Foundation
import Testing

@testable import NewsletterKit

/// Simple, common page shapes found by a new-user test (`Resources/pages/`).
struct ArticleExtractorPageShapeTests {
    private static func extract(_ fixture: String, path: String, contentType: String? = nil) throws -> ExtractedArticle
    {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let url = try #require(URL(string: "https://www.example.com" + path))
        let bytes = try Fixtures.bytes("pages/" + fixture)
        return ArticleExtractor.extract(bytes: bytes, contentType: contentType, url: url, timeZone: zone)
    }

    /// CMS furniture inside the article's container stays out of the text (a new-user trial's excerpts began with
    /// "Details Written by Bauamt Category: News … Hits: 131" and ended with "Like this: Like Loading..."), while
    /// the author and date it carries are still read.
    @Test func joomlaArticleInfoAndJetpackWidgetsAreNotText() throws {
        let joomla = try Self.extract("joomla3-item-page.html", path: "/joomla/news/40-road-works-on-hauptstrasse.html")
        #expect(joomla.bodyText.hasPrefix("From 7 December, the Hauptstraße will be closed"), "\(joomla.bodyText)")
        for furniture in ["Written by", "Hits:", "Category:", "Details"] {
            #expect(!joomla.bodyText.contains(furniture), "\(furniture)")
        }
        #expect(joomla.author == "Bauamt")
        #expect(joomla.publishedText == "2026-12-02T14:00:00+01:00")
        let wordpress = try Self.extract("wordpress-jetpack.html", path: "/2026/12/03/office-closed-friday/")
        #expect(wordpress.bodyText == "The office is closed this Friday for staff training.", "\(wordpress.bodyText)")
    }

    /// `<article>` holding the `<h1>`, an `info` dateline block beside it, and the paragraphs.
    @Test func datelineInsideTheArticleContainer() throws {
        let article = try Self.extract("article-info-inside-container.html", path: "/blog/a1.html")
        #expect(article.title == "文章 a1 的标题")
        #expect(article.publishedText == "2019-06-05T10:00:00+08:00")
        #expect(article.source == "教务处")
        #expect(article.author == "李四")
        #expect(article.category == "博客")
        #expect(article.bodyText.hasPrefix("这是文章 a1 的正文第一段，内容比较长"))
        #expect(article.bodyText.hasSuffix("电话 010-12345678。"))
        #expect(article.bodyText.components(separatedBy: "\n\n").count == 2)
        #expect(!article.bodyHTML.contains("<h2>"))
        for furniture in ["文章 a1 的标题", "发布时间", "上一篇", "版权所有", "首页"] {
            #expect(!article.bodyText.contains(furniture), "\(furniture)")
        }
        let excerpt = DigestRenderer.excerpt(article.bodyText, limit: DigestRenderer.excerptLength)
        #expect(excerpt.hasPrefix("这是文章 a1 的正文第一段"))
    }

    /// The `<title>` without its site suffix is a shortened headline: the longer `<h1>` wins.
    @Test(arguments: [
        ("文章 a1 - 博客", "文章 a1 的标题", "文章 a1 的标题"),
        ("秋季学期课程安排_教务处_示例大学", "关于秋季学期课程安排的通知", "关于秋季学期课程安排的通知"),
        ("秋季学期课程安排_教务处_示例大学", "秋季学期课程安排（修订）", "秋季学期课程安排（修订）"),
        // Too short to be "part of" a heading: the title tag text stays.
        ("通知 - 学院", "关于放假的通知", "通知"),
        // A heading that does not hold the title text is not the headline.
        ("文章 a1 - 博客", "示例网站", "文章 a1"),
    ])
    func headingExtendsTheTitleTag(documentTitle: String, heading: String, expected: String) throws {
        let html = """
            <html><head><title>\(documentTitle)</title></head><body><h1>\(heading)</h1>
            <div class="content"><p>这是正文的第一段，内容足够长，可以作为正文来评分，没有其他标题。</p></div></body></html>
            """
        let url = try #require(URL(string: "https://www.example.com/a.html"))
        let article = ArticleExtractor.extract(html: html, url: url, timeZone: .gmt)
        #expect(article.title == expected)
        #expect(article.bodyText == "这是正文的第一段，内容足够长，可以作为正文来评分，没有其他标题。")
    }

    /// GBK bytes with no charset anywhere; the only ≥20-character container is the dateline `<div>`, the
    /// paragraph sits directly in `<body>`.
    @Test func undeclaredGBKWithDatelineDiv() throws {
        let article = try Self.extract(
            "gbk-undeclared-dateline-div.html", path: "/nodecl.html", contentType: "text/html")
        #expect(article.charset == "gb18030")
        #expect(article.title == "无声明页面标题")
        #expect(article.publishedText == "2019-06-05T10:00:00+08:00")
        #expect(article.bodyText == "这是一个没有字符集声明的GBK页面，用来测试编码检测是否可靠，内容需要足够长才能检测。")
    }

    /// GBK bytes with no charset anywhere and no block of 20 characters: the pruned `<body>` is the text.
    @Test func undeclaredGBKShortNotice() throws {
        let article = try Self.extract("gbk-undeclared-short-notice.html", path: "/tzgg/1.html")
        #expect(article.charset == "gb18030")
        #expect(article.title == "关于国庆节放假的通知")
        #expect(article.bodyText == "各位同学：国庆节放假七天，请注意安全。\n\n示例学院办公室")
        #expect(article.bodyHTML == "<p>各位同学：国庆节放假七天，请注意安全。</p><p>示例学院办公室</p>")
    }

    /// The same decision for the raw bytes, without the extractor.
    @Test(arguments: ["gbk-undeclared-dateline-div.html", "gbk-undeclared-short-notice.html"])
    func undeclaredGBKIsDetected(fixture: String) throws {
        let decoded = CharsetDecoder.decode(try Fixtures.bytes("pages/" + fixture), contentType: "text/html")
        #expect(decoded.charset == "gb18030")
        #expect(decoded.replacementCount == 0)
        #expect(decoded.text.contains("<title>"))
        #expect(decoded.text.contains("页") || decoded.text.contains("通知"))
    }
}
