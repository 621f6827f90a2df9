import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// Later listing pages are read by the block chosen on the first page, over the loopback HTTP server.
struct ListingPaginationTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    /// 2024-06-14T09:00:00+08:00.
    static let now = Date(timeIntervalSince1970: 1_718_326_800)

    /// The short last page of a GBK university news section is read by page 1's block.
    ///
    /// Resources/site-paged (scripts/make-wide-listings.py): page 1 has 8 items, the short last page 2 items
    /// beside a 通知公告 box of 5 dated links into another section. Read alone,
    /// page 2's best block is that box (the new-user trial's failure); read after page 1 it is the news list.
    @Test func theShortLastPageKeepsTheFirstPagesBlock() async throws {
        let folder = try TemporaryFolder()
        let server = try HTTPTestServer(folder: folder, root: RepoPaths.resources.appendingPathComponent("site-paged"))
        defer { server.server.stop() }
        try TestConfig.write(
            in: folder, title: "学院新闻", sources: [("学院新闻", server.base + "/xwzx/xyxw.htm")],
            sourceOptions: ["    kind: listing"], extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        let newsletter = try Newsletter(
            config: try NewsletterConfig.load(from: folder.file("newsletter.yml")),
            fetcher: CurlHTTPFetcher(timeoutSeconds: 10), logger: Self.logger)
        let summary = await newsletter.fetchAll(now: Self.now)
        #expect(summary.failedSources.isEmpty, "\(summary.failedSources)")
        let stored = try await newsletter.database.allArticles().map(\.url).sorted()
        let expected = (3391...3400).map { server.base + "/xwzx/info/1021/\($0).htm" }
        #expect(stored == expected)
        #expect(!stored.contains { $0.contains("/tzgg/") })
    }

    @Test func aLaterPageTakesTheBlockOfTheFirstPagesShape() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let site = RepoPaths.resources.appendingPathComponent("site-paged/xwzx")
        let first = ListingExtractor.extract(
            bytes: Array(try Data(contentsOf: site.appendingPathComponent("xyxw.htm"))), contentType: "text/html",
            url: try #require(URL(string: "http://www.example.edu.cn/xwzx/xyxw.htm")), timeZone: zone, now: Self.now)
        let shape = try #require(first.blockShape)
        #expect(shape.hasSuffix("div.main_r/div.main_list/ul"))
        let second = ListingExtractor.extract(
            bytes: Array(try Data(contentsOf: site.appendingPathComponent("xyxw/1.htm"))), contentType: "text/html",
            url: try #require(URL(string: "http://www.example.edu.cn/xwzx/xyxw/1.htm")), timeZone: zone,
            now: Self.now, sameBlockAs: shape)
        #expect(second.links.map(\.url.lastPathComponent) == ["3392.htm", "3391.htm"])
        #expect(second.blocks.first?.reasons.contains("the block chosen on the listing's first page") == true)
        // A page without a block of that shape is still read by its own best guess.
        let other = ListingExtractor.extract(
            bytes: Array(try Data(contentsOf: site.appendingPathComponent("xyxw.htm"))), contentType: "text/html",
            url: try #require(URL(string: "http://www.example.edu.cn/xwzx/xyxw.htm")), timeZone: zone, now: Self.now,
            sameBlockAs: "div.elsewhere/ul")
        #expect(other.links.count == 8)
    }
}
