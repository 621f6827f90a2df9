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
                    key: "k\(index)", title: "标题 \(index) Berger & Wyse <测试>", url: "https://www.example.com/a/\(index).html?x=1&y=2",
                    date: "2019-06-0\(index % 9 + 1) 09:12", origin: "新华社", category: "党建政法", author: nil, excerpt: excerpt)
            })
    }

    @Test func repositoryTemplatesEqualTheBuiltInDefaults() throws {
        let html = try String(contentsOf: RepoPaths.root.appendingPathComponent("Templates/digest.html.mustache"), encoding: .utf8)
        let text = try String(contentsOf: RepoPaths.root.appendingPathComponent("Templates/digest.txt.mustache"), encoding: .utf8)
        #expect(html == DefaultTemplates.html)
        #expect(text == DefaultTemplates.text)
    }

    /// Case 11: values are plain text, escaped exactly once in HTML and never in text.
    @Test func escapesOnceInHTMLAndNeverInText() throws {
        let renderer = try DigestRenderer(directory: nil, logger: Self.logger)
        let bodies = renderer.render(Self.content(), for: .init(name: "读者", unsubscribeURL: "https://news.example.com/u?l=weekly&t=abc"))
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
                DigestItem(key: "k\($0)", title: String(repeating: "测", count: 30), url: "https://www.example.com/n/\($0).html",
                    date: "2026-11-2\($0 % 9) 08:00", origin: nil, category: nil, author: nil, excerpt: String(repeating: "测", count: 400))
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
        let error = try #require(throws: RenderError.self) { try DigestRenderer(directory: folder.url, logger: Self.logger) }
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
        ("第一段\n\n第二段", 140, "第一段 第二段"),
        ("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij…"),
    ])
    func excerpt(text: String, limit: Int, expected: String) {
        #expect(DigestRenderer.excerpt(text, limit: limit) == expected)
    }
}
