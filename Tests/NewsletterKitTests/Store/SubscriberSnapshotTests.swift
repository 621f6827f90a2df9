import Foundation
import Testing

@testable import NewsletterKit

/// The send reads the list into a `SubscriberSnapshot` row by row instead of a `SubscriberList`: the
/// recipients, their order, their lookups and every reported row must come out the same.
struct SubscriberSnapshotTests {
    static let tokens = SubscriberListTests.tokens

    /// Lists with every kind of row a snapshot must treat as `SubscriberList` does.
    static let lists: [[UInt8]] = {
        var lists: [[UInt8]] = []
        lists.append(
            Array(
                """
                email,name,status,token,added,部门\r
                a@example.com,"Doe, Jane",active,,2026-11-01,办公室\r
                A@EXAMPLE.COM,second spelling,active,,,\r
                not an address,x,active,,,\r
                b@example.org,"two\r
                lines",,,,\r
                ,,,,,\r
                c@example.net,王,bounced,,2026-11-02,\r
                d@example.net,,unsubscribed,legacytoken123,,\r
                e@example.net,,weird,,,\r
                c@example.net,dup with bad status,weird,,,\r
                ｆ＠ｅｘａｍｐｌｅ．ｃｏｍ,全角,pending,,,\r
                reader2@测试.example.org,idn,,,,\r
                Reader2@XN--0ZWM56D.example.org,idn again,,,,\r
                g@example.com,"open quote,active,,,\r
                h@example.com,after the bad quote,active,,,\r

                """.utf8))
        // Semicolons, GB18030 (王小明); Chinese headers.
        lists.append(Array("邮箱;姓名;状态\r\nx@example.com;甲;active\r\nX@example.com;;\r\n".utf8))
        lists.append(
            Array("email;name;status\r\nx@example.com;".utf8) + [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7]
                + Array(";active\r\ny@example.com;;\r\nx@example.com;dup;\r\n".utf8))
        // A moderate generated list: duplicates, bad rows and statuses spread through it.
        var big = "email,name,status,token,added\r\n"
        for index in 0..<3000 {
            let status = ["active", "active", "active", "unsubscribed", "bounced", "pending", ""][index % 7]
            let email =
                index % 101 == 0 ? "bad\(index)@@example.com" : "reader\(index % 2900)@example.com"
            big += "\(email),读者\(index),\(status),,2026-11-01\r\n"
        }
        lists.append(Array(big.utf8))
        return lists
    }()

    @Test(arguments: lists)
    func sameRecipientsLookupsAndReportsAsTheWholeList(bytes: [UInt8]) throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        try Data(bytes).write(to: file)
        let list = try SubscriberList.load(from: file, tokens: Self.tokens)
        var problems: [String] = []
        let snapshot = try SubscriberSnapshot(file: file, tokens: Self.tokens) { problems.append("\($0)") }
        #expect(problems == list.problems.map { "\($0)" })
        #expect(snapshot.exists)
        #expect(snapshot.count == list.subscribers.count)
        #expect(snapshot.activeCount == list.active.count)
        var active: [Subscriber] = []
        try snapshot.forEachActive { active.append($0) }
        #expect(active.map(\.email) == list.active.map(\.email))
        #expect(active.map(\.token) == list.active.map(\.token))
        for subscriber in list.subscribers {
            for spelling in [subscriber.email, subscriber.email.uppercased(), " \(subscriber.email) "] {
                // What a message needs (the snapshot keeps neither `added` nor the extra columns).
                let found = try #require(try snapshot.subscriber(spelling), "\(spelling)")
                #expect(found.email == subscriber.email && found.name == subscriber.name)
                #expect(found.status == subscriber.status && found.storedToken == subscriber.storedToken)
                #expect(found.token == subscriber.token)
            }
        }
        #expect(try snapshot.subscriber("nobody@example.com") == nil)
        // A page's lookup in one read: every address as given, those not in the list left out.
        let page = list.subscribers.map { $0.email.uppercased() } + ["nobody@example.com"]
        let found = try snapshot.subscribers(page)
        #expect(found.count == list.subscribers.count)
        #expect(found["nobody@example.com"] == nil)
        for subscriber in list.subscribers {
            #expect(found[subscriber.email.uppercased()]?.token == subscriber.token, "\(subscriber.email)")
        }
    }

    /// A page lookup larger than one statement's share of keys (``SubscriberSnapshot/lookupChunk``) finds every
    /// address, each spelling of one address included, and leaves out those the list does not have.
    @Test func largePageLookupFindsEverySpelling() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        let count = SubscriberSnapshot.lookupChunk * 2 + 7
        var csv = "email,name,status,token,added\r\n"
        for index in 0..<count {
            csv += "r\(index)@example.com,读者\(index),active,\(String(index, radix: 16)),2019-05-01\r\n"
        }
        try Data(csv.utf8).write(to: file)
        let snapshot = try SubscriberSnapshot(file: file, tokens: nil) { _ in }
        let page =
            (0..<count).map { "r\($0)@example.com" } + (0..<count).map { "R\($0)@Example.COM" }
            + ["nobody@example.com"]
        let found = try snapshot.subscribers(page)
        #expect(found.count == count * 2)
        for index in 0..<count {
            #expect(found["r\(index)@example.com"]?.name == "读者\(index)")
            #expect(found["R\(index)@Example.COM"]?.storedToken == String(index, radix: 16))
        }
        #expect(found["nobody@example.com"] == nil)
    }

    /// A list in an encoding that cannot be told stops the send with the file and line, and points at the command
    /// that takes `--encoding` (`send` has none; a trial was told to pass it).
    @Test func undecodableListNamesItsLineAndTheImportCommand() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        try Data([UInt8]("email,name\r\nreader@example.com,".utf8) + [0xFF, 0xFE, 0xFF] + [0x0D, 0x0A]).write(to: file)
        let error = try #require(throws: SubscriberError.self) {
            try SubscriberSnapshot(file: file, tokens: nil) { _ in }
        }
        let text = "\(error)"
        #expect(text.contains("\(file.path):2") && text.contains("newsletter subscribers import"), "\(text)")
    }

    /// A missing list reads as empty and says so (a resume must stop on it); an empty file is an empty list.
    @Test func missingAndEmptyLists() throws {
        let folder = try TemporaryFolder()
        let missing = try SubscriberSnapshot(file: folder.file("none.csv"), tokens: nil) { _ in }
        #expect(!missing.exists && missing.count == 0 && missing.activeCount == 0)
        let file = folder.file("empty.csv")
        try Data().write(to: file)
        let empty = try SubscriberSnapshot(file: file, tokens: nil) { _ in }
        #expect(empty.exists && empty.count == 0)
    }

    /// A list that cannot be read stops the snapshot with an error naming the file (never an empty list).
    @Test func unreadableListIsAnError() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        try FileManager.default.createDirectory(at: file, withIntermediateDirectories: true)
        let error = try #require(throws: SubscriberError.self) {
            try SubscriberSnapshot(file: file, tokens: nil) { _ in }
        }
        #expect("\(error)".contains(file.path))
        let noEmail = folder.file("no-email.csv")
        try Data("name,city\r\nx,y\r\n".utf8).write(to: noEmail)
        let headerError = try #require(throws: SubscriberError.self) {
            try SubscriberSnapshot(file: noEmail, tokens: nil) { _ in }
        }
        #expect("\(headerError)".contains("\(noEmail.path):1"))
    }

    /// Freezing streams the recipients into one transaction: an error part-way stores nothing (no
    /// half-frozen digest that a rerun would take as complete).
    @Test func freezingIsAllOrNothing() async throws {
        struct Stop: Error {}
        let database = try AppDatabase()
        let content = DigestContent(title: "t", subject: "s", issueDate: "d", items: [])
        await #expect(throws: Stop.self) {
            _ = try await database.freezeDigest(
                content,
                forEachRecipient: { each in
                    for index in 0..<2000 {
                        if index == 1500 { throw Stop() }
                        try each("r\(index)@example.com")
                    }
                }, messageID: { "<\(UUID().uuidString)@example.com>" }, at: Date(timeIntervalSince1970: 0))
        }
        #expect(try await database.unfinishedDigests().isEmpty)
        let digest = try await database.freezeDigest(
            content, forEachRecipient: { each in for index in 0..<2000 { try each("r\(index)@example.com") } },
            messageID: { "<\(UUID().uuidString)@example.com>" }, at: Date(timeIntervalSince1970: 0))
        let id = try #require(digest.id)
        #expect(try database.pendingCount(digestID: id) == 2000)
        #expect(try await database.unfinishedDigests().map(\.id) == [id])
    }
}
