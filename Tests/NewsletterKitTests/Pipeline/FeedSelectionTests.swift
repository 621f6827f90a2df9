import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// Cases 07 and 09 through the whole pipeline: feeds served by a folder-backed fetcher, selection,
/// digests sent to a recording transport, state kept between runs.
struct FeedSelectionTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    /// A newsletter over `feeds` (file name in the served folder → source name).
    static func make(folder: TemporaryFolder, feeds: [(file: String, name: String)]) throws -> (Newsletter, URL) {
        let site = folder.file("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let file = try TestConfig.write(
            in: folder, title: "测试周报", sources: feeds.map { ($0.name, "http://site.example.com/\($0.file)") },
            extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        try Data("email\nreader@example.com\n".utf8).write(to: folder.file("subscribers.csv"))
        let config = try NewsletterConfig.load(from: file)
        return (try Newsletter(config: config, fetcher: FolderFetcher(root: site), logger: logger), site)
    }

    /// Puts a case file (or given bytes) where the fetcher serves `name`.
    static func serve(_ caseFile: String, as name: String, in site: URL) throws {
        try Data(try Fixtures.bytes("cases/\(caseFile)")).write(to: site.appendingPathComponent(name))
    }

    /// Case 07: items without guid are keyed by link; items sharing one link are keyed by guid.
    @Test func case07ItemsWithoutGuidAndWithASharedLink() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, site) = try Self.make(
            folder: folder,
            feeds: [(file: "news.xml", name: "示例站点"), (file: "advisories.xml", name: "Example advisories")])
        try Self.serve("07-items-without-guid.run1.xml", as: "news.xml", in: site)
        try Self.serve("07-items-without-guid.shared-link.run1.xml", as: "advisories.xml", in: site)
        let transport = RecordingTransport()

        // Run 1: every current item is recorded as seen (and, being inside the window, mailed once).
        let run1 = try Self.date("2026-11-06T08:00:00+08:00")
        let first = try await newsletter.send(now: run1, dryRun: false, transport: transport)
        #expect(first.fetch.failedSources.isEmpty)
        #expect(first.articleCount == 5)

        // Run 2: exactly one new item each.
        try Self.serve("07-items-without-guid.run2.xml", as: "news.xml", in: site)
        try Self.serve("07-items-without-guid.shared-link.run2.xml", as: "advisories.xml", in: site)
        let run2 = try Self.date("2026-11-13T08:00:00+08:00")
        let fetched = await newsletter.fetchAll(now: run2)
        #expect(fetched.failedSources.isEmpty)
        #expect(Set(fetched.newArticles.map(\.title)) == ["测试新闻四", "EXAMPLE-CAN-1003: 测试厂商丙"])
        let selected = try await newsletter.selectNew(now: run2)
        #expect(Set(selected.map(\.title)) == ["测试新闻四", "EXAMPLE-CAN-1003: 测试厂商丙"])
        #expect(selected.first { $0.title == "测试新闻四" }?.url == "https://news.example.com/p/4")
        let second = try await newsletter.send(now: run2, dryRun: false, transport: transport)
        #expect(second.articleCount == 2)
        #expect(transport.recipients == ["reader@example.com", "reader@example.com"])

        // Run 3 on the same files: nothing new, no message.
        let third = try await newsletter.send(now: run2.addingTimeInterval(3600), dryRun: false, transport: transport)
        #expect(third.nothingNew)
        #expect(transport.recipients.count == 2)
    }

    static let case09Run2 = ["测试新文章", "测试博客文章（迟到收录）"]

    /// Runs case 09 (run 1 on 2026-11-22, run 2 a week later) and returns what run 2 selects and sends.
    static func case09(run2Bytes: [UInt8]) async throws -> (selected: [String], sent: Int, run1NothingNew: Bool) {
        let folder = try TemporaryFolder()
        let (newsletter, site) = try Self.make(folder: folder, feeds: [(file: "planet.xml", name: "示例聚合")])
        try Self.serve("09-date-window-selection.run1.xml", as: "planet.xml", in: site)
        let transport = RecordingTransport()
        let first = try await newsletter.send(
            now: try Self.date("2026-11-22T08:00:00+08:00"), dryRun: false, transport: transport)
        try Data(run2Bytes).write(to: site.appendingPathComponent("planet.xml"))
        let run2 = try Self.date("2026-11-29T08:00:00+08:00")
        let fetched = await newsletter.fetchAll(now: run2)
        #expect(fetched.failedSources.isEmpty)
        #expect(Set(fetched.newArticles.map(\.title)) == Set(case09Run2))
        let selected = try await newsletter.selectNew(now: run2).map(\.title)
        let second = try await newsletter.send(now: run2, dryRun: false, transport: transport)
        return (selected, second.articleCount, first.nothingNew)
    }

    /// Case 09: late-added and back-dated items are new by id; the future event and the old weekly are not.
    @Test func case09SelectsByIdNotByDateOrPosition() async throws {
        let bytes = try Fixtures.bytes("cases/09-date-window-selection.run2.xml")
        let result = try await Self.case09(run2Bytes: bytes)
        #expect(result.run1NothingNew)
        #expect(Set(result.selected) == Set(Self.case09Run2))
        #expect(result.selected.count == 2)
        #expect(result.sent == 2)
    }

    /// Case 09: reversing the item order of run2.xml gives the same selection.
    @Test func case09ItemOrderDoesNotMatter() async throws {
        let text = String(decoding: try Fixtures.bytes("cases/09-date-window-selection.run2.xml"), as: UTF8.self)
        let reversed = try Self.reverseItems(text)
        #expect(reversed != text)
        let result = try await Self.case09(run2Bytes: Array(reversed.utf8))
        #expect(Set(result.selected) == Set(Self.case09Run2))
        #expect(result.selected.count == 2)
        #expect(result.sent == 2)
    }

    /// `text` with its `<item>…</item>` elements in reverse order.
    static func reverseItems(_ text: String) throws -> String {
        let firstItem = try #require(text.range(of: "<item>"))
        let lastItemEnd = try #require(text.range(of: "</item>", options: .backwards))
        let items = text[firstItem.lowerBound..<lastItemEnd.upperBound].components(separatedBy: "</item>")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.map { $0 + "</item>" }
        #expect(items.count == 4)
        return String(text[..<firstItem.lowerBound]) + items.reversed().joined(separator: "\n")
            + String(text[lastItemEnd.upperBound...])
    }
}
