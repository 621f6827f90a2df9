import Foundation
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

/// Results of the parallel fetch come back in configuration and feed order whatever order the fetches
/// finish in.
///
/// Issue 9: Swift 6.3.1 `-O` dropped the index each task-group child returns on success
/// (scripts/compiler-bugs/async-tuple-result), so `fetchAll` trapped on `config.sources[index]` and
/// article pages came back in finishing order. The bug shows only in optimized builds: CI runs these
/// tests in release mode too (`scripts/sanitize.sh release`).
struct FetchAllOrderTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let now = Date(timeIntervalSince1970: 1_559_952_000)  // 2019-06-08T08:00:00+08:00

    static func feed(host: String, titles: [String]) -> String {
        let items = titles.enumerated().map { index, title in
            """
            <item><title>\(title)</title><link>http://\(host)/p\(index + 1).html</link>
              <guid>http://\(host)/p\(index + 1).html</guid>
              <pubDate>Wed, 05 Jun 2019 1\(index):00:00 +0800</pubDate><description>摘要 \(title)</description></item>
            """
        }
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>\(host)</title><link>http://\(host)/</link>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """
    }

    static func page(_ title: String) -> String {
        """
        <html><head><meta charset="utf-8"><title>\(title)</title></head><body><div class="content">
        <h1>\(title)</h1><p>\(title) 的正文第一段，内容足够长，可以被当作文章的正文提取出来，并且包含更多的句子。</p>
        <p>第二段正文继续说明这篇文章的具体内容、时间和地点。</p></div></body></html>
        """
    }

    /// The first source finishes last, and inside each source the first page finishes after the second.
    @Test func resultsKeepConfigurationAndFeedOrder() async throws {
        let folder = try TemporaryFolder()
        try TestConfig.write(
            in: folder, title: "t",
            sources: [("first", "http://a.example.com/feed.xml"), ("second", "http://b.example.com/feed.xml")],
            sourceOptions: ["    full_text: true"])
        var bodies: [String: String] = [:]
        for (host, prefix) in [("a.example.com", "A"), ("b.example.com", "B")] {
            let titles = (1...3).map { "\(prefix)\($0)" }
            bodies["http://\(host)/feed.xml"] = Self.feed(host: host, titles: titles)
            for (index, title) in titles.enumerated() { bodies["http://\(host)/p\(index + 1).html"] = Self.page(title) }
        }
        let fetcher = OrderingFetcher(
            bodies: bodies,
            holds: [
                "http://a.example.com/feed.xml": "http://b.example.com/p3.html",
                "http://a.example.com/p1.html": "http://a.example.com/p2.html",
                "http://b.example.com/p1.html": "http://b.example.com/p2.html",
            ])
        let newsletter = try Newsletter(
            config: try NewsletterConfig.load(from: folder.file("newsletter.yml")), fetcher: fetcher,
            logger: Self.logger)
        let summary = await newsletter.fetchAll(now: Self.now)
        #expect(summary.failedSources.isEmpty, "\(summary.failedSources)")
        #expect(summary.newArticles.map(\.title) == ["A1", "A2", "A3", "B1", "B2", "B3"])
        #expect(fetcher.answered.last == "http://a.example.com/p3.html", "the first source did not finish last")
    }

    /// Failed sources are named by their own names, in configuration order, among sources that work.
    @Test func failuresNameTheirOwnSources() async throws {
        let folder = try TemporaryFolder()
        let sources = (0..<6).map { ("source\($0)", "http://s\($0).example.com/feed.xml") }
        try TestConfig.write(in: folder, title: "t", sources: sources)
        var bodies: [String: String] = [:]
        for index in [0, 2, 3, 5] {
            bodies["http://s\(index).example.com/feed.xml"] = Self.feed(
                host: "s\(index).example.com", titles: ["S\(index)"])
        }
        let newsletter = try Newsletter(
            config: try NewsletterConfig.load(from: folder.file("newsletter.yml")),
            fetcher: OrderingFetcher(bodies: bodies, holds: [:]), logger: Self.logger)
        let summary = await newsletter.fetchAll(now: Self.now)
        #expect(summary.failedSources.map(\.name) == ["source1", "source4"])
        #expect(summary.succeeded == 4)
        #expect(summary.newArticles.map(\.title) == ["S0", "S2", "S3", "S5"])
    }
}

/// Serves fixed bodies by URL (404 otherwise); a URL in `holds` is answered only after the URL it names
/// has been answered, so a test decides which fetch finishes first without sleeping.
final class OrderingFetcher: HTTPFetching {
    private let bodies: [String: String]
    private let holds: [String: String]
    private let state = Mutex(State())

    private struct State {
        var answered: [String] = []
        var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    init(bodies: [String: String], holds: [String: String]) {
        self.bodies = bodies
        self.holds = holds
    }

    /// The URLs answered so far, in order.
    var answered: [String] { state.withLock { $0.answered } }

    func fetch(_ request: HTTPRequest) async throws -> HTTPResponse {
        let url = request.url.absoluteString
        if let awaited = holds[url] {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.answered.contains(awaited) { return true }
                    state.waiting[awaited, default: []].append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
        let waiters = state.withLock { state in
            state.answered.append(url)
            return state.waiting.removeValue(forKey: url) ?? []
        }
        for waiter in waiters { waiter.resume() }
        guard let body = bodies[url] else { throw FetchError.status(404, url: request.url) }
        let type = url.hasSuffix(".xml") ? "text/xml" : "text/html; charset=utf-8"
        return HTTPResponse(url: request.url, status: 200, headers: ["content-type": type], body: Array(body.utf8))
    }
}
