import Foundation
import GRDB
import Logging
import Testing

@testable import NewsletterKit

/// ``CurlHTTPFetcher`` against the real loopback HTTP server (`Tests/Support/http_server.py`).
@Suite(.serialized)
struct CurlHTTPFetcherTests {
    /// `http_server.py` over a folder of its own, with a config and a request log.
    final class LoggedServer: Sendable {
        let folder: TemporaryFolder
        let root: URL
        let logFile: URL
        let server: PythonServer

        /// Starts the server over `files` (name → bytes) with `config` (the server's JSON config).
        init(files: [String: [UInt8]], config: String = "{}") throws {
            folder = try TemporaryFolder()
            root = folder.file("root")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            for (name, bytes) in files {
                let file = root.appendingPathComponent(name)
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: file)
            }
            logFile = folder.file("requests.jsonl")
            let configFile = folder.file("config.json")
            try Data(config.utf8).write(to: configFile)
            server = try PythonServer(
                script: "http_server.py",
                arguments: ["--root", root.path, "--config", configFile.path, "--log", logFile.path],
                folder: folder)
        }

        func url(_ path: String) throws -> URL {
            try #require(URL(string: "http://127.0.0.1:\(server.port)\(path)"))
        }

        /// The request log; waits briefly for `count` lines (each is written after its response).
        func requests(atLeast count: Int = 1) throws -> [[String: Any]] {
            var lines: [[String: Any]] = []
            for _ in 0..<100 {
                let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                lines = text.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                if lines.count >= count { break }
                usleep(20_000)
            }
            return lines
        }
    }

    static let feed = Array(
        """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>示例</title>
        <item><title>条目</title><link>https://news.example.com/p/1</link></item>
        </channel></rss>
        """.utf8)

    @Test func conditionalGetAnswers304WithTheStoredETag() async throws {
        let server = try LoggedServer(files: ["feed.xml": Self.feed])
        let fetcher = CurlHTTPFetcher(timeoutSeconds: 5)
        let first = try await fetcher.fetch(HTTPRequest(url: try server.url("/feed.xml")))
        #expect(first.status == 200)
        #expect(first.body == Self.feed)
        let etag = try #require(first.headers["etag"])
        let lastModified = try #require(first.headers["last-modified"])

        let second = try await fetcher.fetch(HTTPRequest(url: try server.url("/feed.xml"), etag: etag))
        #expect(second.status == 304)
        #expect(second.isNotModified)
        #expect(second.body.isEmpty)
        let third = try await fetcher.fetch(HTTPRequest(url: try server.url("/feed.xml"), lastModified: lastModified))
        #expect(third.status == 304)

        // The server logs each request after answering it: under load the lines may come in another order.
        let log = try server.requests(atLeast: 3)
        #expect(log.map { $0["status"] as? Int ?? 0 }.sorted() == [200, 304, 304])
        #expect(log.contains { $0["status"] as? Int == 304 && $0["if_none_match"] as? String == etag })
        #expect(log.contains { $0["status"] as? Int == 304 && $0["if_modified_since"] as? String == lastModified })
    }

    @Test func gzipBodyIsDecoded() async throws {
        let page = Array(String(repeating: "<p>党建政法 example text</p>\n", count: 400).utf8)
        let server = try LoggedServer(files: ["page.html": page])
        let response = try await CurlHTTPFetcher(timeoutSeconds: 5).fetch(
            HTTPRequest(url: try server.url("/page.html")))
        #expect(response.body == page)
        #expect(response.headers["content-encoding"] == "gzip")
        let log = try server.requests()
        #expect((log.first?["accept_encoding"] as? String)?.contains("gzip") == true)
        #expect(log.first?["content_encoding"] as? String == "gzip")
        #expect((log.first?["bytes"] as? Int ?? .max) < page.count / 10)
    }

    @Test func redirectsAreFollowedAndBounded() async throws {
        // /r1 → /r2 → … → /r6 → /feed.xml: five redirects from /r2, six from /r1.
        var redirects: [String] = []
        for index in 1...6 {
            let target = index == 6 ? "/feed.xml" : "/r\(index + 1)"
            redirects.append("\"/r\(index)\": {\"location\": \"\(target)\", \"status\": \(index % 2 == 0 ? 302 : 301)}")
        }
        let server = try LoggedServer(
            files: ["feed.xml": Self.feed], config: "{\"redirect\": {\(redirects.joined(separator: ", "))}}")
        let fetcher = CurlHTTPFetcher(timeoutSeconds: 5, maxRedirects: 5)
        let followed = try await fetcher.fetch(HTTPRequest(url: try server.url("/r2")))
        #expect(followed.status == 200)
        #expect(followed.url.path == "/feed.xml")
        #expect(followed.body == Self.feed)
        let start = try server.url("/r1")
        let error = await #expect(throws: FetchError.self) { try await fetcher.fetch(HTTPRequest(url: start)) }
        #expect(error?.url == start)
        #expect(error?.isTransport == true)
        #expect(error?.description.contains(start.absoluteString) == true)
    }

    @Test func bodiesOverTheCapAreRefused() async throws {
        let limit = 5 * 1024 * 1024
        // Random-looking bytes (no gzip gain) just over the cap, and a highly compressible body whose
        // decoded size is over the cap (a gzip bomb) — both refused; exactly the cap is accepted.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noisy = (0..<(limit + 1)).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let bomb = [UInt8](repeating: 0x61, count: limit + 1)
        let exact = [UInt8](repeating: 0x62, count: limit)
        let server = try LoggedServer(files: ["big.bin": noisy, "bomb.txt": bomb, "exact.txt": exact])
        let fetcher = CurlHTTPFetcher(timeoutSeconds: 20)
        #expect(FetchError.tooLarge(limit: limit, url: try server.url("/")).isTooLarge)
        for path in ["/big.bin", "/bomb.txt"] {
            let url = try server.url(path)
            let error = await #expect(throws: FetchError.self) { try await fetcher.fetch(HTTPRequest(url: url)) }
            #expect(error?.isTooLarge == true, "\(path): \(String(describing: error))")
            #expect(error?.description == "\(url.absoluteString): body larger than \(limit) bytes")
        }
        let accepted = try await fetcher.fetch(HTTPRequest(url: try server.url("/exact.txt")))
        #expect(accepted.body.count == limit)
    }

    /// The server answers after 60 s, so only the 1 s timeout can end the fetch with an error; no wall-clock
    /// assertion (under a loaded test run the resumed task may wait seconds for a thread).
    @Test func aSlowServerTimesOut() async throws {
        let server = try LoggedServer(files: ["feed.xml": Self.feed], config: #"{"delay": {"/feed.xml": 60}}"#)
        let fetcher = CurlHTTPFetcher(timeoutSeconds: 1, connectTimeoutSeconds: 1)
        let url = try server.url("/feed.xml")
        let error = await #expect(throws: FetchError.self) { try await fetcher.fetch(HTTPRequest(url: url)) }
        #expect(error?.isTransport == true)
        #expect(error?.description.hasPrefix(url.absoluteString) == true)
        #expect(
            error?.description.lowercased().contains("timeout") == true
                || error?.description.lowercased().contains("timed out") == true)
    }

    /// Cancelling the task stops a transfer that the server holds: the fetch ends with
    /// ``CancellationError`` (libcurl's progress callback aborts it), never with the 30 s timeout's
    /// transport error, which is what it ended with before cancellation reached libcurl.
    @Test(arguments: [false, true])
    func cancellingTheTaskStopsAStalledTransfer(waitForTheServer: Bool) async throws {
        let server = try LoggedServer(files: ["feed.xml": Self.feed], config: #"{"delay": {"/feed.xml": 120}}"#)
        let fetcher = CurlHTTPFetcher(timeoutSeconds: 30, connectTimeoutSeconds: 5)
        let url = try server.url("/feed.xml")
        let fetch = Task { try await fetcher.fetch(HTTPRequest(url: url)) }
        if waitForTheServer {
            // The server logs "delaying" once the request has arrived: the transfer is in progress.
            let end = ContinuousClock.now.advanced(by: .seconds(60))
            var arrived = try server.requests(atLeast: 1)
            while arrived.isEmpty, ContinuousClock.now < end { arrived = try server.requests(atLeast: 1) }
            #expect(arrived.first?["event"] as? String == "delaying")
        }
        fetch.cancel()
        await #expect(throws: CancellationError.self) { try await fetch.value }
    }

    @Test func theHonestUserAgentArrives() async throws {
        let server = try LoggedServer(files: ["feed.xml": Self.feed])
        _ = try await CurlHTTPFetcher(timeoutSeconds: 5).fetch(HTTPRequest(url: try server.url("/feed.xml")))
        let agent = try #require(try server.requests().first?["user_agent"] as? String)
        #expect(agent == CurlHTTPFetcher.defaultUserAgent)
        #expect(agent.hasPrefix("newsletter/\(NewsletterVersion.current) "))
        #expect(agent.contains("+https://example.com/newsletter"))
    }

    @Test func serverErrorNamesTheURL() async throws {
        let server = try LoggedServer(files: ["feed.xml": Self.feed], config: #"{"status": {"/feed.xml": 500}}"#)
        let url = try server.url("/feed.xml")
        let error = await #expect(throws: FetchError.self) {
            try await CurlHTTPFetcher(timeoutSeconds: 5).fetch(HTTPRequest(url: url))
        }
        #expect(error?.statusCode == 500)
        #expect(error?.url == url)
        #expect(error?.description == "\(url.absoluteString): HTTP status 500")
        let missing = try server.url("/missing.xml")
        let notFound = await #expect(throws: FetchError.self) {
            try await CurlHTTPFetcher(timeoutSeconds: 5).fetch(HTTPRequest(url: missing))
        }
        #expect(notFound?.statusCode == 404)
    }

    // MARK: - Case 01

    static let case01 = [
        ("01-gbk-body-utf8-declared.gbk-bytes.xml", "text/xml; charset=gbk"),
        ("01-gbk-body-utf8-declared.utf8-bytes.xml", "text/xml; charset=gbk"),
        ("01-gbk-body-utf8-declared.utf8-one-bad-byte.xml", "application/rss+xml; charset=utf-8"),
    ]

    /// Case 01 over HTTP: each file with the header the case lists, then with no charset parameter.
    @Test(arguments: [true, false])
    func case01FeedTitlesOverHTTP(withCharset: Bool) async throws {
        var files: [String: [UInt8]] = [:]
        var headers: [String] = []
        for (name, contentType) in Self.case01 {
            files[name] = try Fixtures.bytes("cases/\(name)")
            let served = withCharset ? contentType : String(contentType.prefix { $0 != ";" })
            headers.append("\"/\(name)\": {\"Content-Type\": \"\(served)\"}")
        }
        let server = try LoggedServer(files: files, config: "{\"headers\": {\(headers.joined(separator: ", "))}}")
        let fetcher = CurlHTTPFetcher(timeoutSeconds: 5)
        for (index, (name, contentType)) in Self.case01.enumerated() {
            let response = try await fetcher.fetch(HTTPRequest(url: try server.url("/\(name)")))
            #expect(response.contentType == (withCharset ? contentType : String(contentType.prefix { $0 != ";" })))
            #expect(response.body == files[name])
            let feed = try FeedParser.parse(
                bytes: response.body, contentType: response.contentType, url: response.url, timeZone: nil,
                fetchedAt: Date())
            #expect(feed.title == "示例博客", "\(name)")
            #expect(feed.entries.map(\.title) == ["测试新闻"], "\(name)")
            #expect(feed.entries.first?.title.unicodeScalars.map(\.value) == [0x6D4B, 0x8BD5, 0x65B0, 0x95FB])
            let description = feed.entries.first?.summaryHTML ?? ""
            #expect(description.contains("第一段测试内容"), "\(name): \(description)")
            let replacements = (feed.title + feed.entries.map { $0.title + ($0.summaryHTML ?? "") }.joined())
                .unicodeScalars.filter { $0 == "\u{FFFD}" }.count
            #expect(replacements == (index == 2 ? 1 : 0), "\(name)")
        }
    }

    // MARK: - SourceFetcher

    /// A 304 for a feed or listing reuses the body stored in `httpCache` with its validators.
    @Test func sourceFetcherReusesTheStoredBodyOn304() async throws {
        let feed = try Fixtures.bytes("cases/07-items-without-guid.run1.xml")
        let server = try LoggedServer(files: ["feed.xml": feed])
        let database = try AppDatabase()
        let sourceFetcher = SourceFetcher(fetcher: CurlHTTPFetcher(timeoutSeconds: 5), database: database)
        let source = NewsletterConfig.Source(
            name: "示例站点", url: try server.url("/feed.xml"), kind: nil,
            timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt,
            maxPages: 1, fullText: false)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-10T08:00:00+08:00"))
        let first = try await sourceFetcher.fetch(source, now: now, lookbackDays: 7, logger: logger)
        let titles = first.newArticles.map(\.title)
        #expect(titles.count == 3)
        let cached = try await database.writer.read { db in
            try HTTPCacheEntry.fetchOne(db, key: source.url.absoluteString)
        }
        #expect(cached?.etag != nil)
        #expect(cached.map { [UInt8]($0.body) } == feed)
        // One clock: the cache records the run's time (`--now`), not the wall clock.
        #expect(cached?.fetchedAt == now)

        // Forget the articles: only the cached body can bring them back after a 304.
        try await database.writer.write { db in try db.execute(sql: "DELETE FROM article") }
        let second = try await sourceFetcher.fetch(
            source, now: now.addingTimeInterval(3600), lookbackDays: 7, logger: logger)
        #expect(second.newArticles.map(\.title) == titles)
        let log = try server.requests(atLeast: 2)
        #expect(log.map { $0["status"] as? Int } == [200, 304])
        #expect(log.last?["if_none_match"] as? String == cached?.etag)
    }
}
