import Foundation
import Testing

@testable import NewsletterKit

struct SubscriberListTests {
    static let tokens = SubscriberTokens(
        secret: Array("0123456789abcdef0123456789abcdef".utf8), listID: "weekly.news.example.com")

    static func list(_ csv: String, in folder: TemporaryFolder) throws -> SubscriberList {
        let file = folder.file("subscribers.csv")
        try Data(csv.utf8).write(to: file)
        return try SubscriberList.load(from: file, tokens: Self.tokens)
    }

    @Test func saveIsAtomicAndRoundTrips() throws {
        let folder = try TemporaryFolder()
        var list = SubscriberList(file: folder.file("subscribers.csv"), tokens: Self.tokens)
        try list.add(email: "a@example.com", name: "Doe, \"Jane\"", today: "2026-11-29")
        try list.add(email: "b@example.org", name: "测试; 二", today: "2026-11-29")
        #expect(
            try list.add(email: "A@example.com", name: nil, today: "2026-11-29")
                == .alreadySubscribed(name: "Doe, \"Jane\""))
        _ = list.unsubscribe(email: "b@example.org")
        try list.save()
        let again = try SubscriberList.load(from: list.file, tokens: Self.tokens)
        #expect(again.subscribers == list.subscribers)
        #expect(again.active.map(\.email) == ["a@example.com"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
        #expect(throws: MailAddressError.self) { try list.add(email: "bad@@example.com", name: nil, today: "") }
    }

    /// `add` says what is there instead of overwriting: a name changes only when asked, and someone who
    /// unsubscribed or bounced comes back only with `resubscribe`.
    @Test func addOutcomes() throws {
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/x.csv"), tokens: Self.tokens)
        #expect(try list.add(email: "a@example.com", name: "甲", today: "") == .added)
        #expect(try list.add(email: "A@Example.com", name: "乙", today: "") == .alreadySubscribed(name: "甲"))
        #expect(list.subscriber("a@example.com")?.name == "甲")
        #expect(try list.add(email: "a@example.com", name: "乙", today: "", updateName: true) == .renamed(from: "甲"))
        #expect(list.subscriber("a@example.com")?.name == "乙")
        _ = list.unsubscribe(email: "a@example.com")
        #expect(try list.add(email: "a@example.com", name: nil, today: "") == .needsResubscribe(.unsubscribed))
        #expect(list.subscriber("a@example.com")?.status == .unsubscribed)
        #expect(
            try list.add(email: "a@example.com", name: nil, today: "", resubscribe: true)
                == .resubscribed(from: .unsubscribed))
        #expect(list.subscriber("a@example.com")?.status == .active)
        list.markBounced(email: "a@example.com")
        #expect(try list.add(email: "a@example.com", name: nil, today: "") == .needsResubscribe(.bounced))
    }

    /// Double opt-in: pending rows get no digest until confirmed with an unexpired confirmation token; a
    /// link works once, and an old confirmation link never brings back someone who unsubscribed.
    @Test func pendingConfirmUnsubscribe() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/x.csv"), tokens: Self.tokens)
        #expect(try list.addPending(email: "p@example.com", name: "丙", today: "") == .pending(previous: nil))
        #expect(try list.addPending(email: "p@example.com", name: nil, today: "") == .alreadyPending)
        #expect(list.active.isEmpty)
        let unsubscribeToken = Self.tokens.token(for: "p@example.com")
        let confirmToken = Self.tokens.confirmationToken(for: "p@example.com", now: now)
        #expect(list.confirm(token: unsubscribeToken, now: now) == nil)
        #expect(list.confirm(token: Self.tokens.token(for: "p@example.com", purpose: .confirm), now: now) == nil)
        // Expired a second after its validity: refused, nothing changes.
        let late = now.addingTimeInterval(SubscriberTokens.confirmationValidity + 1)
        #expect(list.confirm(token: confirmToken, now: late) == nil)
        #expect(list.active.isEmpty)
        #expect(list.confirm(token: confirmToken, now: now.addingTimeInterval(3600))?.changed == true)
        #expect(list.active.map(\.email) == ["p@example.com"])
        #expect(list.confirm(token: confirmToken, now: now) == nil)
        #expect(list.unsubscribe(token: confirmToken) == nil)
        #expect(list.unsubscribe(token: unsubscribeToken)?.changed == true)
        #expect(list.unsubscribe(token: unsubscribeToken)?.changed == false)
        #expect(list.confirm(token: confirmToken, now: now) == nil)
        #expect(list.subscriber("p@example.com")?.status == .unsubscribed)
        #expect(try list.addPending(email: "p@example.com", name: nil, today: "") == .pending(previous: .unsubscribed))
        #expect(try list.addPending(email: "q@example.com", name: nil, today: "") == .pending(previous: nil))
        _ = list.confirm(token: Self.tokens.confirmationToken(for: "q@example.com", now: now), now: now)
        #expect(try list.addPending(email: "q@example.com", name: nil, today: "") == .alreadyActive)
    }

    /// Confirmation tokens: bound to the address, the list and the expiry; a moved expiry, another address's
    /// token, a far-future expiry or a malformed token is refused.
    @Test func confirmationTokensCannotBeForgedOrExtended() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = Self.tokens.confirmationToken(for: "Reader@Example.com", now: now)
        let parts = token.split(separator: "-").map(String.init)
        #expect(parts.count == 2 && parts[1].count == SubscriberTokens.tokenLength)
        #expect(Int64(parts[0]) == 1_800_000_000 + Int64(SubscriberTokens.confirmationValidity))
        #expect(Self.tokens.verifyConfirmation(token, for: "reader@example.com", now: now))
        #expect(!Self.tokens.verifyConfirmation(token, for: "other@example.com", now: now))
        let moved = String(try #require(Int64(parts[0])) + 3600) + "-" + parts[1]
        #expect(!Self.tokens.verifyConfirmation(moved, for: "reader@example.com", now: now))
        let otherList = SubscriberTokens(
            secret: Array(repeating: UInt8(ascii: "k"), count: 32), listID: "other.example.com")
        #expect(!otherList.verifyConfirmation(token, for: "reader@example.com", now: now))
        for bad in ["", "-", token + "a", parts[1], "99999999999-" + parts[1], "1-" + parts[1], token.uppercased()] {
            #expect(!Self.tokens.verifyConfirmation(bad, for: "reader@example.com", now: now), "\(bad)")
        }
    }

    /// A row typed into the file by hand has a token from its first load on, the same on every load, and it
    /// unsubscribes; a forged token changes nothing.
    @Test func handAddedRowsHaveLastingTokens() throws {
        let folder = try TemporaryFolder()
        let list = try Self.list("email,name\r\nhand@example.com,手\r\n", in: folder)
        let token = try #require(list.subscribers.first?.token)
        #expect(token == Self.tokens.token(for: "hand@example.com"))
        let again = try SubscriberList.load(from: list.file, tokens: Self.tokens)
        #expect(again.subscribers.first?.token == token)
        let before = try Data(contentsOf: list.file)
        for forged in [String(token.dropLast()) + (token.last == "a" ? "b" : "a"), "", "hand@example.com", token + "a"]
        {
            let result = try SubscriberList.modify(list.file, tokens: Self.tokens) { $0.unsubscribe(token: forged) }
            #expect(result == nil)
        }
        #expect(try SubscriberList.load(from: list.file, tokens: Self.tokens).active.count == 1)
        _ = before
        let change = try SubscriberList.modify(list.file, tokens: Self.tokens) { $0.unsubscribe(token: token) }
        #expect(change?.subscriber.email == "hand@example.com")
        #expect(try SubscriberList.load(from: list.file, tokens: Self.tokens).active.isEmpty)
    }

    /// Older lists keep their stored tokens: mailed as before and accepted, beside the derived one.
    @Test func storedTokensKeepWorking() throws {
        let folder = try TemporaryFolder()
        var list = try Self.list("email,status,token\r\nold@example.com,active,9f8e7d6c\r\n", in: folder)
        #expect(list.subscribers.first?.token == "9f8e7d6c")
        #expect(list.index(ofToken: Self.tokens.token(for: "old@example.com")) == 0)
        #expect(list.unsubscribe(token: "9f8e7d6c")?.changed == true)
        try list.save()
        #expect(try String(contentsOf: list.file, encoding: .utf8).contains("old@example.com,,unsubscribed,9f8e7d6c,"))
    }

    /// Rows rejected on reading (bad address, unknown status, duplicate) are written back, not lost.
    @Test func rejectedRowsSurviveAnEdit() throws {
        let folder = try TemporaryFolder()
        var list = try Self.list(
            "email,name,status,部门\r\na@example.com,甲,active,办公室\r\nnot-an-address,乙,active,宣传部\r\nb@example.org,丙,gone,\r\nA@example.com,丁,,\r\n",
            in: folder)
        #expect(list.problems.map(\.line) == [3, 4, 5])
        try list.add(email: "c@example.net", name: nil, today: "2026-12-03")
        try list.save()
        let text = try String(contentsOf: list.file, encoding: .utf8)
        #expect(
            text
                == "email,name,status,token,added,部门\r\na@example.com,甲,active,,,办公室\r\nc@example.net,,active,,2026-12-03,\r\nnot-an-address,乙,active,,,宣传部\r\nb@example.org,丙,gone,,,\r\nA@example.com,丁,,,,\r\n"
        )
    }

    /// The list as Excel edits it (GBK, semicolons) is read, and written back as UTF-8.
    @Test func listSavedBySpreadsheetIsRead() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        try Data(try Self.gbk("电子邮件;姓名;状态\r\na@example.com;测试;unsubscribed\r\n")).write(to: file)
        var list = try SubscriberList.load(from: file, tokens: Self.tokens)
        #expect(list.encoding == "GB18030")
        #expect(list.subscribers == [Subscriber(email: "a@example.com", name: "测试", status: .unsubscribed)])
        try list.add(email: "b@example.com", name: nil, today: "")
        try list.save()
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("email,name,status,token,added\r\n"))
    }

    static func gbk(_ text: String) throws -> [UInt8] {
        try #require(SubscriberRowsTests.encode(text, to: "GB18030"))
    }

    @Test func excelExportStartsWithABOM() throws {
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/x.csv"))
        try list.add(email: "a@example.com", name: "测试", today: "")
        #expect(list.csvBytes(byteOrderMark: true).starts(with: [0xEF, 0xBB, 0xBF, 0x65]))
        #expect(list.csvBytes().starts(with: Array("email,".utf8)))
    }

    @Test func mergeAddsOnlyNewAddresses() throws {
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/x.csv"), tokens: Self.tokens)
        try list.add(email: "a@example.com", name: nil, today: "")
        _ = list.unsubscribe(email: "a@example.com")
        let rows = try SubscriberRows(
            bytes: Array("email,name,部门\na@example.com,甲,x\nb@example.org,乙,y\n".utf8), fileName: "f")
        let report = list.merge(rows, today: "2026-12-03")
        #expect(report.added.map(\.line) == [3])
        #expect(report.alreadyPresent.map(\.status) == [.unsubscribed])
        #expect(list.subscriber("a@example.com")?.status == .unsubscribed)
        #expect(list.subscriber("b@example.org")?.extra == ["部门": "y"])
        #expect(list.extraColumns == ["部门"])
    }

    @Test(arguments: [("Evil\r\nBcc: x@example.com", "Evil Bcc: x@example.com"), ("  张\t三  ", "张 三"), ("", "")])
    func namesLoseControlCharacters(raw: String, clean: String) throws {
        #expect(Subscriber.cleanName(raw) == clean)
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/x.csv"))
        try list.add(email: "a@example.com", name: raw, today: "")
        #expect(list.subscribers[0].name == clean)
    }

    /// Removing a row keeps the index of the rows after it right.
    @Test func removeKeepsLookupsRight() throws {
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/x.csv"))
        for letter in ["a", "b", "c"] { try list.add(email: "\(letter)@example.com", name: letter, today: "") }
        #expect(list.remove(email: "A@example.com")?.name == "a")
        #expect(list.subscriber("c@example.com")?.name == "c")
        #expect(list.index(of: "b@example.com") == 0)
        #expect(list.remove(email: "a@example.com") == nil)
    }
}
