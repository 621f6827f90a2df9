import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

/// Case 35: items dated months ahead go out once, in the week they are first seen, under their
/// first-seen time; the publisher's date is kept but never shown, and never acts as a high-water mark.
struct FutureDateTests {
    static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    /// The decoded Subject and both parts of each message the transport took.
    static func decoded(_ transport: RecordingTransport, in folder: TemporaryFolder) throws -> [ParsedMessage] {
        let files = try transport.sent.withLock { $0 }.enumerated().map { index, message in
            let file = folder.file("message-\(index).eml")
            try Data(message.bytes).write(to: file)
            return file
        }
        return try ParsedMessage.parse(files)
    }

    @Test func case35FourRunsFarFutureItemGoesOutOnceUnderItsFirstSeenTime() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, site) = try FeedSelectionTests.make(
            folder: folder, feeds: [(file: "weekly.xml", name: "示例周报站")])
        let transport = RecordingTransport()

        // Run 1 (first fetch): only what is dated within the last 7 days.
        try FeedSelectionTests.serve("35-future-dated-items.run1.xml", as: "weekly.xml", in: site)
        let run1 = try Self.date("2026-11-29T08:00:00+08:00")
        #expect(try await newsletter.selectNew(now: run1).isEmpty)
        let first = try await newsletter.send(now: run1, dryRun: false, transport: transport)
        #expect(first.articleCount == 1)

        // Run 2: exactly three, newest first by effective date; the notice shows its first-seen time.
        try FeedSelectionTests.serve("35-future-dated-items.run2.xml", as: "weekly.xml", in: site)
        let run2 = try Self.date("2026-12-06T08:00:00+08:00")
        _ = await newsletter.fetchAll(now: run2)
        let selected = try await newsletter.selectNew(now: run2)
        #expect(selected.map(\.title) == ["测试时区错标通知", "测试年会报名通知", "测试周报第48期"])
        let content = newsletter.makeContent(selected, now: run2)
        #expect(content.items.map(\.date) == ["2026-12-06 15:30", "2026-12-06 08:00", "2026-12-04 10:00"])
        let stored = try #require(try await newsletter.database.allArticles().first { $0.title == "测试年会报名通知" })
        #expect(stored.statedPublishedAt == (try Self.date("2027-03-06T09:00:00+08:00")))
        #expect(stored.publishedAt == run2)
        let second = try await newsletter.send(now: run2, dryRun: false, transport: transport)
        #expect(second.articleCount == 3)
        let messages = try Self.decoded(transport, in: folder)
        let run2Message = try #require(messages.last)
        #expect(run2Message.subject?.contains("2027") == false)
        for part in run2Message.parts {
            #expect(!part.content.contains("2027"), "\(part.contentType) shows the publisher's far-future date")
        }
        #expect(run2Message.part("text/plain")?.contains("测试年会报名通知") == true)

        // Run 3: the future date is no high-water mark; exactly the new weekly.
        try FeedSelectionTests.serve("35-future-dated-items.run3.xml", as: "weekly.xml", in: site)
        let run3 = try Self.date("2026-12-13T08:00:00+08:00")
        _ = await newsletter.fetchAll(now: run3)
        #expect(try await newsletter.selectNew(now: run3).map(\.title) == ["测试周报第49期"])
        let third = try await newsletter.send(now: run3, dryRun: false, transport: transport)
        #expect(third.articleCount == 1)

        // Run 4 (the announced date has passed): nothing new, nothing sent.
        let run4 = try Self.date("2027-03-07T08:00:00+08:00")
        let sessionsBefore = transport.sessions.withLock { $0 }
        let fourth = try await newsletter.send(now: run4, dryRun: false, transport: transport)
        #expect(fourth.nothingNew)
        #expect(transport.sessions.withLock { $0 } == sessionsBefore)
        #expect(transport.recipients.count == 3)
    }

    /// A far-future item on a source's first fetch is recorded as seen and never mailed, then or later.
    @Test func case35NewSourceNeverSendsAReplacedDate() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, site) = try FeedSelectionTests.make(
            folder: folder, feeds: [(file: "weekly.xml", name: "示例周报站")])
        try FeedSelectionTests.serve("35-future-dated-items.run2.xml", as: "weekly.xml", in: site)
        let run2 = try Self.date("2026-12-06T08:00:00+08:00")
        _ = await newsletter.fetchAll(now: run2)
        #expect(try await newsletter.selectNew(now: run2).map(\.title) == ["测试时区错标通知", "测试周报第48期"])
        let later = try await newsletter.selectNew(now: run2.addingTimeInterval(86_400))
        #expect(!later.map(\.title).contains("测试年会报名通知"))
    }

    /// The rule itself: more than 24 h ahead is set aside; up to 24 h ahead is kept as given.
    @Test(arguments: [(3600.0 * 23, false), (3600.0 * 25, true), (-86_400.0, false)])
    func onlyDatesMoreThanADayAheadAreSetAside(offset: Double, setAside: Bool) throws {
        let now = try Self.date("2026-12-06T08:00:00+08:00")
        let article = StoredArticle(
            key: "k", sourceName: "s", url: "https://news.example.com/a", title: "t",
            publishedAt: now.addingTimeInterval(offset), category: nil, origin: nil, author: nil, bodyText: "",
            bodyHTML: "", fingerprint: "f", firstSeenAt: now, isExtracted: true, publishedDateOnly: true)
        let settled = FutureDate.settle(article, now: now)
        #expect((settled != nil) == setAside)
        if let settled {
            #expect(settled.publishedAt == now)
            #expect(settled.statedPublishedAt == now.addingTimeInterval(offset))
            #expect(!settled.publishedDateOnly)
        }
    }

    /// The same rule on a listing page: a `[2062-12-04]` typo beside a link is set aside, and the
    /// article goes out in the week it is first seen.
    @Test func listingDateTypoInTheFarFutureIsSetAside() async throws {
        let folder = try TemporaryFolder()
        try TestConfig.write(in: folder, title: "t", sources: [("栏目", "http://site.example.com/list/index.html")])
        let site = folder.file("site")
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("list"), withIntermediateDirectories: true)
        let items = [("t20261204_1.html", "正常日期的通知", "2026-12-04"), ("t20261203_2.html", "日期笔误的通知", "2062-12-03")]
        var list = "<html><head><meta charset=\"utf-8\"><title>通知公告</title></head><body><ul class=\"list\">"
        for (file, title, day) in items {
            list += "<li><a href=\"/list/\(file)\">\(title)</a><span>[\(day)]</span></li>"
            let page = """
                <html><head><meta charset="utf-8"><title>\(title)</title></head><body><h1>\(title)</h1>
                <p>发布日期：\(day)</p><div class="content"><p>\(title)的正文，内容足够长，足以成为正文的一段文字。</p></div></body></html>
                """
            try Data(page.utf8).write(to: site.appendingPathComponent("list/\(file)"))
        }
        list += "</ul></body></html>"
        try Data(list.utf8).write(to: site.appendingPathComponent("list/index.html"))
        let newsletter = try Newsletter(
            config: try NewsletterConfig.load(from: folder.file("newsletter.yml")), fetcher: FolderFetcher(root: site),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        // First fetch a week earlier with an empty-ish list, so the second run is not a source's first fetch.
        let now = try Self.date("2026-12-06T08:00:00+08:00")
        _ = await newsletter.fetchAll(now: now.addingTimeInterval(-7 * 86_400))
        try await newsletter.database.writer.write { db in try db.execute(sql: "DELETE FROM article") }
        let summary = await newsletter.fetchAll(now: now)
        #expect(summary.failedSources.isEmpty, "\(summary.failedSources)")
        let typo = try #require(try await newsletter.database.allArticles().first { $0.title == "日期笔误的通知" })
        #expect(typo.publishedAt == now)
        #expect(typo.statedPublishedAt.map { DateParser.iso8601($0, timeZone: .gmt).prefix(4) } == "2062")
        #expect(try await newsletter.selectNew(now: now).map(\.title).contains("日期笔误的通知"))
    }
}
