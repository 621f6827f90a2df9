import Foundation
import Testing

@testable import NewsletterKit

/// Case 34: HTML named entities and bare `&` inside an XML feed.
struct FeedEntityRepairTests {
    static func feed(_ name: String) throws -> Feed {
        try FeedParser.parse(
            bytes: try Fixtures.bytes("cases/\(name)"), contentType: "application/rss+xml",
            url: Fixtures.url("https://devblog.example.com/feed.xml"), timeZone: nil, fetchedAt: Date())
    }

    @Test func everyItemIsKeptWithItsCharacters() throws {
        let feed = try Self.feed("34-html-entities-in-xml.xml")
        #expect(feed.entries.count == 7)
        #expect(
            feed.entries.map { $0.title.replacingOccurrences(of: "\u{AD}", with: "") } == [
                "ReadFile 与 WriteFile 测试", "Weekend D&D club notes 测试", "Crêpes & café 测试", "Q&A: 5 < 6 测试",
                "\u{201C}测试引号\u{201D}\u{B7}第二期", "AT&T 中文 测试", "Tag &foo; stays 测试",
            ])
        #expect(feed.repairedReferences > 0)
        let summary = try #require(feed.entries[0].summaryHTML)
        #expect(HTMLText.plainText(fromHTML: summary).hasSuffix("测试\u{2014}摘要\u{2026}"))
        // CDATA is never repaired: its HTML entities are the HTML's own.
        #expect(feed.entries[5].summaryHTML?.contains("原样") == true)
    }

    @Test(arguments: [
        ("a &amp; b &lt; c &#x4E2D; &#25991;", "a &amp; b &lt; c &#x4E2D; &#25991;", 0),
        ("D&D", "D&amp;D", 1), ("&nbsp;x&shy;", "&#160;x&#173;", 2), ("&foo;", "&amp;foo;", 1),
        ("<![CDATA[&nbsp; & x]]>", "<![CDATA[&nbsp; & x]]>", 0), ("<!-- a & b -->", "<!-- a & b -->", 0),
        ("<!DOCTYPE r [<!ENTITY me \"x\">]><r>&me;</r>", "<!DOCTYPE r [<!ENTITY me \"x\">]><r>&me;</r>", 0),
    ])
    func repairLeavesValidXMLAlone(_ input: String, _ expected: String, _ count: Int) {
        let (text, repaired) = XMLEntityRepair.repair(input)
        #expect(text == expected)
        #expect(repaired == count)
    }
}
