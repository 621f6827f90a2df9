import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// A source back from an outage longer than `late_days`: what was published while it could not be read is
/// still new (README "What counts as new"), over the loopback HTTP server.
struct OutageWindowTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let day = 86_400.0
    /// 2026-01-05T08:00:00+08:00, a Monday.
    static let week1 = Date(timeIntervalSince1970: 1_767_571_200)
    static let week6 = week1.addingTimeInterval(35 * day)

    /// One TRS-style listing page (`<div class="list"><ul><li><a>…</a><span>date</span>`) and its article pages.
    static func writeSite(_ root: URL, items: [(id: Int, title: String, published: Date)]) throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        func day(_ date: Date) -> String { String(DateParser.iso8601(date, timeZone: zone).prefix(10)) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("xwzx/gzdt"), withIntermediateDirectories: true)
        let lis = items.map {
            "<li><a href=\"./t\(day($0.published).replacingOccurrences(of: "-", with: ""))_\($0.id).html\" "
                + "target=\"_blank\">\($0.title)</a><span>\(day($0.published))</span></li>"
        }
        let listing = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>工作动态</title></head><body>
            <div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/xwzx/">新闻中心</a></div>
            <div class="main"><div class="right"><div class="list"><ul>\(lis.joined())</ul></div>
            <script>createPageHTML(1, 0, "index", "html");</script></div></div>
            <div class="footer">主办：示例市人民政府办公室</div></body></html>
            """
        try Data(listing.utf8).write(to: root.appendingPathComponent("xwzx/gzdt/index.html"))
        for item in items {
            let page = """
                <html><head><meta charset="utf-8"><title>\(item.title)</title></head><body><h1>\(item.title)</h1>
                <div class="info">发布时间：\(day(item.published))</div><div class="TRS_Editor"><p>\(item.title)。\
                会议强调，要坚持问题导向，狠抓工作落实，确保各项任务按期完成。</p></div></body></html>
                """
            let file = "xwzx/gzdt/t\(day(item.published).replacingOccurrences(of: "-", with: ""))_\(item.id).html"
            try Data(page.utf8).write(to: root.appendingPathComponent(file))
        }
    }

    @Test func whatWasPublishedDuringALongOutageIsStillNew() async throws {
        let folder = try TemporaryFolder()
        let site = folder.url.appendingPathComponent("site")
        let down = folder.url.appendingPathComponent("down")
        try FileManager.default.createDirectory(at: down, withIntermediateDirectories: true)
        let seen = [
            (id: 102, title: "全市经济工作会议召开", published: Self.week1.addingTimeInterval(-1 * Self.day)),
            (id: 101, title: "关于做好元旦春节期间安全生产工作的通知", published: Self.week1.addingTimeInterval(-3 * Self.day)),
        ]
        try Self.writeSite(site, items: seen)
        let server = try HTTPTestServer(folder: folder, root: site)
        defer { server.server.stop() }
        try TestConfig.write(
            in: folder, title: "工作动态", sources: [("工作动态", server.base + "/xwzx/gzdt/index.html")],
            sourceOptions: ["    kind: listing"], extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        let newsletter = try Newsletter(
            config: try NewsletterConfig.load(from: folder.file("newsletter.yml")),
            fetcher: CurlHTTPFetcher(timeoutSeconds: 10), logger: Self.logger)
        #expect(await newsletter.fetchAll(now: Self.week1).failedSources.isEmpty)

        // Weeks 2 to 5: the listing answers 404.
        try server.serve(down)
        for week in 2...5 {
            let now = Self.week1.addingTimeInterval(Double(week - 1) * 7 * Self.day)
            #expect(await newsletter.fetchAll(now: now).failedSources.count == 1)
        }

        // Week 6: back, listing what was published meanwhile; the window (7 days) and late_days (21) reach
        // back to week6 - 28 days only.
        let published = [
            (id: 110, title: "全市春季农业生产工作会议召开", published: Self.week6.addingTimeInterval(-2 * Self.day)),
            (id: 108, title: "关于公布2026年市级重点项目名单的通知", published: Self.week6.addingTimeInterval(-20 * Self.day)),
            (id: 104, title: "市政府召开第一次全体会议", published: Self.week1.addingTimeInterval(3 * Self.day)),
            // Older than the last successful fetch and never listed then: not new (case 35's kind).
            (id: 99, title: "关于2025年度考核结果的公示", published: Self.week1.addingTimeInterval(-10 * Self.day)),
        ]
        try Self.writeSite(site, items: Array(published.prefix(3)) + seen + [published[3]])
        try server.serve(site)
        let back = await newsletter.fetchAll(now: Self.week6)
        #expect(back.failedSources.isEmpty, "\(back.failedSources)")
        let titles = try await newsletter.selectNew(now: Self.week6).map(\.title)
        #expect(titles == ["全市春季农业生产工作会议召开", "关于公布2026年市级重点项目名单的通知", "市政府召开第一次全体会议"])
    }

    /// Without an outage the grace is late_days as before: the previous fetch a week ago changes nothing.
    @Test func theGraceIsLateDaysWhenTheSourceWorkedLastWeek() throws {
        let now = Self.week6
        let source = "工作动态"
        func article(_ key: String, published: Date) -> StoredArticle {
            StoredArticle(
                key: key, sourceName: source, url: "http://www.example.gov.cn/\(key).html", title: key,
                publishedAt: published, category: nil, origin: nil, author: nil, bodyText: "", bodyHTML: "",
                fingerprint: key, firstSeenAt: now, isExtracted: true)
        }
        let selector = ArticleSelector(lookbackDays: 7)
        let articles = [
            article("late", published: now.addingTimeInterval(-27 * Self.day)),
            article("slid", published: now.addingTimeInterval(-30 * Self.day)),
        ]
        let weekly = selector.select(
            from: articles, sentKeys: [], sentFingerprints: [],
            sourceFirstFetched: [source: now.addingTimeInterval(-70 * Self.day)],
            sourceFetches: [source: [now.addingTimeInterval(-14 * Self.day), now.addingTimeInterval(-7 * Self.day)]],
            now: now)
        #expect(weekly.map(\.key) == ["late"])
        let afterOutage = selector.select(
            from: articles, sentKeys: [], sentFingerprints: [],
            sourceFirstFetched: [source: now.addingTimeInterval(-70 * Self.day)],
            sourceFetches: [source: [now.addingTimeInterval(-35 * Self.day)]], now: now)
        #expect(afterOutage.map(\.key) == ["late", "slid"])
    }
}
