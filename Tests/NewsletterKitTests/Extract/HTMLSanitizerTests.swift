import Foundation
import Testing

@testable import NewsletterKit

struct HTMLSanitizerTests {
    private static let base = URL(string: "https://www.example.com/a/b.html")

    @Test(arguments: [
        ("<p onclick=\"x()\" style=\"color:red\">hi</p>", "<p>hi</p>"),
        ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
        ("<style>p{}</style><iframe src=\"https://www.example.com\"></iframe><object></object>ok", "ok"),
        ("<form action=\"/x\"><input name=\"a\"><p>in form</p></form>", "<p>in form</p>"),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\" JaVa\tScript:alert(1)\">x</a>", "<a>x</a>"),
        ("<img src=\"data:image/png;base64,AAAA\">", ""),
        ("<img src=\"../c.png\" alt=\"图\">", "<img src=\"https://www.example.com/c.png\" alt=\"图\">"),
        ("<a href=\"/d?x=1&amp;y=2\">d</a>", "<a href=\"https://www.example.com/d?x=1&amp;y=2\">d</a>"),
        ("<b>粗</b><i>斜</i><font color=red>字</font>", "<strong>粗</strong><em>斜</em>字"),
        ("<p>甲 &amp; 乙 &lt;测试&gt; &quot;引号&quot;</p>", "<p>甲 &amp; 乙 &lt;测试&gt; &quot;引号&quot;</p>"),
    ])
    func sanitizes(input: String, expected: String) {
        #expect(HTMLSanitizer.sanitize(input, baseURL: Self.base) == expected)
    }

    // Case 18 (extraction side): long minified lines and long URLs pass through unchanged.
    @Test func case18LongLinesAndURLsSurvive() throws {
        let bytes = try Fixtures.bytes("cases/18-line-over-998.html")
        let html = String(decoding: bytes, as: UTF8.self)
        let sanitized = HTMLSanitizer.sanitize(html, baseURL: Self.base)
        let longText = String(repeating: "测", count: 1200)
        #expect(sanitized.contains("<p>" + longText + "</p>"))
        let start = try #require(html.range(of: "href=\""))
        let end = try #require(html[start.upperBound...].firstIndex(of: "\""))
        let href = String(html[start.upperBound..<end])
        #expect(href.utf8.count == 1482)
        #expect(sanitized.contains("href=\"" + href + "\""))
    }
}
