import Logging
import Testing

@testable import newsletter

/// ``ConsoleLogHandler``'s line: one line per event, whatever a remote page or server put in the message or
/// metadata.
struct ConsoleLogHandlerTests {
    @Test(
        arguments: [
            // A feed title that tries to forge an ALERT line of its own in the operator's log.
            (
                "feed entry without a readable date", ["entry": "示例\n2026-12-07T00:00:00Z ALERT: source 博客 has failed"],
                #"notice: feed entry without a readable date (entry: 示例\n2026-12-07T00:00:00Z ALERT: source 博客 has failed)"#
            ),
            ("reply\r\n250 fake", [:], #"notice: reply\r\n250 fake"#),
            (
                "title \u{1B}[2J cleared", ["key\n": "NUL\u{0}DEL\u{7F}LS\u{2028}"],
                #"notice: title \u{1B}[2J cleared (key\n: NUL\u{0}DEL\u{7F}LS\u{2028})"#
            ),
            // Tabs and ordinary text pass as they are; keys are sorted.
            ("a\tb", ["z": "1", "a": "《示例》"], "notice: a\tb (a: 《示例》, z: 1)"),
        ] as [(String, [String: String], String)])
    func eventIsOneLine(message: String, metadata: [String: String], expected: String) {
        let line = ConsoleLogHandler.line(.notice, message, metadata: metadata.mapValues { .string($0) })
        #expect(line == expected)
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" })
    }
}
