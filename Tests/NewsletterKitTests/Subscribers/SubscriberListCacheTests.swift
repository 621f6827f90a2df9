import Foundation
import Testing

@testable import NewsletterKit

/// The parsed list a server keeps between batches: its own writes need no re-read, anyone else's write is
/// seen at once, and nothing written by another process is lost.
struct SubscriberListCacheTests {
    static let tokens = SubscriberTokens(
        secret: Array("0123456789abcdef0123456789abcdef".utf8), listID: "weekly.news.example.com")

    @Test func followsOtherWritersAndLosesNothing() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        try Data("email,name,status,token,added\r\na@example.com,,active,9f8e7d6c,\r\n".utf8).write(to: file)
        let cache = SubscriberListCache(file: file, tokens: Self.tokens)
        let first = try cache.current()
        #expect(first.list.subscribers.count == 1)
        // Unchanged file: the same snapshot (no re-read).
        #expect(try cache.current().list.subscribers.map(\.email) == ["a@example.com"])

        // Our own batch: the written list is kept, with its index following appended rows.
        let outcomes = try SubscriberRequests.apply(
            [.subscribe(email: "p@example.org", name: nil, today: "2026-12-03"), .unsubscribe(token: "9f8e7d6c")],
            cache: cache)
        #expect(outcomes == [.pending(email: "p@example.org"), .changed(email: "a@example.com")])
        let afterOwn = try cache.current()
        #expect(afterOwn.list.subscribers.map(\.status) == [.unsubscribed, .pending])
        let derived = Self.tokens.token(for: "p@example.org")
        #expect(afterOwn.index.subscriber(withToken: derived)?.email == "p@example.org")
        #expect(afterOwn.index.subscriber(withToken: "9f8e7d6c")?.status == .unsubscribed)

        // Another process (the CLI) adds a row: the cache sees it, and its next batch keeps it.
        try SubscriberList.modify(file, tokens: Self.tokens) { list in
            _ = try list.add(email: "cli@example.org", name: "命令行", today: "2026-12-03")
        }
        #expect(try cache.current().list.subscriber("cli@example.org") != nil)
        _ = try SubscriberRequests.apply([.unsubscribe(token: derived)], cache: cache)
        let reread = try SubscriberList.load(from: file, tokens: Self.tokens)
        #expect(reread.subscribers.map(\.email) == ["a@example.com", "p@example.org", "cli@example.org"])
        #expect(reread.subscribers.map(\.status) == [.unsubscribed, .unsubscribed, .active])

        // A removal by the CLI shifts positions: the index is rebuilt, tokens still find the right rows.
        try SubscriberList.modify(file, tokens: Self.tokens) { list in _ = list.remove(email: "a@example.com") }
        let cliToken = Self.tokens.token(for: "cli@example.org")
        #expect(
            try SubscriberRequests.apply([.unsubscribe(token: cliToken)], cache: cache) == [
                .changed(email: "cli@example.org")
            ])
        #expect(
            try SubscriberList.load(from: file, tokens: nil).subscribers.map(\.status) == [
                .unsubscribed, .unsubscribed,
            ])
    }

    /// A batch that changes nothing writes nothing (the file keeps its inode and bytes).
    @Test func unchangedBatchesDoNotWrite() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("subscribers.csv")
        let csv = "email,name,status,token,added\r\na@example.com,,unsubscribed,9f8e7d6c,\r\n"
        try Data(csv.utf8).write(to: file)
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int)
        let cache = SubscriberListCache(file: file, tokens: Self.tokens)
        let outcomes = try SubscriberRequests.apply(
            [.unsubscribe(token: "9f8e7d6c"), .unsubscribe(token: "forged00")], cache: cache)
        #expect(outcomes == [.unchanged(email: "a@example.com"), .unknown])
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int == inode)
        #expect(try String(contentsOf: file, encoding: .utf8) == csv)
    }
}
