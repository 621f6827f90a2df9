import Foundation
import Testing

@testable import NewsletterKit

/// `SubscriberList.add(…to:…)`: a new address is appended to the file's bytes as they are; anything else
/// reads and rewrites the whole list, with the same outcome as an edit through `modify`.
struct SubscriberListAppendTests {
    static let tokens = SubscriberListTests.tokens
    static let header = "email,name,status,token,added\r\n"

    static func write(_ bytes: [UInt8], in folder: TemporaryFolder) throws -> URL {
        let file = folder.file("subscribers.csv")
        try Data(bytes).write(to: file)
        return file
    }

    static func bytes(_ file: URL) throws -> [UInt8] { Array(try Data(contentsOf: file)) }

    /// The old bytes stay as they are, odd rows included (a bad address in the middle, a quoted name with
    /// a line break, an empty status): nothing is re-validated, reordered or re-quoted, and the new row
    /// follows in the list's own layout.
    @Test func newAddressIsAppendedToTheBytesAsTheyAre() throws {
        let folder = try TemporaryFolder()
        let old =
            Self.header + "a@example.com,\"Doe, Jane\",active,,2026-11-01\r\n" + "not an address,x,active,,\r\n"
            + "b@example.org,\"two\r\nlines\",,,\r\n" + "c@example.net,王,bounced,,2026-11-02\r\n"
        let file = try Self.write(Array(old.utf8), in: folder)
        let outcome = try SubscriberList.add(
            email: " New@Example.com ", name: "Doe, \"Pat\"", today: "2026-12-03", to: file, tokens: Self.tokens)
        #expect(outcome == .added)
        #expect(
            try Self.bytes(file) == Array((old + "New@Example.com,\"Doe, \"\"Pat\"\"\",active,,2026-12-03\r\n").utf8))
        let list = try SubscriberList.load(from: file, tokens: Self.tokens)
        #expect(list.subscriber("new@example.com")?.name == "Doe, \"Pat\"")
        #expect(list.problems.map(\.line) == [3])
    }

    /// Extra columns get empty cells; a file that uses LF gets LF; a last line without a line end gets one
    /// first (the new row never joins it).
    @Test(arguments: [
        ("email,name,status,token,added,部门,city\r\na@example.com,,active,,,办公室,\r\n", ",,\r\n"),
        ("email,name,status,token,added\na@example.com,,active,,\n", "\n"),
        ("email,name,status,token,added\r\na@example.com,,active,,", "\r\n"),
    ])
    func layoutOfTheNewRow(old: String, end: String) throws {
        let folder = try TemporaryFolder()
        let file = try Self.write(Array(old.utf8), in: folder)
        #expect(try SubscriberList.add(email: "n@example.com", name: nil, today: "d", to: file, tokens: nil) == .added)
        let written = String(decoding: try Self.bytes(file), as: UTF8.self)
        // (Compared as bytes: "\r\n" is one Character.)
        let lineEnd = end.utf8.suffix(2).elementsEqual("\r\n".utf8) ? "\r\n" : "\n"
        let expected = old + (old.utf8.last == 0x0A ? "" : lineEnd) + "n@example.com,,active,,d" + end
        #expect(written == expected)
        let list = try SubscriberList.load(from: file, tokens: nil)
        #expect(list.subscribers.map(\.email) == ["a@example.com", "n@example.com"])
        #expect(list.problems.isEmpty)
    }

    /// Every spelling a list may hold of the same address is found by the byte scan, so the address is
    /// never added twice: the whole list is read and `add` says it is there.
    @Test(arguments: [
        "reader@example.com", "READER@Example.COM", "\" reader@example.com \"", "=\"reader@example.com\"",
        "ｒｅａｄｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ", "\"reader@example.com\"",
    ])
    func anExistingSpellingIsFound(spelling: String) throws {
        let folder = try TemporaryFolder()
        let old = Self.header + "x@example.org,,active,,\r\n" + "\(spelling),甲,active,,\r\n"
        let file = try Self.write(Array(old.utf8), in: folder)
        #expect(AppendScan.layout(of: Array(old.utf8), absentKey: "reader@example.com") == nil)
        let outcome = try SubscriberList.add(
            email: "Reader@example.com", name: nil, today: "d", to: file, tokens: Self.tokens)
        #expect(outcome == .alreadySubscribed(name: "甲"))
        #expect(try SubscriberList.load(from: file, tokens: nil).subscribers.count == 2)
    }

    /// An IDN domain is compared as A-labels, both ways.
    @Test func internationalisedDomainsCompareAsALabels() throws {
        let old = Array((Self.header + "reader2@测试.example.org,,active,,\r\n").utf8)
        #expect(AppendScan.layout(of: old, absentKey: SubscriberAddress.key("Reader2@XN--0ZWM56D.example.org")) == nil)
        #expect(AppendScan.layout(of: old, absentKey: SubscriberAddress.key("reader3@测试.example.org")) != nil)
    }

    /// Files not in the list's own layout go through the full read and rewrite (and come out in it):
    /// another separator or header, GB18030, UTF-16, a quote never closed.
    static let otherLayouts: [[UInt8]] = {
        let gbkName: [UInt8] = [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7]  // 王小明
        let utf16: [UInt8] = Array("email,name\r\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        var layouts: [[UInt8]] = []
        layouts.append(Array("email;name\r\na@example.com;x\r\n".utf8))
        layouts.append(Array("邮箱,姓名\r\na@example.com,甲\r\n".utf8))
        layouts.append(Array("name,email,status,token,added\r\nx,a@example.com,,,\r\n".utf8))
        layouts.append(Array((header + "a@example.com,").utf8) + gbkName + Array(",active,,\r\n".utf8))
        layouts.append([0xFF, 0xFE] + utf16)
        layouts.append(Array((header + "a@example.com,\"open,active,,\r\n").utf8))
        return layouts
    }()

    @Test(arguments: otherLayouts)
    func otherLayoutsAreRewrittenWhole(old: [UInt8]) throws {
        #expect(AppendScan.layout(of: old, absentKey: "n@example.com") == nil)
        let folder = try TemporaryFolder()
        let file = try Self.write(old, in: folder)
        var expected = try SubscriberList.load(from: file, tokens: nil)
        try expected.add(email: "n@example.com", name: "新", today: "d")
        var warnings: [Int?] = []
        let outcome = try SubscriberList.add(email: "n@example.com", name: "新", today: "d", to: file, tokens: nil) {
            warnings.append($0.line)
        }
        #expect(outcome == .added)
        #expect(try Self.bytes(file) == expected.csvBytes())
        #expect(warnings == expected.problems.map(\.line))
    }

    /// A missing list is created with the header and the row; an invalid address changes nothing.
    @Test func missingListAndInvalidAddress() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        #expect(throws: MailAddressError.self) {
            try SubscriberList.add(email: "bad@@example.com", name: nil, today: "d", to: file, tokens: nil)
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try SubscriberList.add(email: "a@example.com", name: nil, today: "d", to: file, tokens: nil) == .added)
        #expect(try Self.bytes(file) == Array((Self.header + "a@example.com,,active,,d\r\n").utf8))
    }
}

/// `SubscriberList.markBounced(_:in:tokens:)`: only the status cells of the rows that count change; the
/// result is the one an edit through `modify` gives.
struct SubscriberListBounceTests {
    static let header = SubscriberListAppendTests.header

    /// The first row with a valid address and a known status is the one that counts (as when the list is
    /// read); its status cell alone is rewritten, every other byte stays as it was.
    @Test func onlyTheStatusCellsOfTheRowsThatCountChange() throws {
        let folder = try TemporaryFolder()
        let old =
            Self.header + "a@example.com,\"Doe, Jane\",active,,2026-11-01\r\n"  // wanted: bounced
            + "B@Example.com,,,,\r\n"  // wanted (other spelling), empty status means active
            + "c@example.com,,weird,,\r\n"  // unknown status: not the row that counts
            + "c@example.com,,\" Active \",,\r\n"  // this one counts
            + "a@example.com,dup,active,,\r\n"  // duplicate: kept as it is
            + "d@example.com,,unsubscribed,,\r\n"  // stays unsubscribed
            + "e@example.com,,active,,\r\n"  // not wanted
        let file = try SubscriberListAppendTests.write(Array(old.utf8), in: folder)
        let disabled = try SubscriberList.markBounced(
            ["a@example.com", "b@example.com", "C@example.com", "d@example.com", "x@example.com"], in: file,
            tokens: nil)
        #expect(disabled == ["a@example.com", "b@example.com", "C@example.com"])
        let expected =
            Self.header + "a@example.com,\"Doe, Jane\",bounced,,2026-11-01\r\n" + "B@Example.com,,bounced,,\r\n"
            + "c@example.com,,weird,,\r\n" + "c@example.com,,bounced,,\r\n" + "a@example.com,dup,active,,\r\n"
            + "d@example.com,,unsubscribed,,\r\n" + "e@example.com,,active,,\r\n"
        #expect(String(decoding: try SubscriberListAppendTests.bytes(file), as: UTF8.self) == expected)
        let list = try SubscriberList.load(from: file, tokens: nil)
        #expect(
            list.subscribers.filter { $0.status == .bounced }.map(\.email) == [
                "a@example.com", "B@Example.com", "c@example.com",
            ])
    }

    /// Files in another layout are read whole and written back as `modify` writes them.
    @Test(arguments: SubscriberListAppendTests.otherLayouts)
    func otherLayoutsAreRewrittenWhole(old: [UInt8]) throws {
        let folder = try TemporaryFolder()
        let file = try SubscriberListAppendTests.write(old, in: folder)
        var expected = try SubscriberList.load(from: file, tokens: nil)
        let expectedDisabled = ["a@example.com", "x@example.com"].filter {
            expected.subscriber($0)?.status == .active && expected.markBounced(email: $0) != nil
        }
        let disabled = try SubscriberList.markBounced(["a@example.com", "x@example.com"], in: file, tokens: nil)
        #expect(disabled == expectedDisabled)
        #expect(try SubscriberListAppendTests.bytes(file) == expected.csvBytes())
    }

    /// Nothing to change: the file is left alone (not even rewritten).
    @Test func nothingToChangeWritesNothing() throws {
        let folder = try TemporaryFolder()
        let file = try SubscriberListAppendTests.write(
            Array((Self.header + "a@example.com,,bounced,,\r\n").utf8), in: folder)
        let before = SubscriberListCache.key(of: file.path)
        #expect(try SubscriberList.markBounced(["a@example.com"], in: file, tokens: nil).isEmpty)
        #expect(SubscriberListCache.key(of: file.path) == before)
        #expect(try SubscriberList.markBounced(["a@example.com"], in: folder.file("none.csv"), tokens: nil).isEmpty)
    }
}
