import Foundation
import Testing

@testable import NewsletterKit

struct EncodedWordTests {
    static let issueSubject = "[示例周报] 第12期：测试新闻 & 更新汇总 — 2026年11月29日"

    // Case 14: byte-exact expectation.
    @Test func case14SubjectIsByteExact() {
        let field = EncodedWord.headerField(name: "Subject", value: Self.issueSubject)
        let expected =
            "Subject: =?UTF-8?B?W+ekuuS+i+WRqOaKpV0g56ysMTLmnJ/vvJrmtYvor5XmlrA=?=\r\n"
            + " =?UTF-8?B?6Ze7ICYg5pu05paw5rGH5oC7IOKAlCAyMDI25bm0MTHmnIgy?=\r\n"
            + " =?UTF-8?B?OeaXpQ==?=\r\n"
        #expect(field == expected)
        #expect(MessageInspection.lines(Array(field.utf8)).map(\.count) == [69, 61, 21])
    }

    @Test func case14LongSubjectHas13LinesOfAtMost69Octets() {
        let field = EncodedWord.headerField(name: "Subject", value: String(repeating: "测", count: 150))
        let lines = MessageInspection.lines(Array(field.utf8))
        #expect(lines.count == 13)
        #expect(lines.allSatisfy { $0.count <= 69 })
    }

    static let subjects: [String] = [
        issueSubject,
        String(repeating: "测", count: 150),
        String(repeating: "测", count: 100) + "试",
        "测试👨‍👩‍👧标题",
        "Berger & Wyse 测试",
        "A < B 测试 \"quoted\" =?UTF-8?B?not-a-word?=",
        "测试\u{00A0}标题",
        String(repeating: "🇨🇳", count: 30) + " e\u{301}\u{302}\u{303}",
        "Plain ASCII subject that is rather long and must be folded at spaces to stay below the line limit ok",
        String(repeating: "x", count: 1200),
    ]

    // Cases 14 and 16: structural rules, strict per-word decoding, and an independent decoder.
    @Test(arguments: subjects)
    func headerRulesAndRoundTrip(subject: String) throws {
        let field = EncodedWord.headerField(name: "Subject", value: subject)
        let bytes = Array(field.utf8)
        #expect(!MessageInspection.hasSoftLineBreak(field))
        #expect(try !MessageInspection.hasBareLineEnd(bytes))
        #expect(bytes.allSatisfy { $0 < 0x80 })
        let lines = MessageInspection.lines(bytes)
        for (index, line) in lines.enumerated() {
            #expect(line.count <= 998)
            if index > 0 {
                #expect(line.first == 0x20)
                #expect(line.dropFirst().first != 0x20)
            }
        }
        let words = MessageInspection.encodedWords(in: field)
        if EncodedWord.requiresEncoding(subject) {
            #expect(lines.allSatisfy { $0.count <= 78 })
            var decoded = ""
            for word in words {
                #expect(word.utf8.count <= 75)
                let text = try #require(MessageInspection.strictlyDecodedWord(word), "word \(word) is not whole UTF-8")
                #expect(!text.contains { $0 == "\r" || $0 == "\n" || $0 == "\t" || $0 == "\r\n" })
                #expect(Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))?.count ?? 99 <= 36)
                decoded += text
            }
            #expect(decoded == EncodedWord.sanitize(subject))
        } else {
            #expect(words.isEmpty)
        }
        let parsed = try PythonEmail.parseHeaders(field)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.headerDefects.isEmpty)
        #expect(parsed.headers["Subject"] == [EncodedWord.sanitize(subject)])
        #expect(parsed.madeHeaders["Subject"] == EncodedWord.sanitize(subject))
    }

    @Test func case14FirstTwoSubjectsDecodeToTheExactInput() throws {
        for subject in [Self.issueSubject, String(repeating: "测", count: 150)] {
            let parsed = try PythonEmail.parseHeaders(EncodedWord.headerField(name: "Subject", value: subject))
            #expect(parsed.madeHeaders["Subject"] == subject)
            #expect(parsed.headers["Subject"] == [subject])
        }
    }

    // Case 16: a ZWJ sequence stays in one word.
    @Test func graphemeClustersStayTogether() throws {
        let family = "👨‍👩‍👧"
        let subject = String(repeating: "测", count: 7) + family + "标题"
        for word in EncodedWord.encode(subject) {
            let text = try #require(MessageInspection.strictlyDecodedWord(word))
            #expect(!text.unicodeScalars.contains("\u{200D}") || text.contains(family))
        }
    }

    @Test func oversizedClusterIsSplitBetweenScalars() throws {
        let zalgo = "e" + String(repeating: "\u{301}", count: 30)  // 61 bytes, one grapheme cluster
        let words = EncodedWord.encode(zalgo)
        #expect(words.count == 2)
        let decoded = try words.map { try #require(MessageInspection.strictlyDecodedWord($0)) }.joined()
        #expect(decoded.unicodeScalars.elementsEqual(zalgo.unicodeScalars))
    }

    // Case 14, third subject.
    @Test(arguments: [
        ("\n  测试标题\t\r\n", "测试标题"),
        ("a\r\nb", "a b"),
        ("a \t\r\n  b", "a b"),
        ("\r\n", ""),
        ("x\u{0}y\u{7F}z\u{2028}w", "x y z w"),
        ("测试\u{3000}标题", "测试\u{3000}标题"),
    ])
    func sanitizeCollapsesWhitespace(input: String, expected: String) {
        #expect(EncodedWord.sanitize(input) == expected)
    }

    @Test func crlfInValueCannotStartANewHeader() throws {
        let field = EncodedWord.headerField(name: "Subject", value: "Hello\r\nBcc: victim@example.com")
        #expect(field == "Subject: Hello Bcc: victim@example.com\r\n")
        let parsed = try PythonEmail.parseHeaders(field)
        #expect(parsed.headers["Bcc"] == nil)
        let encoded = EncodedWord.headerField(name: "Subject", value: "测试\r\nBcc: victim@example.com")
        #expect(!encoded.contains("Bcc"))
        #expect(try PythonEmail.parseHeaders(encoded).headers["Subject"] == ["测试 Bcc: victim@example.com"])
    }

    @Test func asciiIsFoldedAtSpacesNotEncoded() {
        let value = "Weekly digest of all the news that is fit to print, collected from many feeds, number 12"
        let field = EncodedWord.headerField(name: "Subject", value: value)
        #expect(!field.contains("=?"))
        let lines = MessageInspection.lines(Array(field.utf8))
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.count <= 78 })
    }

    @Test func firstWordShrinksAfterALongHeaderName() {
        let name = "X-" + String(repeating: "A", count: 40)
        let field = EncodedWord.headerField(name: name, value: String(repeating: "测", count: 20))
        #expect(MessageInspection.lines(Array(field.utf8)).allSatisfy { $0.count <= 78 })
        #expect(field.hasPrefix(name + ": =?UTF-8?B?"))
    }
}
