import Foundation
import Testing

@testable import NewsletterKit

struct QuotedPrintableTests {
    static let samples: [String] = [
        String(repeating: "测", count: 100) + "试",
        String(repeating: "测", count: 1200),
        "测试👨‍👩‍👧标题 " + String(repeating: "a👍", count: 40),
        String(repeating: "ab=c ", count: 40) + " \t",
        "line one\nline two\r\nline three\rline four\n",
        ".leading dot\nFrom the start\n" + String(repeating: "x", count: 75) + ".dot after soft break",
        String(repeating: "y", count: 75) + "From here on",
        "",
        "\n\n",
        "tab\tinside and trailing tab\t\ntrailing space \n",
    ]

    @Test(arguments: samples)
    func linesAreShortAndDecodeExactly(text: String) throws {
        let encoded = QuotedPrintable.encode(text)
        let bytes = Array(encoded.utf8)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(try !MessageInspection.hasBareLineEnd(bytes))
        for line in MessageInspection.lines(bytes) {
            #expect(line.count <= 76)
            #expect(line.first != UInt8(ascii: "."))
            #expect(!line.starts(with: Array("From ".utf8)))
            // RFC 2045 §6.7 rule 3: no SP or HTAB at the end of a line.
            #expect(line.last != 0x20 && line.last != 0x09)
        }
        let decoded = try #require(MessageInspection.decodeQuotedPrintable(encoded))
        #expect(decoded == Array(LineEnding.normalizedToCRLF(text).utf8))
    }

    // Case 16: text between soft breaks decodes as strict UTF-8 on its own.
    @Test(arguments: samples)
    func softBreaksNeverSplitACharacter(text: String) throws {
        let encoded = QuotedPrintable.encode(text)
        for piece in encoded.components(separatedBy: "=\r\n") {
            let bytes = try #require(MessageInspection.decodeQuotedPrintable(piece))
            #expect(String(validating: bytes, as: UTF8.self) != nil, "split character in \(piece)")
        }
    }

    @Test(arguments: [
        ("a=b", "a=3Db"),
        ("trailing space ", "trailing space=20"),
        ("trailing tab\t", "trailing tab=09"),
        ("a \nb", "a=20\r\nb"),
        (".", "=2E"),
        (".hidden", "=2Ehidden"),
        ("From me", "=46rom me"),
        ("Fromage", "Fromage"),
        ("not From here", "not From here"),
        ("测", "=E6=B5=8B"),
        ("\u{1}", "=01"),
        ("", ""),
        ("x\n", "x\r\n"),
    ])
    func escapes(input: String, expected: String) {
        #expect(QuotedPrintable.encode(input) == expected)
    }

    @Test func lineOf76IsKeptAnd77IsSoftBroken() {
        let exactly76 = String(repeating: "a", count: 76)
        #expect(QuotedPrintable.encode(exactly76) == exactly76)
        let seventySeven = String(repeating: "a", count: 77)
        #expect(QuotedPrintable.encode(seventySeven) == String(repeating: "a", count: 75) + "=\r\n" + "aa")
    }

    @Test func dotAfterSoftBreakIsEscaped() {
        let encoded = QuotedPrintable.encode(String(repeating: "x", count: 75) + ".y")
        #expect(encoded == String(repeating: "x", count: 75) + "=\r\n=2Ey")
    }

    @Test func cjkEscapesStayWhole() {
        let encoded = QuotedPrintable.encode(String(repeating: "测", count: 20))
        let lines = encoded.components(separatedBy: "=\r\n")
        // 8 characters × 9 octets = 72 ≤ 75; the 9th would make 81.
        #expect(lines.map(\.count) == [72, 72, 36])
    }
}
