import Foundation
import Testing

@testable import NewsletterKit

struct CharsetDecoderTests {
    private static func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").compactMap { UInt8($0, radix: 16) }
    }

    /// Undeclared Western pages (windows-1252, ISO-8859-1) decode as windows-1252, not as GB18030, which takes their
    /// lone high bytes for Chinese (a new-user trial's `Jos\u{FFFD} M黮ler`); undeclared GBK stays GB18030.
    @Test(arguments: [
        ("pages/windows-1252-undeclared.html", "windows-1252", "By José Müller", "Mayor’s “Open Door” day returns"),
        ("pages/latin1-undeclared.html", "windows-1252", "Straßensperrung", "Hauptstraße"),
        ("pages/gbk-undeclared-short-notice.html", "gb18030", "关于国庆节放假的通知", "示例学院"),
    ])
    func undeclaredWesternPagesAreWindows1252(file: String, charset: String, first: String, second: String) throws {
        let decoded = CharsetDecoder.decode(try Fixtures.bytes(file), contentType: "text/html")
        #expect(decoded.charset == charset, "\(file)")
        #expect(decoded.text.contains(first) && decoded.text.contains(second), "\(decoded.text.prefix(400))")
        #expect(decoded.replacementCount == 0)
    }

    @Test(arguments: [("4D FC 6C 6C 65 72", true), ("B2 E2 CA D4 20 41", false), ("41 42 43", false)])
    func westernBytesStandAlone(bytes: String, western: Bool) {
        #expect(CharsetDecoder.readsAsWestern(Self.hex(bytes)) == western)
    }

    // Case 03: GBK/GB18030 byte vectors decode through glibc iconv on Linux.
    @Test(arguments: [
        ("B2 E2 CA D4", "测试"),
        ("D6 EC E9 46 BB F9", "朱镕基"),
        ("82 30 82 35", "\u{34B2}"),
        ("94 39 FC 36", "😀"),
    ])
    func gb18030Vectors(bytes: String, expected: String) throws {
        let decoded = try #require(CharsetDecoder.decode(Self.hex(bytes), with: .gb18030))
        #expect(decoded.text == expected)
        #expect(decoded.replacementCount == 0)
        let viaLabel = CharsetDecoder.decode(Self.hex(bytes), contentType: "text/html; charset=gb2312")
        #expect(viaLabel.text == expected)
        #expect(viaLabel.charset == "gb18030")
    }

    // Case 03: a truncated sequence is an explicit, counted replacement — never a silent nil.
    @Test func truncatedSequenceIsReplacedAndCounted() throws {
        let decoded = try #require(CharsetDecoder.decode(Self.hex("B2 E2 CA"), with: .gb18030))
        #expect(decoded.text == "测\u{FFFD}")
        #expect(decoded.replacementCount == 1)
    }

    @Test func invalidBytesInTheMiddleAreReplaced() throws {
        let decoded = try #require(CharsetDecoder.decode(Self.hex("B2 E2 FF CA D4"), with: .gb18030))
        #expect(decoded.text == "测\u{FFFD}试")
        #expect(decoded.replacementCount == 1)
    }

    // Case 01: GBK bytes behind a UTF-8 prolog, UTF-8 bytes behind a GBK header, a stray 0xFF.
    @Test(arguments: [
        ("01-gbk-body-utf8-declared.gbk-bytes.xml", "text/xml; charset=gbk", "gb18030"),
        ("01-gbk-body-utf8-declared.gbk-bytes.xml", "text/xml", "gb18030"),
        ("01-gbk-body-utf8-declared.utf8-bytes.xml", "text/xml; charset=gbk", "utf-8"),
        ("01-gbk-body-utf8-declared.utf8-bytes.xml", "text/xml", "utf-8"),
    ])
    func case01LabelsDoNotWin(file: String, contentType: String, charset: String) throws {
        let decoded = CharsetDecoder.decode(try Fixtures.bytes("cases/" + file), contentType: contentType)
        #expect(decoded.charset == charset)
        #expect(decoded.text.contains("<title>测试新闻</title>"))
        #expect(decoded.text.contains("示例博客"))
        #expect(decoded.text.contains("第一段测试内容。"))
        #expect(!decoded.text.contains("\u{FFFD}"))
    }

    @Test func case01OneBadByteStaysUTF8() throws {
        let bytes = try Fixtures.bytes("cases/01-gbk-body-utf8-declared.utf8-one-bad-byte.xml")
        let decoded = CharsetDecoder.decode(bytes, contentType: "application/rss+xml; charset=utf-8")
        #expect(decoded.charset == "utf-8")
        #expect(decoded.replacementCount == 1)
        #expect(decoded.text.filter { $0 == "\u{FFFD}" }.count == 1)
        #expect(decoded.text.contains("第一段测试内容。\u{FFFD}</description>"))
        #expect(decoded.text.contains("<title>测试新闻</title>"))
    }

    // Case 02: gb2312 label, GBK-only characters.
    @Test func case02GB2312LabelDecodesGBKCharacters() throws {
        let decoded = CharsetDecoder.decode(
            try Fixtures.bytes("cases/02-gb2312-label-gbk-chars.html"), contentType: "text/html")
        #expect(decoded.charset == "gb18030")
        #expect(decoded.replacementCount == 0)
        #expect(decoded.text.contains("朱镕基 测试报道"))
        #expect(decoded.text.contains("貝塚 測試 繁體標題"))
    }

    // Case 04: the BOM wins over a wrong prolog label.
    @Test func case04BOMWinsOverProlog() throws {
        let decoded = CharsetDecoder.decode(
            try Fixtures.bytes("cases/04-bom-before-xml-decl.bom-vs-decl.xml"), contentType: nil)
        #expect(decoded.charset == "utf-8")
        #expect(decoded.text.hasPrefix("<?xml"))
        #expect(decoded.text.contains("测试标题"))
    }

    @Test func utf16WithBOM() {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<p>测试</p>".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let decoded = CharsetDecoder.decode(bytes, contentType: nil)
        #expect(decoded.text == "<p>测试</p>")
        #expect(decoded.charset == "utf-16le")
    }

    @Test(arguments: [
        ("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("GB_2312-80", "gb18030"),
        ("chinese", "gb18030"), ("csGB2312", "gb18030"), ("iso-ir-58", "gb18030"), ("cp936", "gb18030"),
        ("big5", "big5"), ("EUC-KR", "euc-kr"), ("Shift_JIS", "shift_jis"), ("euc-jp", "euc-jp"),
        ("windows-1251", "windows-1251"), ("iso-8859-2", "iso-8859-2"), ("latin1", "windows-1252"),
        ("us-ascii", "windows-1252"), ("UTF8", "utf-8"), ("\"utf-8\"", "utf-8"),
    ])
    func whatwgLabels(label: String, name: String) {
        #expect(CharsetLabel.encoding(forLabel: label)?.name == name)
    }

    @Test func metaPrescanIgnoresScriptCharsetAndComments() {
        let html = """
            <html><head><!-- <meta charset="big5"> --><script charset="utf-8" src="x.js"></script>
            <meta http-equiv="Content-Type" content="text/html; charset=gbk"></head>
            """
        #expect(CharsetSniffer.metaLabel(Array(html.utf8)) == "gbk")
        #expect(CharsetSniffer.metaLabel(Array("<meta charset='GB2312'>".utf8)) == "gb2312")
    }

    @Test func undeclaredGBKIsDetected() throws {
        let gbk = Self.hex("B2 E2 CA D4 D0 C2 CE C5")
        let bytes = Array("<html><body><p>".utf8) + gbk + Array("</p></body></html>".utf8)
        let decoded = CharsetDecoder.decode(bytes, contentType: nil)
        #expect(decoded.charset == "gb18030")
        #expect(decoded.text.contains("测试新闻"))
    }

    @Test func declaredLatin1() {
        let bytes: [UInt8] = Array("<meta charset=iso-8859-1><p>caf".utf8) + [0xE9] + Array(" \u{80}".utf8)
        let decoded = CharsetDecoder.decode(bytes, contentType: nil)
        #expect(decoded.charset == "windows-1252")
        #expect(decoded.text.contains("café"))
    }

    @Test func validUTF8BeatsWrongLabel() {
        let decoded = CharsetDecoder.decode(
            Array("<meta charset=gb2312><p>腾讯科技</p>".utf8), contentType: "text/html; charset=gbk")
        #expect(decoded.charset == "utf-8")
        #expect(decoded.text.contains("腾讯科技"))
    }
}
