import Foundation
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

/// How deep a listing's pagination is read, over the loopback HTTP server: a 置顶 (pinned) notice from last year
/// on top of page 1, a busy week over two pages, and the back catalogue on pages 2–4 (a new-user trial's
/// multi-week site, shaped like a TRS/Hanweb section: `index.html`, `index_1.html`, … and 下一页).
@Suite(.serialized)
struct ListingPaginationDepthTests {
    static let zone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
    /// 2026-10-12T08:00:00+08:00, a Monday: the lookback window (7 days) starts 10-05 08:00.
    static let firstRun = Date(timeIntervalSince1970: 1_791_763_200)
    static let secondRun = firstRun.addingTimeInterval(7 * 86_400)

    /// Article `n` (1 = newest): 14 inside the first run's window (two a day, 10-11 to 10-05), then one a day back
    /// from 10-04 (numbers 15…40).
    static func day(_ number: Int) -> String {
        let offset = number <= 14 ? (number - 1) / 2 + 1 : number - 15 + 8
        let date = firstRun.addingTimeInterval(-Double(offset) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Writes the section: 10 links a page, `pinned` old notices first on page 1, `pages` pages.
    static func writeSite(in root: URL, articles: Int = 40, pages: Int = 4, pinned: Int = 1) throws {
        let section = root.appendingPathComponent("tzgg")
        try FileManager.default.createDirectory(at: section, withIntermediateDirectories: true)
        func page(_ index: Int) -> String { index == 0 ? "index.html" : "index_\(index).html" }
        for index in 0..<pages {
            var items: [String] = []
            if index == 0 {
                for notice in 0..<pinned {
                    items.append(
                        #"<li><a href="/tzgg/pinned\#(notice).html">【置顶】关于开展年度工作的通知（第\#(notice + 1)号）</a><span>2025-01-0\#(notice % 9 + 1)</span></li>"#
                    )
                }
            }
            if index == 1 {
                // An undated page among the dated ones (a re-trial's 领导信息).
                items.append(#"<li><a href="/tzgg/ldxx.html">领导信息</a></li>"#)
            }
            for number in (index * 10 + 1)...min(articles, index * 10 + 10) {
                items.append(
                    #"<li><a href="/tzgg/\#(number).html">第\#(number)号工作动态</a><span>\#(day(number))</span></li>"#)
            }
            let next = index + 1 < pages ? #"<a href="/tzgg/\#(page(index + 1))">下一页</a>"# : "下一页"
            let html = """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告_示例市人民政府</title></head><body>
                <div class="header"><a href="/">首页</a> <a href="/tzgg/">通知公告</a> <a href="/zwgk/">政务公开</a></div>
                <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">通知公告</a></div>
                <div class="list_con"><ul class="list">
                \(items.joined(separator: "\n"))
                </ul>
                <div class="page">共\(pages)页 <a href="/tzgg/index.html">首页</a> \(next)</div></div>
                <div class="footer">主办：示例市人民政府办公室 版权所有</div></body></html>
                """
            try Data(html.utf8).write(to: section.appendingPathComponent(page(index)))
        }
        try Data(
            """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>领导信息_示例市人民政府</title></head><body>
            <div class="article"><h1>领导信息</h1><div class="content"><p>市长：张三，主持市政府全面工作。</p>
            <p>副市长：李四，负责发展改革、财政、审计等方面工作。</p><p>副市长：王五，负责教育、科技、文化等方面工作。</p></div></div>
            </body></html>
            """.utf8
        ).write(to: section.appendingPathComponent("ldxx.html"))
        for number in (1 - pinned)...articles {
            let notice = -number
            let name = number <= 0 ? "pinned\(notice)" : "\(number)"
            let title = number <= 0 ? "【置顶】关于开展年度工作的通知（第\(notice + 1)号）" : "第\(number)号工作动态"
            let date = number <= 0 ? "2025-01-0\(notice % 9 + 1)" : day(number)
            let html = """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>\(title)_示例市人民政府</title>
                <meta name="ArticleTitle" content="\(title)"><meta name="PubDate" content="\(date) 09:30"></head><body>
                <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">通知公告</a></div>
                <div class="article"><h1>\(title)</h1><div class="info">发布时间：\(date) 09:30 来源：市政府办公室</div>
                <div class="content"><p>为进一步做好第\(number)项工作，现将有关事项通知如下。各单位要高度重视，认真组织实施，确保各项任务按期完成。</p>
                <p>一、工作目标。全面落实各项部署要求，推动工作取得实效，切实提高服务水平和群众满意度。</p>
                <p>二、工作要求。各单位要明确责任分工，加强协调配合，及时报送工作进展情况。</p></div></div>
                <div class="footer">主办：示例市人民政府办公室</div></body></html>
                """
            try Data(html.utf8).write(to: section.appendingPathComponent("\(name).html"))
        }
    }

    /// A newsletter of one listing source, `name` at `base` + `path`.
    static func newsletter(
        _ folder: TemporaryFolder, base: String, name: String = "通知公告", path: String = "/tzgg/index.html",
        maxPages: Int = 5, logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    ) throws -> Newsletter {
        try TestConfig.write(
            in: folder, title: name, sources: [(name, base + path)],
            sourceOptions: ["    kind: listing", "    max_pages: \(maxPages)"],
            extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        return try Newsletter(
            config: try NewsletterConfig.load(from: folder.file("newsletter.yml")),
            fetcher: CurlHTTPFetcher(timeoutSeconds: 10), logger: logger)
    }

    /// Neither pinned notices (one, or half of page 1) nor the back catalogue mislead the reading.
    ///
    /// All 14 articles of the week are new, the four on page 2 included (the oldest date on page 1 stopped it
    /// before). A week later nothing is new: the back catalogue of
    /// pages 2–4 that the second run reads (its `late_days` grace) was recorded as seen on the first fetch, not
    /// taken for late additions then (before, the second issue carried the older articles of pages 2 and 3).
    @Test(arguments: [1, 10])
    func pinnedNoticesAndTheBackCatalogueBeyondPageOne(pinned: Int) async throws {
        let folder = try TemporaryFolder()
        try Self.writeSite(in: folder.file("site"), pinned: pinned)
        let server = try HTTPTestServer(folder: folder, root: folder.file("site"))
        defer { server.server.stop() }
        let newsletter = try Self.newsletter(folder, base: server.base)

        let first = await newsletter.fetchAll(now: Self.firstRun)
        #expect(first.failedSources.isEmpty, "\(first.failedSources)")
        let week = try await newsletter.selectNew(now: Self.firstRun).map(\.title)
        #expect(Set(week) == Set((1...14).map { "第\($0)号工作动态" }), "\(week)")
        #expect(!week.contains("领导信息"))

        let second = await newsletter.fetchAll(now: Self.secondRun)
        #expect(second.failedSources.isEmpty, "\(second.failedSources)")
        let late = try await newsletter.selectNew(now: Self.secondRun).map(\.title)
        #expect(late.isEmpty, "old articles taken for late additions: \(late)")
    }

    /// A week that fills more pages than `max_pages` lets read is warned about, naming the source and the setting.
    @Test func stoppingAtMaxPagesInsideTheWindowIsWarned() async throws {
        let folder = try TemporaryFolder()
        try Self.writeSite(in: folder.file("site"))
        let server = try HTTPTestServer(folder: folder, root: folder.file("site"))
        defer { server.server.stop() }
        let log = ContentCodingTests.WarningLog()
        let newsletter = try Self.newsletter(folder, base: server.base, maxPages: 1, logger: log.logger)
        _ = await newsletter.fetchAll(now: Self.firstRun)
        let lines = log.lines.withLock { $0 }
        #expect(
            lines.contains {
                $0.contains("stopped at max_pages") && $0.contains("source=通知公告") && $0.contains("max_pages=1")
            },
            "\(lines)")
        // Enough pages: no warning.
        let enough = ContentCodingTests.WarningLog()
        let folder2 = try TemporaryFolder()
        let roomy = try Self.newsletter(folder2, base: server.base, maxPages: 5, logger: enough.logger)
        _ = await roomy.fetchAll(now: Self.firstRun)
        #expect(!enough.lines.withLock { $0 }.contains { $0.contains("max_pages") })
    }

    /// An article page without a date of its own keeps the listing's date, not the date of its 往期回顾 list below a
    /// short text (a new-user trial's article took 11-02 from there and was never sent); a page that states its
    /// date (发布时间) keeps its own.
    @Test func aPageWithoutItsOwnDateKeepsTheListingsDate() async throws {
        let folder = try TemporaryFolder()
        let site = folder.file("site/zhxx")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data(
            """
            <html><head><meta charset="utf-8"><title>综合信息</title></head><body><div class="list"><ul>
            <li><a href="nodate.html">市民热线2026年9月办理情况通报</a><span>2026-10-10</span></li>
            <li><a href="stated.html">关于调整公交线路的公告</a><span>2026-10-09</span></li>
            </ul></div></body></html>
            """.utf8
        ).write(to: site.appendingPathComponent("index.html"))
        let related = """
            <div class="related"><h3>往期回顾</h3><ul><li><a href="#">市民热线2026年8月办理情况通报</a> 2026-09-02</li>
            <li><a href="#">市民热线2026年7月办理情况通报</a> 2026-08-05</li></ul></div>
            """
        try Data(
            """
            <html><head><meta charset="utf-8"><title>市民热线2026年9月办理情况通报_综合信息</title></head><body>
            <h1>市民热线2026年9月办理情况通报</h1><div class="con"><p>9月，市民热线共受理群众诉求52,318件，办结率99.2%，满意率96.7%。</p>
            <p>诉求量排名前三的是：供暖、物业管理、交通出行。</p></div>\(related)</body></html>
            """.utf8
        ).write(to: site.appendingPathComponent("nodate.html"))
        try Data(
            """
            <html><head><meta charset="utf-8"><title>关于调整公交线路的公告</title></head><body>
            <h1>关于调整公交线路的公告</h1><div class="info">发布时间：2026-09-30 16:00</div>
            <div class="con"><p>因道路施工，自10月起公交5路临时调整走向，请广大市民注意出行安全，合理安排出行时间。</p></div>
            \(related)</body></html>
            """.utf8
        ).write(to: site.appendingPathComponent("stated.html"))
        let server = try HTTPTestServer(folder: folder, root: folder.file("site"))
        defer { server.server.stop() }
        let newsletter = try Self.newsletter(folder, base: server.base, name: "综合信息", path: "/zhxx/index.html")
        _ = await newsletter.fetchAll(now: Self.firstRun)
        let stored = Dictionary(
            try await newsletter.database.allArticles().map { ($0.title, $0.publishedAt) },
            uniquingKeysWith: { a, _ in a })
        let zone = Self.zone
        func day(_ date: Date??) -> String? {
            guard let date = date ?? nil else { return nil }
            return String(DateParser.iso8601(date, timeZone: zone).prefix(10))
        }
        #expect(day(stored["市民热线2026年9月办理情况通报"]) == "2026-10-10", "\(stored)")
        #expect(day(stored["关于调整公交线路的公告"]) == "2026-09-30", "\(stored)")
        #expect(try await newsletter.selectNew(now: Self.firstRun).map(\.title) == ["市民热线2026年9月办理情况通报"])
    }

    @Test(arguments: [
        ([10, 9, 8], true),
        // Old notices pinned on the page, one or half of it, do not stop it.
        ([10, 9, 8, -400], true),
        ([10, 9, -400, -401, -402], true),
        // The boundary is on this page: one more page is read.
        ([10, 9, -3, -4, -5], true),
        // All older, or only an event pinned for next year: stop.
        ([-3, -4, -5], false),
        ([400, -3], false),
        ([], false),
    ])
    func aPageReachesIntoTheWindow(days: [Int], expected: Bool) {
        // Days after `firstRun` − 20; the window reaches back 20 days and 1 day ahead.
        let dates = days.map { Self.firstRun.addingTimeInterval(Double($0 - 20) * 86_400) }
        let earliest = Self.firstRun.addingTimeInterval(-20 * 86_400)
        #expect(
            SourceFetcher.reachesInto(dates, earliest: earliest, latest: Self.firstRun.addingTimeInterval(86_400))
                == expected)
    }
}
