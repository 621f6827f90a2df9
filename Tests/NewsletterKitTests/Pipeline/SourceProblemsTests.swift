import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

/// Sources that are fetched but hold nothing usable, and feeds that need care.
struct SourceProblemsTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let now = Date(timeIntervalSince1970: 1_559_952_000)  // 2019-06-08T08:00:00+08:00

    /// A folder served as http://site.example.com/ with one source at `path`.
    static func newsletter(_ folder: TemporaryFolder, path: String, sourceOptions: [String] = []) throws -> (
        Newsletter, FolderFetcher
    ) {
        try TestConfig.write(
            in: folder, title: "t", sources: [("s", "http://site.example.com\(path)")], sourceOptions: sourceOptions)
        let root = folder.file("site")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let fetcher = FolderFetcher(root: root)
        return (
            try Newsletter(
                config: try NewsletterConfig.load(from: folder.file("newsletter.yml")), fetcher: fetcher, logger: logger
            ), fetcher
        )
    }

    @Test(arguments: [
        ("/doc.pdf", "%PDF-1.4 binary", "neither an HTML page nor a feed"),
        ("/empty.html", "<html><body><p>Nothing here yet.</p></body></html>", "no article links found"),
    ])
    func unusableSourceIsAFailureNotNothingNew(path: String, body: String, reason: String) async throws {
        let folder = try TemporaryFolder()
        let (newsletter, _) = try Self.newsletter(folder, path: path)
        try Data(body.utf8).write(to: folder.file("site\(path)"))
        let summary = await newsletter.fetchAll(now: Self.now)
        #expect(summary.allFailed)
        #expect(summary.failedSources.first?.reason.contains(reason) == true, "\(summary.failedSources)")
        #expect(summary.failedSources.first?.reason.contains("http://site.example.com\(path)") == true)
    }

    /// `full_text: true`: the page fills in the body, but the feed's own title and date stay.
    ///
    /// Entries older than the window are not fetched; an unreadable date is not shown as one.
    @Test func fullTextKeepsTheFeedTitleAndSkipsOldEntries() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, fetcher) = try Self.newsletter(
            folder, path: "/feed.xml", sourceOptions: ["    full_text: true"])
        let feed = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>示例</title><link>http://site.example.com/</link>
            <item><title>关于“秋季学期”课程安排的通知 &amp; 说明</title><link>http://site.example.com/a1.html</link>
              <pubDate>Wed, 05 Jun 2019 10:00:00 +0800</pubDate><description>摘要</description></item>
            <item><title>日期坏了的条目</title><link>http://site.example.com/a2.html</link>
              <pubDate>星期三, 2019年6月5日 晚上</pubDate><description>第二条摘要。</description></item>
            <item><title>旧文章</title><link>http://site.example.com/old.html</link>
              <pubDate>Mon, 05 Mar 2018 10:00:00 +0800</pubDate><description>旧。</description></item>
            </channel></rss>
            """
        try Data(feed.utf8).write(to: folder.file("site/feed.xml"))
        let page = """
            <html><head><meta charset="utf-8"><title>文章 a1_示例网站</title></head><body>
            <div class="content"><h1>文章 a1</h1><p>这是文章的第一段正文，内容比较长，足以成为正文。这里还有更多的句子，用来说明通知的细节。</p>
            <p>第二段正文，继续说明课程安排的具体内容和时间地点。</p></div></body></html>
            """
        try Data(page.utf8).write(to: folder.file("site/a1.html"))
        try Data(page.utf8).write(to: folder.file("site/a2.html"))
        _ = await newsletter.fetchAll(now: Self.now)
        #expect(!fetcher.requests.withLock { $0 }.contains("/old.html"))
        let stored = try await newsletter.database.allArticles()
        let first = try #require(stored.first { $0.url.hasSuffix("/a1.html") })
        #expect(first.title == "关于“秋季学期”课程安排的通知 & 说明")
        #expect(first.publishedAt == ISO8601DateFormatter().date(from: "2019-06-05T02:00:00Z"))
        #expect(first.bodyText.contains("这是文章的第一段正文"))
        let undated = try #require(stored.first { $0.url.hasSuffix("/a2.html") })
        #expect(undated.publishedAt == nil)
        let content = newsletter.makeContent(try await newsletter.selectNew(now: Self.now), now: Self.now)
        #expect(
            content.items.map(\.title) == ["关于“秋季学期”课程安排的通知 & 说明", "日期坏了的条目"]
                || content.items.map(\.title) == ["日期坏了的条目", "关于“秋季学期”课程安排的通知 & 说明"])
        #expect(content.items.first { $0.title == "日期坏了的条目" }?.date == "")
    }
}
