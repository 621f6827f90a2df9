import Testing

@testable import NewsletterKit

struct PlainTextWrapperTests {
    @Test(arguments: [
        ("", 0), ("ab", 2), ("测试", 4), ("ｆｕｌｌ", 8), ("かなカナ", 8), ("한국", 4), ("，。、「」", 10),
        ("e\u{301}", 1), ("👍", 2), ("👨‍👩‍👧", 2), ("“”…", 3), ("2026年", 6), ("\u{200B}", 0),
    ])
    func displayWidth(text: String, width: Int) {
        #expect(PlainTextWrapper.displayWidth(text) == width)
    }

    @Test func cjkBreaksBetweenCharacters() {
        let wrapped = PlainTextWrapper.wrap(String(repeating: "测", count: 50), width: 20)
        #expect(wrapped.split(separator: "\n").map(\.count) == [10, 10, 10, 10, 10])
    }

    @Test func latinBreaksOnlyAtSpaces() {
        let wrapped = PlainTextWrapper.wrap("The quick brown fox jumps over the lazy dog", width: 10)
        #expect(wrapped == "The quick\nbrown fox\njumps over\nthe lazy\ndog")
    }

    @Test func longURLStaysWholeOnItsOwnLine() {
        let url = "https://news.example.com/articles/" + String(repeating: "a", count: 100) + "?id=测试"
        let wrapped = PlainTextWrapper.wrap("阅读全文 \(url) 谢谢", width: 40)
        #expect(wrapped == "阅读全文\n\(url)\n谢谢")
        let longWord = String(repeating: "x", count: 50)
        #expect(PlainTextWrapper.wrap("a \(longWord) b", width: 10) == "a\n\(longWord)\nb")
    }

    @Test func closingPunctuationPullsThePreviousCharacterDown() {
        #expect(PlainTextWrapper.wrap("测试测试测，好", width: 10) == "测试测试\n测，好")
        #expect(PlainTextWrapper.wrap("测试测试测。」好", width: 10) == "测试测试\n测。」好")
        #expect(PlainTextWrapper.wrap("测试测试测……", width: 10) == "测试测试\n测……")
        #expect(PlainTextWrapper.wrap("abc def )", width: 7) == "abc\ndef )")
    }

    @Test func openingPunctuationMovesDownWithTheNextCharacter() {
        #expect(PlainTextWrapper.wrap("测试测试「好」", width: 10) == "测试测试\n「好」")
        #expect(PlainTextWrapper.wrap("测试测试《书》", width: 10) == "测试测试\n《书》")
    }

    @Test func keepsLineBreaksAndBlankLines() {
        #expect(PlainTextWrapper.wrap("段落一\n\n段落二\r\n第三行\r第四行\n") == "段落一\n\n段落二\n第三行\n第四行\n")
        #expect(PlainTextWrapper.wrap("  indented line", width: 72) == "  indented line")
        #expect(PlainTextWrapper.wrap("trailing   ", width: 72) == "trailing")
    }

    @Test func mixedScriptBreaksBetweenLatinAndCJK() {
        let wrapped = PlainTextWrapper.wrap("iPhone发布会将于2026年举行", width: 10)
        #expect(wrapped == "iPhone发布\n会将于2026\n年举行")
    }

    static let samples: [String] = [
        String(repeating: "中国共产党第二十次全国代表大会，在北京人民大会堂隆重开幕。「报告」指出：要坚持（以人民为中心）的发展思想！", count: 4),
        "新华社北京11月29日电 记者从国家统计局获悉，2026年前三季度GDP同比增长5.2%。详情见 https://news.example.com/a/2026/11/29/abc?x=1&y=2 。",
        String(repeating: "Latin words, with punctuation (and brackets) mixed 以及中文“引号”与书名号《标题》。", count: 5),
    ]

    @Test(arguments: samples, [12, 20, 30, 41, 72])
    func kinsokuAndContentInvariants(text: String, width: Int) {
        let wrapped = PlainTextWrapper.wrap(text, width: width)
        let lines = wrapped.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            if let first = line.first { #expect(!PlainTextWrapper.closingPunctuation.contains(first), "\(line)") }
            if let last = line.last { #expect(!PlainTextWrapper.openingPunctuation.contains(last), "\(line)") }
            let isSingleToken = !line.contains(" ") && !line.contains { PlainTextWrapper.displayWidth(String($0)) == 2 }
            #expect(
                PlainTextWrapper.displayWidth(String(line)) <= width || isSingleToken || line.hasPrefix("http"),
                "\(line)")
        }
        #expect(wrapped.filter { !$0.isWhitespace } == text.filter { !$0.isWhitespace })
        // The URL is never broken.
        if text.contains("https://") {
            #expect(lines.contains { $0.contains("https://news.example.com/a/2026/11/29/abc?x=1&y=2") })
        }
    }

    @Test func cjkOnlyLinesRespectTheWidth() {
        let text = String(repeating: "测试，新闻。", count: 40)
        for width in 4...40 {
            for line in PlainTextWrapper.wrap(text, width: width).split(separator: "\n") {
                #expect(PlainTextWrapper.displayWidth(String(line)) <= max(width, 4))
            }
        }
    }

    @Test func referenceMarkerStaysWithItsURL() {
        let url = "https://www.example.com/" + String(repeating: "a", count: 80)
        #expect(PlainTextWrapper.wrap("[12] \(url)", width: 72) == "[12] \(url)")
        #expect(PlainTextWrapper.wrap("[12] \(url) 之后", width: 72) == "[12] \(url)\n之后")
        #expect(PlainTextWrapper.wrap("见 [12] \(url)", width: 72) == "见 [12]\n\(url)")
        #expect(PlainTextWrapper.wrap("[x] \(url)", width: 72) == "[x]\n\(url)")
    }

    /// The shortcut for a line that fits (only trailing spaces trimmed) gives what wrapping atom by atom gives, on
    /// real article lines and on lines made to sit at the width's edge.
    @Test(arguments: [8, 20, 40, 72, 76, 200])
    func aLineThatFitsComesOutAsWrappingAtomByAtomWouldWriteIt(width: Int) throws {
        var lines: [String] = [
            "  indented line with trailing spaces   ", "\ttab\tseparated\t",
            "退订：https://news.example.com/u?t=0123456789abcdef",
            "e\u{301}e\u{301} 👨‍👩‍👧 “quoted” …", "测试，。「好」 ", String(repeating: "测", count: width / 2),
            String(repeating: "x", count: width) + " ", String(repeating: "测", count: width / 2) + "x",
            "[12] https://a.example.com",
        ]
        for name in ["case01", "case02", "case04", "case06", "case09", "case12", "case16", "case20"] {
            let text = String(decoding: try Fixtures.bytes("real/\(name).body.txt"), as: UTF8.self)
            lines += text.split(separator: "\n").prefix(40).map(String.init)
        }
        for line in lines {
            #expect(PlainTextWrapper.wrap(line, width: width) == PlainTextWrapper.wrapByAtoms(line, width: width))
        }
    }

    /// The per-scalar sum gives what character-by-character widths give, on random text mixing the scalars it
    /// takes with those that join characters (combining marks, ZWJ, variation selectors, Hangul jamo, flags).
    @Test func displayWidthPerScalarEqualsPerCharacter() {
        let pool: [String] = [
            "a", " ", "测", "。", "「", "か", "カ", "ｆ", "é", "ß", "“", "…", "—", "\u{301}", "\u{200D}", "\u{FE0F}",
            "👍", "👨", "\u{1F3FB}", "\u{1100}", "\u{1161}", "\u{11A8}", "\u{1F1E8}", "\u{1F1F3}", "\u{3099}",
            "\u{302A}", "\t", "\u{AD}", "한", "\u{E0100}", "\u{0600}", "\u{0E33}", "ʼ", "\u{2028}",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pool.randomElement(using: &generator)!
            }
            .joined()
            #expect(
                PlainTextWrapper.displayWidth(text) == PlainTextWrapper.displayWidthByCharacters(text),
                "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
