import Foundation
import Logging
import Testing

@testable import NewsletterKit

struct DigestRendererTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func content(items: Int = 2, excerpt: String = "近日，中共中央印发《关于在全党开展“不忘初心、牢记使命”主题教育的意见》。") -> DigestContent {
        DigestContent(
            title: "党建周报", subject: "党建周报 2019-06-08", issueDate: "2019-06-08",
            items: (0..<items).map { index in
                DigestItem(
                    key: "k\(index)", title: "标题 \(index) Berger & Wyse <测试>",
                    url: "https://www.example.com/a/\(index).html?x=1&y=2",
                    date: "2019-06-0\(index % 9 + 1) 09:12", origin: "新华社", category: "党建政法", author: nil,
                    excerpt: excerpt)
            })
    }

    @Test func repositoryTemplatesEqualTheBuiltInDefaults() throws {
        let html = try String(
            contentsOf: RepoPaths.root.appendingPathComponent("Templates/digest.html.mustache"), encoding: .utf8)
        let text = try String(
            contentsOf: RepoPaths.root.appendingPathComponent("Templates/digest.txt.mustache"), encoding: .utf8)
        #expect(html == DefaultTemplates.html)
        #expect(text == DefaultTemplates.text)
    }

    /// Case 11: values are plain text, escaped exactly once in HTML and never in text.
    @Test func escapesOnceInHTMLAndNeverInText() throws {
        let renderer = try DigestRenderer(directory: nil, logger: Self.logger)
        let bodies = renderer.render(
            Self.content(), for: .init(name: "读者", unsubscribeURL: "https://news.example.com/u?l=weekly&t=abc"))
        #expect(bodies.html.contains("Berger &amp; Wyse &lt;测试&gt;"))
        #expect(!bodies.html.contains("&amp;amp;"))
        #expect(bodies.html.contains("https://www.example.com/a/0.html?x=1&amp;y=2"))
        #expect(bodies.text.contains("Berger & Wyse <测试>"))
        #expect(bodies.text.contains("https://www.example.com/a/0.html?x=1&y=2"))
        #expect(bodies.text.range(of: "&[a-z]+;|&#[0-9]+;", options: .regularExpression) == nil)
        #expect(bodies.text.contains("退订：https://news.example.com/u?l=weekly&t=abc"))
        #expect(bodies.omittedCount == 0)
    }

    @Test func textLinesFitSeventyTwoColumnsExceptURLs() throws {
        let renderer = try DigestRenderer(directory: nil, logger: Self.logger)
        let long = String(repeating: "测试正文内容，", count: 30)
        let bodies = renderer.render(Self.content(excerpt: long), for: .init(name: "", unsubscribeURL: nil))
        for line in bodies.text.split(separator: "\n") where !line.contains("://") {
            #expect(PlainTextWrapper.displayWidth(String(line)) <= 72, "\(line)")
        }
    }

    /// Case 13: 60 items × 400-character summaries stay under the HTML budget; all 60 are accounted for.
    @Test func sizeBudgetTrimsAndCountsEveryItem() throws {
        var renderer = try DigestRenderer(directory: nil, logger: Self.logger)
        renderer.htmlBudgetBytes = 90_000
        let content = DigestContent(
            title: "党建周报", subject: "s", issueDate: "2026-11-29",
            items: (0..<60).map {
                DigestItem(
                    key: "k\($0)", title: String(repeating: "测", count: 30),
                    url: "https://www.example.com/n/\($0).html",
                    date: "2026-11-2\($0 % 9) 08:00", origin: nil, category: nil, author: nil,
                    excerpt: String(repeating: "测", count: 400))
            })
        let bodies = renderer.render(content, for: .init(name: "", unsubscribeURL: "https://news.example.com/u?t=x"))
        #expect(bodies.html.utf8.count <= 90_000)
        let shown = bodies.html.components(separatedBy: "阅读全文").count - 1
        #expect(shown + bodies.omittedCount == 60)
        #expect(bodies.html.contains("退订"))
        if bodies.omittedCount > 0 { #expect(bodies.html.contains("另有 \(bodies.omittedCount) 篇")) }
    }

    @Test func brokenUserTemplateNamesFileAndLine() throws {
        let folder = try TemporaryFolder()
        try Data("<p>\n{{#articles}}\n{{title}\n".utf8).write(to: folder.file("digest.html.mustache"))
        let error = try #require(throws: RenderError.self) {
            try DigestRenderer(directory: folder.url, logger: Self.logger)
        }
        #expect(error.file.hasSuffix("digest.html.mustache"))
        #expect(error.line == 3)
    }

    @Test func missingUserTemplateFallsBackToTheDefault() throws {
        let folder = try TemporaryFolder()
        try Data("{{%CONTENT_TYPE: TEXT}}\nCUSTOM {{title}}\n".utf8).write(to: folder.file("digest.txt.mustache"))
        let renderer = try DigestRenderer(directory: folder.url, logger: Self.logger)
        let bodies = renderer.render(Self.content(), for: .init(name: "", unsubscribeURL: nil))
        #expect(bodies.text == "CUSTOM 党建周报\n")
        #expect(bodies.html.contains("<table"))
    }

    @Test(arguments: [
        ("一二三四五六七八九十。一二三四五六七八九十", 12, "一二三四五六七八九十。"),
        ("短文本", 140, "短文本"),
        ("第一段。\n\n第二段", 140, "第一段。第二段"),
        ("First.\n\nSecond", 140, "First. Second"),
        ("结尾 end\n\n开头", 140, "结尾 end 开头"),
        ("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij…"),
    ])
    func excerpt(text: String, limit: Int, expected: String) {
        #expect(DigestRenderer.excerpt(text, limit: limit) == expected)
    }

    /// Case 11 with the case's own values: plain text in, escaped exactly once in HTML, never in text.
    @Test func case11ValuesAreEscapedExactlyOnce() throws {
        let renderer = try DigestRenderer(directory: nil, logger: Self.logger)
        let titles = ["Berger & Wyse 测试", "Sarah's 测试 Scribbles", "测试\u{00A0}标题", "A < B 测试"]
        let content = DigestContent(
            title: "测试 & 示例", subject: "Berger & Wyse 测试", issueDate: "2019-06-08",
            items: titles.enumerated().map { index, title in
                DigestItem(
                    key: "k\(index)", title: title, url: "https://www.example.com/\(index)?a=1&b=2",
                    date: "2019-06-08 09:00",
                    origin: nil, category: nil, author: nil, excerpt: index == 3 ? "甲 & 乙 <测试> \"引号\"" : "")
            })
        let bodies = renderer.render(content, for: .init(name: "", unsubscribeURL: nil))
        #expect(bodies.html.contains("Berger &amp; Wyse 测试"))
        #expect(bodies.html.contains("Sarah's 测试 Scribbles") || bodies.html.contains("Sarah&#39;s 测试 Scribbles"))
        #expect(bodies.html.contains("测试\u{00A0}标题") || bodies.html.contains("测试&nbsp;标题"))
        #expect(bodies.html.contains("A &lt; B 测试"))
        #expect(bodies.html.contains("甲 &amp; 乙 &lt;测试&gt; &quot;引号&quot;"))
        #expect(bodies.html.contains("<title>测试 &amp; 示例</title>"))
        for bad in ["&amp;amp;", "&amp;#", "&amp;lt;", "&amp;nbsp;", "&amp;quot;"] {
            #expect(!bodies.html.contains(bad), "\(bad)")
        }
        for title in titles { #expect(bodies.text.contains(title)) }
        #expect(bodies.text.contains("甲 & 乙 <测试> \"引号\""))
        #expect(bodies.text.contains("测试 & 示例"))
        #expect(bodies.text.range(of: "&[a-z]+;|&#[0-9]+;", options: .regularExpression) == nil)
    }

    /// The text part: each article numbered, its link a reference `[n]` listed once at the end before the
    /// footer; the archive page is the next reference when items were left out.
    @Test func textListsLinksAsNumberedReferencesAtTheEnd() throws {
        var renderer = try DigestRenderer(
            directory: nil, archiveURL: "https://www.example.com/archive/", logger: Self.logger)
        let full = renderer.render(
            Self.content(items: 3), for: .init(name: "", unsubscribeURL: "https://news.example.com/u?t=x"))
        let lines = full.text.components(separatedBy: "\n")
        for index in 0..<3 {
            #expect(lines.contains("\(index + 1). 标题 \(index) Berger & Wyse <测试> [\(index + 1)]"))
            let url = "https://www.example.com/a/\(index).html?x=1&y=2"
            #expect(lines.filter { $0.contains(url) } == ["[\(index + 1)] \(url)"])
        }
        let references = try #require(lines.firstIndex(of: "[1] https://www.example.com/a/0.html?x=1&y=2"))
        let lastArticle = try #require(lines.firstIndex { $0.hasPrefix("3. ") })
        let footer = try #require(lines.firstIndex(of: "--"))
        #expect(lastArticle < references && references < footer)
        #expect(lines.last { !$0.isEmpty } == "退订：https://news.example.com/u?t=x")
        #expect(!full.text.contains("[4]"))

        renderer.htmlBudgetBytes = 10_000
        let trimmed = renderer.render(Self.content(items: 30), for: .init(name: "", unsubscribeURL: nil))
        let shown = 30 - trimmed.omittedCount
        #expect(trimmed.omittedCount > 0)
        #expect(trimmed.text.contains("另有 \(trimmed.omittedCount) 篇，请见网页版 [\(shown + 1)]。"))
        // The issue's own archive page, which lists every article.
        let page = "https://www.example.com/archive/" + Self.content(items: 30).archivePageName
        #expect(trimmed.text.contains("\n[\(shown + 1)] \(page)\n"))
        #expect(trimmed.html.contains("另有 \(trimmed.omittedCount) 篇"))
    }

    /// What mail clients need from the HTML (issue 4): tables and inline CSS, nothing wider than 600 px
    /// outside Outlook's conditional comment, explicit backgrounds behind every coloured text, dark-mode
    /// declarations, wrapping of long words, a hidden preheader, alt text on images, the footer last.
    @Test func htmlIsBuiltForMailClients() throws {
        let renderer = try DigestRenderer(directory: nil, logger: Self.logger)
        let bodies = renderer.render(
            Self.content(), for: .init(name: "", unsubscribeURL: "https://news.example.com/u?t=x"))
        let html = bodies.html
        #expect(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"))
        #expect(html.contains("<meta name=\"supported-color-schemes\" content=\"light dark\">"))
        #expect(html.contains("@media (prefers-color-scheme: dark)"))
        #expect(html.contains("max-width:600px"))
        let outsideMSO = html.replacing(/<!--\[if mso\]>.*?<!\[endif\]-->/.dotMatchesNewlines(), with: "")
            .replacingOccurrences(of: "max-width:", with: "")
        for match in outsideMSO.matches(of: /width="(\d+)"|width:\s*(\d+)px|min-width/) {
            Issue.record("fixed width outside the MSO conditional: \(match.output.0)")
        }
        // Every cell and table that sets a text colour or background also sets bgcolor (dark-mode inversion).
        for tag in html.matches(of: /<(td|table|body)\b[^>]*>/) {
            let text = String(tag.output.0)
            if text.contains("color:") || text.contains("background") {
                #expect(text.contains("bgcolor=\"#"), "no bgcolor: \(text.prefix(120))")
            }
        }
        #expect(!html.contains("color:#ffffff") || html.contains("bgcolor=\"#b71c1c\""))
        for cell in html.matches(of: /<td class="nl-(item|more|footer)"[^>]*>/) {
            #expect(cell.output.0.contains("overflow-wrap:anywhere"), "\(cell.output.0.prefix(80))")
        }
        for image in html.matches(of: /<img\b[^>]*>/).map({ String($0.output) }) {
            #expect(image.contains("alt=\""), "image without alt: \(image)")
        }
        // The preheader comes first in the body, hidden, and holds the first titles.
        let body = try #require(html.range(of: "<body")).upperBound
        let preheader = try #require(html.range(of: "<div style=\"display:none;", range: body..<html.endIndex))
        #expect(!html[body..<preheader.lowerBound].contains("<table"))
        #expect(html[preheader.upperBound...].prefix(300).contains("标题 0 Berger &amp; Wyse &lt;测试&gt; · 标题 1"))
        // The unsubscribe footer is the last content.
        let unsubscribe = try #require(html.range(of: "退订</a>", options: .backwards))
        #expect(html[unsubscribe.upperBound...].replacing(/<[^>]*>|\s/, with: "").isEmpty)
        #expect(html.hasSuffix("</html>\n"))
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("position:"))
    }
}
