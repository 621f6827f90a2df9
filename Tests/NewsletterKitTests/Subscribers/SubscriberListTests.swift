import Foundation
import Testing

@testable import NewsletterKit

struct SubscriberListTests {
    /// Case 29: a UTF-8 BOM and a GBK file from spreadsheet software both import cleanly.
    @Test(arguments: ["29-csv-bom-header.csv", "29-csv-bom-header.gbk.csv"])
    func spreadsheetExports(file: String) throws {
        let bytes = Array(try Data(contentsOf: RepoPaths.resources.appendingPathComponent("cases/\(file)")))
        let (rows, problems) = try SubscriberList.parse(bytes: bytes, fileName: file)
        #expect(problems.isEmpty)
        #expect(rows.map(\.email) == ["reader1@example.com", "reader2@example.net"])
        #expect(rows.map(\.name) == ["测试读者一", "测试读者二"])
        #expect(rows.allSatisfy { !$0.name.contains("\u{FEFF}") && !$0.name.contains("\u{FFFD}") })
    }

    @Test func headerMatchingIgnoresCaseAndSpaces() throws {
        let csv = " EMAIL , Name \r\na@example.com,甲\r\n"
        let (rows, _) = try SubscriberList.parse(bytes: Array(csv.utf8), fileName: "x.csv")
        #expect(rows.map(\.email) == ["a@example.com"])
        #expect(rows.first?.name == "甲")
    }

    @Test func invalidAndDuplicateRowsAreReportedWithTheirLine() throws {
        let csv = "email,name\na@example.com,甲\nnot-an-address,乙\nA@EXAMPLE.COM,丙\nb@example.org,丁\n"
        let (rows, problems) = try SubscriberList.parse(bytes: Array(csv.utf8), fileName: "list.csv")
        #expect(rows.map(\.email) == ["a@example.com", "b@example.org"])
        #expect(problems.map(\.line) == [3, 4])
        #expect(problems[0].description.hasPrefix("list.csv:3: invalid address 'not-an-address'"))
    }

    @Test func missingEmailColumnIsAnError() throws {
        let error = try #require(throws: SubscriberError.self) {
            try SubscriberList.parse(bytes: Array("mail,name\nx@example.com,a\n".utf8), fileName: "list.csv")
        }
        #expect(error.description.contains("list.csv:1"))
    }

    @Test func saveIsAtomicAndRoundTrips() throws {
        let folder = try TemporaryFolder()
        var list = SubscriberList(file: folder.file("subscribers.csv"))
        try list.add(email: "a@example.com", name: "Doe, \"Jane\"", today: "2026-11-29")
        try list.add(email: "b@example.org", name: "测试", today: "2026-11-29")
        #expect(try list.add(email: "A@example.com", name: nil, today: "2026-11-29") == false)
        list.subscribers[1].status = .unsubscribed
        try list.save()
        let again = try SubscriberList.load(from: list.file)
        #expect(again.subscribers == list.subscribers)
        #expect(again.active.map(\.email) == ["a@example.com"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
        #expect(throws: MailAddressError.self) { try list.add(email: "bad@@example.com", name: nil, today: "") }
    }

    /// A hand-edited file with an unclosed quote: the swallowed row is reported, not silently lost.
    @Test func unclosedQuoteIsReportedWithItsLine() throws {
        let csv =
            "email,name,status\r\nh1@example.com,甲,active\r\nh2@example.org,\"unterminated,active\r\nh3@example.net,H3,activ\r\nh4@example.com,丁,active\r\n"
        let (rows, problems) = try SubscriberList.parse(bytes: Array(csv.utf8), fileName: "list.csv")
        #expect(!rows.contains { $0.name.contains("\n") || $0.name.contains("h3@") })
        #expect(rows.first?.email == "h1@example.com")
        #expect(problems.contains { $0.line == 3 && $0.reason.contains("unclosed quote") })
    }

    @Test(arguments: [("Evil\r\nBcc: x@example.com", "Evil Bcc: x@example.com"), ("  张\t三  ", "张 三"), ("", "")])
    func namesLoseControlCharacters(raw: String, clean: String) throws {
        #expect(Subscriber.cleanName(raw) == clean)
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/x.csv"))
        try list.add(email: "a@example.com", name: raw, today: "")
        #expect(list.subscribers[0].name == clean)
    }
}
