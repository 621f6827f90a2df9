import Testing

@testable import NewsletterKit

struct CSVParserTests {
    static func parse(_ text: String, separator: Character = ",") -> [CSVParser.Record] {
        CSVParser.records(Array(text.utf8), separator: separator.asciiValue ?? 0)
    }

    /// What Excel writes: CRLF, quoted fields holding separators, doubled quotes and Alt+Enter line feeds,
    /// trailing empty columns.
    @Test func excelShapedRecords() {
        let records = Self.parse(
            "email,name,note,,\r\na@example.com,\"Doe, \"\"Jane\"\"\",\"line one\nline two\",,\r\nb@example.org,B,,,\r\n"
        )
        #expect(
            records.map(\.fields) == [
                ["email", "name", "note", "", ""],
                ["a@example.com", "Doe, \"Jane\"", "line one\nline two", "", ""],
                ["b@example.org", "B", "", "", ""],
            ])
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records.map(\.lastLine) == [1, 3, 4])
        #expect(records.allSatisfy { $0.problem == nil })
    }

    /// CRLF, LF and a lone CR each end one line; a quoted CRLF counts once.
    @Test(arguments: ["\r\n", "\n", "\r"])
    func lineEnds(end: String) {
        let records = Self.parse("h\(end)a\(end)\"x\(end)y\"\(end)b\(end)")
        #expect(records.map(\.fields) == [["h"], ["a"], ["x\(end)y"], ["b"]])
        #expect(records.map(\.line) == [1, 2, 3, 5])
    }

    @Test func lastLineWithoutLineEndAndEmptyLastField() {
        #expect(Self.parse("a,b\nc,").map(\.fields) == [["a", "b"], ["c", ""]])
        #expect(Self.parse("a;b\n", separator: ";").map(\.fields) == [["a", "b"]])
        #expect(Self.parse("a\tb\n", separator: "\t").map(\.fields) == [["a", "b"]])
        #expect(Self.parse("").isEmpty)
    }

    /// A quote that never closes is reported at the line it opened; the lines after it are read again.
    @Test func unclosedQuoteResumesOnTheNextLine() {
        let records = Self.parse(
            "email,name\r\nh1@example.com,甲\r\nh2@example.org,\"unterminated\r\nh3@example.net,H3\r\n")
        #expect(records.map(\.line) == [1, 2, 3, 4])
        #expect(records[2].problem?.contains("line 3") == true)
        #expect(records[3].fields == ["h3@example.net", "H3"])
        #expect(records[3].problem == nil)
    }

    @Test func quotesInsideUnquotedFieldsAreLiteral() {
        #expect(Self.parse("a\"b,c\n").map(\.fields) == [["a\"b", "c"]])
        #expect(Self.parse("\"a\"b,c\n").map(\.fields) == [["ab", "c"]])
    }
}
