import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

/// Case 30: sign-in pages, anti-bot challenges, firewall pages and empty bodies served instead of a
/// feed or listing are classified before parsing, named per source, and never move any state.
@Suite(.serialized)
struct UnusableResponseTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let week1 = Date(timeIntervalSince1970: 1_796_515_200)  // 2026-12-06T08:00:00+08:00

    /// The case's server: rows A–G and the listing L (week 1 answers).
    final class CaseServer: Sendable {
        let folder: TemporaryFolder
        let root: URL
        let configFile: URL
        let logFile: URL
        let server: PythonServer

        init() throws {
            folder = try TemporaryFolder()
            root = folder.file("root")
            let files: [String: [UInt8]] = [
                "login": try Fixtures.bytes("cases/30-challenge-page-as-feed.login.html"),
                "user/login.jsp": try Fixtures.bytes("cases/30-challenge-page-as-feed.login.html"),
                "challenge.html": try Fixtures.bytes("cases/30-challenge-page-as-feed.challenge.html"),
                "waf/feed": Array(
                    """
                    <!DOCTYPE html><html><head><meta charset="utf-8"><title>访问被拒绝</title></head><body>\
                    <h1>访问被拒绝</h1><p>请求已被站点防火墙拦截。</p></body></html>
                    """.utf8),
                "empty.xml": [],
                "news/index.html": try Fixtures.bytes("cases/30-challenge-page-as-feed.feed.xml"),
                "typo": try Fixtures.bytes("cases/30-challenge-page-as-feed.feed.xml"),
                "xwzx/index.html": try Fixtures.bytes("cases/30-challenge-page-as-feed.listing.week1.html"),
            ]
            for (name, bytes) in files {
                let file = root.appendingPathComponent(name)
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: file)
            }
            // Article pages of L: <h1> = the link text, 发布日期 + the date beside the link.
            let articles = [
                ("t20261201_301", "测试栏目文章一", "2026-12-01"), ("t20261203_302", "测试栏目文章二", "2026-12-03"),
                ("t20261204_303", "测试栏目文章三", "2026-12-04"), ("t20261210_304", "测试栏目文章四", "2026-12-10"),
                ("t20261218_305", "测试栏目文章五", "2026-12-18"),
            ]
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("xwzx/202612"), withIntermediateDirectories: true)
            for (file, title, day) in articles {
                let page = """
                    <!DOCTYPE html><html><head><meta charset="utf-8"><title>\(title)</title></head><body>
                    <h1>\(title)</h1><p>发布日期：\(day)</p>
                    <div class="content"><p>\(title)的正文。这是一段足够长的正文文字，用来说明栏目文章的内容和细节。</p></div>
                    </body></html>
                    """
                try Data(page.utf8).write(to: root.appendingPathComponent("xwzx/202612/\(file).html"))
            }
            configFile = folder.file("config.json")
            logFile = folder.file("requests.jsonl")
            try Self.write(week: 1, to: configFile)
            server = try PythonServer(
                script: "http_server.py",
                arguments: ["--root", root.path, "--config", configFile.path, "--log", logFile.path], folder: folder)
        }

        /// The server's answers for `week` (1, 2 or 3): only L changes.
        static func write(week: Int, to file: URL) throws {
            let html = "\"Content-Type\": \"text/html; charset=utf-8\""
            let listingRedirect =
                week == 2
                ? """
                , "/xwzx/index.html": {"location": "/user/login.jsp?redirect=%2Fxwzx%2Findex.html", "status": 302}
                """ : ""
            let config = """
                {"gzip": false,
                 "redirect": {"/rss?token=T0KEN": {"location": "/login?next=/", "status": 302},
                              "/news": {"location": "/news/", "status": 301}\(listingRedirect)},
                 "status": {"/cf/feed.xml": 403, "/old/feed": 503},
                 "body": {"/cf/feed.xml": "challenge.html", "/old/feed": "challenge.html"},
                 "headers": {
                   "/login": {\(html)}, "/user/login.jsp": {\(html)}, "/waf/feed": {\(html)},
                   "/typo": {\(html)}, "/xwzx/index.html": {\(html)},
                   "/news/": {"Content-Type": "application/rss+xml; charset=utf-8"},
                   "/empty.xml": {"Content-Type": "application/rss+xml"},
                   "/cf/feed.xml": {"Content-Type": "text/html; charset=UTF-8", "cf-mitigated": "challenge",
                     "Server": "cloudflare", "Cache-Control": "private, max-age=0, no-store", "ETag": "\\"ch-1\\""},
                   "/old/feed": {"Content-Type": "text/html; charset=UTF-8",
                     "Refresh": "8;URL=/cdn-cgi/l/chk_jschl?pass=1", "Server": "cloudflare"}}}
                """
            let temporary = file.appendingPathExtension("tmp")
            try Data(config.utf8).write(to: temporary)
            guard rename(temporary.path, file.path) == 0 else { throw TestFailure("cannot rename \(temporary.path)") }
        }

        func serve(week: Int) throws {
            if week == 3 {
                try Data(try Fixtures.bytes("cases/30-challenge-page-as-feed.listing.week3.html")).write(
                    to: root.appendingPathComponent("xwzx/index.html"))
            }
            try Self.write(week: week, to: configFile)
        }

        var base: String { "http://127.0.0.1:\(server.port)" }

        /// The request log lines so far.
        func requests() -> [[String: Any]] {
            let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    /// The rows: path, kind, and the class (nil: the control rows, which give 2 items) and final path.
    static let rows: [(row: String, path: String, kind: String, failure: String?, finalPath: String)] = [
        ("A", "/rss?token=T0KEN", "feed", "login", "/login?next=/"),
        ("B", "/cf/feed.xml", "feed", "challenge", "/cf/feed.xml"),
        ("C", "/old/feed", "feed", "challenge", "/old/feed"),
        ("D", "/waf/feed", "feed", "not a feed", "/waf/feed"),
        ("E", "/empty.xml", "feed", "empty body", "/empty.xml"),
        ("F", "/news", "feed", nil, "/news/"),
        ("G", "/typo", "feed", nil, "/typo"),
    ]

    /// A newsletter over `sources` (name, URL) on the real libcurl fetcher.
    static func newsletter(_ folder: TemporaryFolder, sources: [(String, String)], kind: String) throws -> Newsletter {
        try TestConfig.write(
            in: folder, title: "测试", sources: sources, sourceOptions: ["    kind: \(kind)"],
            extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        try Data("email\nreader@example.com\n".utf8).write(to: folder.file("subscribers.csv"))
        return try Newsletter(
            config: try NewsletterConfig.load(from: folder.file("newsletter.yml")),
            fetcher: CurlHTTPFetcher(timeoutSeconds: 10), logger: logger)
    }

    /// Everything a failed run must leave as it was.
    static func state(_ database: AppDatabase) async throws -> [String] {
        try await database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT key || '|' || title FROM article ORDER BY key")
                + String.fetchAll(db, sql: "SELECT url || '|' || ifnull(etag, '') FROM httpCache ORDER BY url")
                + String.fetchAll(db, sql: "SELECT name FROM sourceState ORDER BY name")
        }
    }

    @Test func eachRowAloneIsClassifiedBeforeParsing() async throws {
        let server = try CaseServer()
        for row in Self.rows {
            let folder = try TemporaryFolder()
            let newsletter = try Self.newsletter(
                folder, sources: [("源\(row.row)", server.base + row.path)], kind: row.kind)
            let before = try await Self.state(newsletter.database)
            let summary = await newsletter.fetchAll(now: Self.week1)
            if let failure = row.failure {
                let reason = try #require(summary.failedSources.first?.reason, "row \(row.row) did not fail")
                #expect(summary.failedSources.first?.name == "源\(row.row)")
                #expect(
                    reason.contains(server.base + row.finalPath + ": " + failure + ":"), "row \(row.row): \(reason)")
                #expect(!reason.contains("T0KEN"), "row \(row.row): \(reason)")
                #expect(try await Self.state(newsletter.database) == before, "row \(row.row) moved state")
                let transport = RecordingTransport()
                await #expect(throws: NewsletterError.self) {
                    try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
                }
                #expect(transport.recipients.isEmpty)
            } else {
                #expect(summary.failedSources.isEmpty, "row \(row.row): \(summary.failedSources)")
                #expect(summary.newArticles.map(\.title) == ["测试订阅文章二", "测试订阅文章一"])
            }
        }
        // B's ETag was never stored, so never sent back.
        let conditional = server.requests().filter { $0["path"] as? String == "/cf/feed.xml" }
        #expect(conditional.allSatisfy { $0["if_none_match"] is NSNull || $0["if_none_match"] == nil })
    }

    @Test func rowsAToFTogetherSendFsItemsAndNameTheRest() async throws {
        let server = try CaseServer()
        let folder = try TemporaryFolder()
        let rows = Self.rows.filter { $0.row != "G" }
        let newsletter = try Self.newsletter(
            folder, sources: rows.map { ("源\($0.row)", server.base + $0.path) }, kind: "feed")
        let transport = RecordingTransport()
        let report = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        #expect(report.articleCount == 2)
        #expect(transport.recipients == ["reader@example.com"])
        let failed = Dictionary(uniqueKeysWithValues: report.fetch.failedSources.map { ($0.name, $0.reason) })
        for row in rows where row.failure != nil {
            #expect(failed["源\(row.row)"]?.contains(": \(row.failure!):") == true, "\(failed)")
        }
        let stored = try await newsletter.database.allArticles().map(\.title)
        for title in ["登录", "Just a moment...", "访问被拒绝"] { #expect(!stored.contains { $0.contains(title) }) }
    }

    @Test func aListingThatTurnsIntoALoginPageFailsAndLosesNothing() async throws {
        let server = try CaseServer()
        let folder = try TemporaryFolder()
        let newsletter = try Self.newsletter(
            folder, sources: [("新闻中心", server.base + "/xwzx/index.html")], kind: "listing")
        let transport = RecordingTransport()
        let week1 = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        #expect(week1.articleCount == 3)

        try server.serve(week: 2)
        let week2 = Self.week1.addingTimeInterval(7 * 86_400)
        let before = try await Self.state(newsletter.database)
        let summary = await newsletter.fetchAll(now: week2)
        let reason = try #require(summary.failedSources.first?.reason)
        #expect(reason.contains("/user/login.jsp?redirect=%2Fxwzx%2Findex.html: login:"), "\(reason)")
        #expect(try await Self.state(newsletter.database) == before)
        await #expect(throws: NewsletterError.self) {
            try await newsletter.send(now: week2, dryRun: false, transport: transport)
        }
        #expect(transport.recipients.count == 1)

        try server.serve(week: 3)
        let week3 = week2.addingTimeInterval(7 * 86_400)
        let third = try await newsletter.send(now: week3, dryRun: false, transport: transport)
        #expect(third.articleCount == 2)
        let titles = try await newsletter.database.writer.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT a.title FROM article a WHERE a.firstSeenAt = ? ORDER BY a.title
                    """, arguments: [week3])
        }
        #expect(Set(titles) == ["测试栏目文章五", "测试栏目文章四"])
    }

    /// An article link that redirects to a sign-in page is skipped (tried again next run), never stored.
    @Test func anArticlePageThatIsALoginPageIsNeverStored() async throws {
        let server = try CaseServer()
        let folder = try TemporaryFolder()
        // Week 2's redirect config applies to the listing only; send one article to the login page instead.
        let config = """
            {"gzip": false, "redirect": {"/xwzx/202612/t20261204_303.html": {"location": "/login?next=/", "status": 302}},
             "headers": {"/login": {"Content-Type": "text/html; charset=utf-8"},
                         "/xwzx/index.html": {"Content-Type": "text/html; charset=utf-8"}}}
            """
        let temporary = folder.file("c.json")
        try Data(config.utf8).write(to: temporary)
        guard rename(temporary.path, server.configFile.path) == 0 else { throw TestFailure("cannot rename") }
        let newsletter = try Self.newsletter(
            folder, sources: [("新闻中心", server.base + "/xwzx/index.html")], kind: "listing")
        let summary = await newsletter.fetchAll(now: Self.week1)
        #expect(summary.failedSources.isEmpty)
        #expect(summary.problems.contains { $0.contains("/login?next=/: login:") }, "\(summary.problems)")
        let stored = try await newsletter.database.allArticles()
        #expect(stored.map(\.title).sorted() == ["测试栏目文章一", "测试栏目文章二"])
    }

    /// The classifier on its own: what is and what is not a sign-in or challenge page.
    @Test(arguments: [
        // A small sign-in form.
        (
            "<html><head><title>用户登录</title></head><body><form><input type=\"password\" name=\"p\"></form></body></html>",
            "login"
        ),
        // A meta refresh to a login path.
        (
            "<html><head><meta http-equiv=\"refresh\" content=\"0;url=/sso/login?service=x\"></head><body></body></html>",
            "login"
        ),
        // Cloudflare's interstitial served with 200.
        ("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>…</body></html>", "challenge"),
        // 加速乐's cookie challenge.
        (
            "<html><script>document.cookie='__jsl_clearance=1';location.href=location.pathname</script></html>",
            "challenge"
        ),
        // A firewall's block page.
        ("<html><head><title>访问被拒绝</title></head><body><h1>访问被拒绝</h1></body></html>", "challenge"),
        // An article page with a login box in its header and plenty of text is read.
        (
            "<html><head><title>新闻</title></head><body><form><input type=\"password\"></form><p>"
                + String(repeating: "这是正文。", count: 400) + "</p></body></html>", "-"
        ),
        // A short article that mentions a captcha in its text is read.
        (
            "<html><head><title>关于网上办事系统升级的通知</title></head><body><p>升级后登录需要输入验证码（captcha）。</p></body></html>",
            "-"
        ),
    ])
    func classifier(body: String, expected: String) throws {
        let url = try #require(URL(string: "http://news.example.com/a.html"))
        let response = HTTPResponse(url: url, status: 200, headers: [:], body: Array(body.utf8))
        let what = ResponseCheck.classify(response, requested: url, expectingFeed: false)
        #expect((what.map { "\($0)" } ?? "-") == expected)
    }

    @Test func secretQueryValuesAreRedacted() throws {
        #expect(
            URLRedaction.redacted("http://x.example.com/rss?token=T0KEN&page=2&api_key=K&Sig=S#f")
                == "http://x.example.com/rss?token=REDACTED&page=2&api_key=REDACTED&Sig=REDACTED#f")
        #expect(URLRedaction.redacted("http://x.example.com/a?id=1") == "http://x.example.com/a?id=1")
    }
}
