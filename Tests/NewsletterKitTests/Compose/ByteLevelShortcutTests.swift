import Testing

@testable import NewsletterKit

/// The send path's byte-level shortcuts give what the Character-level readings they replace give, on the inputs
/// where the two could part: combining marks after the characters they look for, CR LF, non-ASCII text, spaces.
struct ByteLevelShortcutTests {
    /// The Mustache renderer's escaping, per Character (the reference ``PersonalizedBody/htmlEscape(_:)`` matches).
    static func referenceEscape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// The Character-level Message-ID check that ``MessageIDSyntax/normalizedMessageID(_:)`` replaced.
    static func referenceMessageID(_ raw: String) -> String? {
        var text = Substring(raw.trimmingASCIIWhitespace())
        if text.first == "<" && text.last == ">" { text = text.dropFirst().dropLast() }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, MessageIDSyntax.isDotAtom(parts[0]), MessageIDSyntax.isDotAtom(parts[1]),
            text.utf8.count <= 250
        else { return nil }
        return "<\(text)>"
    }

    static let escapeCases = [
        "O'Brien, Pat", "https://news.example.com/u?l=weekly&t=0123abcd", "<b>\"x\"</b>", "plain", "",
        "a\r\n<b>", "王小明 & <李>", "<\u{301}b>", "'\u{308}", "&\u{20DD}&", "e\u{301}<", "\u{1F469}\u{200D}<",
    ]

    @Test(arguments: escapeCases)
    func htmlEscapeMatchesTheRenderer(text: String) {
        #expect(PersonalizedBody.htmlEscape(text) == Self.referenceEscape(text))
    }

    /// Random ASCII, control characters and the five escaped ones included.
    @Test func htmlEscapeMatchesTheRendererOnRandomASCII() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...40, using: &generator)
            let text = String(
                decoding: (0..<length).map { _ in UInt8.random(in: 0...0x7F, using: &generator) }, as: UTF8.self)
            #expect(PersonalizedBody.htmlEscape(text) == Self.referenceEscape(text), "\(text.debugDescription)")
        }
    }

    @Test(arguments: [
        "<a@example.com>", " \t<a.b@news.example.com>\r\n", "a@example.com", "<a@example.com", "a@example.com>",
        "<>", "<", "", "  ", "no-at", "<a@b@c>", "<a b@example.com>", "<a@example.com>x", "<测@example.com>",
        "<\u{301}a@example.com>", "<a@example.com>\u{301}", "<a@example.com\u{301}>", "<.a@example.com>",
        "<a..b@example.com>", "<a@example.>", "<@example.com>", "<a@>", "<<a@example.com>>",
        "<" + String(repeating: "a", count: 240) + "@example.com>", "<" + String(repeating: "a", count: 237) + "@b.c>",
    ])
    func messageIDMatchesTheCharacterReading(id: String) {
        #expect(MessageIDSyntax.normalizedMessageID(id) == Self.referenceMessageID(id))
    }
}
