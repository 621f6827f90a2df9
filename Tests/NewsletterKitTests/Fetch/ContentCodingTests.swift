import Foundation
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

/// Case 31: a `Content-Encoding` header that does not match the bytes (plain XML labelled gzip, gzip
/// without a label, `aws-chunked`), a truncated gzip body and a gzip bomb, served by the loopback server.
@Suite(.serialized)
struct ContentCodingTests {
    /// Records warning messages with their metadata.
    final class WarningLog: Sendable {
        let lines = Mutex<[String]>([])
        var logger: Logger { Logger(label: "test") { _ in Handler(log: self) } }

        struct Handler: LogHandler {
            let log: WarningLog
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .warning
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                log.lines.withLock { $0.append("\(event.message) \(fields.joined(separator: " "))") }
            }
        }
    }

    /// `gzip -n` of `bytes`.
    static func gzip(_ bytes: [UInt8], in folder: TemporaryFolder) throws -> [UInt8] {
        let input = folder.file("plain-\(UUID().uuidString)")
        let output = folder.file("gz-\(UUID().uuidString)")
        try Data(bytes).write(to: input)
        try run(["/bin/sh", "-c", "gzip -c -n '\(input.path)' > '\(output.path)'"])
        return [UInt8](try Data(contentsOf: output))
    }

    static let rss = "application/rss+xml; charset=utf-8"

    /// The case's server: every path answers 200 with the RSS type and the listed coding.
    static func server() throws -> CurlHTTPFetcherTests.LoggedServer {
        let folder = try TemporaryFolder()
        let feed = try Fixtures.bytes("cases/31-gzip-label-plain-body.xml")
        let compressed = try gzip(feed, in: folder)
        let bomb = try gzip([UInt8](repeating: 0x20, count: 32 << 20), in: folder)
        let files: [String: [UInt8]] = [
            "mislabelled.xml": feed, "unlabelled.xml": compressed, "proper.xml": feed, "unknown-coding.xml": feed,
            "truncated.xml": Array(compressed.prefix(40)), "bomb.xml": bomb,
        ]
        func headers(_ coding: String?) -> String {
            "{\"Content-Type\": \"\(rss)\"" + (coding.map { ", \"Content-Encoding\": \"\($0)\"" } ?? "") + "}"
        }
        let config = """
            {"gzip": {"/mislabelled.xml": false, "/unlabelled.xml": false, "/unknown-coding.xml": false,
                      "/truncated.xml": false, "/bomb.xml": false, "/proper.xml": true},
             "headers": {"/mislabelled.xml": \(headers("gzip")), "/unlabelled.xml": \(headers(nil)),
                         "/proper.xml": \(headers(nil)), "/unknown-coding.xml": \(headers("aws-chunked")),
                         "/truncated.xml": \(headers("gzip")), "/bomb.xml": \(headers("gzip"))}}
            """
        return try CurlHTTPFetcherTests.LoggedServer(files: files, config: config)
    }

    static func source(_ url: URL) -> NewsletterConfig.Source {
        NewsletterConfig.Source(
            name: "示例压缩测试", url: url, kind: nil, timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt,
            maxPages: 1, fullText: false)
    }

    static let now = Date(timeIntervalSince1970: 1_796_601_600)  // 2026-12-07T00:00:00Z

    @Test(arguments: [
        ("/mislabelled.xml", "Content-Encoding: gzip"), ("/unlabelled.xml", "no Content-Encoding"),
        ("/proper.xml", nil), ("/unknown-coding.xml", "Content-Encoding: aws-chunked"),
    ])
    func readableFeedsReadWhateverTheHeaderSays(path: String, warning: String?) async throws {
        let server = try Self.server()
        let log = WarningLog()
        let fetcher = SourceFetcher(fetcher: CurlHTTPFetcher(timeoutSeconds: 10), database: try AppDatabase())
        let result = try await fetcher.fetch(
            Self.source(try server.url(path)), now: Self.now, lookbackDays: 7, logger: log.logger)
        #expect(result.newArticles.map(\.title) == ["测试压缩标签二", "测试压缩标签一"])
        #expect(!result.newArticles.contains { $0.title.contains("\u{FFFD}") })
        let requests = try server.requests(atLeast: 1).filter { $0["path"] as? String == path }
        #expect(requests.count == 1)
        let warnings = log.lines.withLock { $0 }.filter { $0.contains("Content-Encoding") }
        if let warning {
            #expect(warnings.count == 1, "\(warnings)")
            #expect(warnings.first?.contains(warning) == true)
            #expect(warnings.first?.contains("source=示例压缩测试") == true)
        } else {
            #expect(warnings.isEmpty, "\(warnings)")
        }
    }

    @Test func aTruncatedGzipBodyIsAFailureNotGarbage() async throws {
        let server = try Self.server()
        let database = try AppDatabase()
        let fetcher = SourceFetcher(fetcher: CurlHTTPFetcher(timeoutSeconds: 10), database: database)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(
                Self.source(try server.url("/truncated.xml")), now: Self.now, lookbackDays: 7,
                logger: WarningLog().logger)
        }
        #expect(error?.description.contains("the compressed body could not be decoded") == true)
        #expect(try await database.allArticles().isEmpty)
        #expect(try server.requests(atLeast: 1).filter { $0["path"] as? String == "/truncated.xml" }.count == 1)
    }

    @Test func aGzipBombStopsAtTheCapOnDecodedBytes() async throws {
        let server = try Self.server()
        let fetcher = CurlHTTPFetcher(timeoutSeconds: 10, maxBytes: 8 << 20)
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(HTTPRequest(url: try server.url("/bomb.xml")))
        }
        #expect(error?.isTooLarge == true)
    }

    /// The decoder itself: the cap is checked per 64 KiB chunk, so it never holds much more than the cap.
    @Test func decodingStopsAtTheCap() throws {
        let folder = try TemporaryFolder()
        let bomb = try Self.gzip([UInt8](repeating: 0x20, count: 4 << 20), in: folder)
        #expect(throws: ContentCoding.Failure.tooLarge(1 << 20)) {
            try ContentCoding.decode(bomb, label: "gzip", limit: 1 << 20)
        }
        #expect(try ContentCoding.decode(bomb, label: nil, limit: 4 << 20).body.count == 4 << 20)
    }

    /// The sniffing rule, on bytes: gzip and zlib headers decode whatever the label; raw deflate only
    /// when labelled; two gzip members are one body; anything else is the body as it is.
    @Test func sniffingRule() throws {
        let folder = try TemporaryFolder()
        let text = Array("<?xml version=\"1.0\"?><rss><channel><title>示例</title></channel></rss>".utf8)
        let gz = try Self.gzip(text, in: folder)
        #expect(try ContentCoding.decode(gz, label: "identity", limit: 1 << 20).body == text)
        #expect(try ContentCoding.decode(gz + gz, label: "gzip", limit: 1 << 20).body == text + text)
        #expect(try ContentCoding.decode(text, label: "gzip", limit: 1 << 20).warning != nil)
        #expect(try ContentCoding.decode(text, label: "utf-8", limit: 1 << 20).body == text)
        #expect(try ContentCoding.decode(text, label: nil, limit: 1 << 20).warning == nil)
        // A zlib stream (RFC 1950) is a gzip member's deflate data with a 2-byte header and an Adler-32.
        let zlib = try zlibStream(text, in: folder)
        #expect(ContentCoding.hasZlibHeader(zlib))
        #expect(try ContentCoding.decode(zlib, label: "deflate", limit: 1 << 20).body == text)
        #expect(
            try ContentCoding.decode(Array(zlib.dropFirst(2).dropLast(4)), label: "deflate", limit: 1 << 20).body
                == text)
        #expect(throws: ContentCoding.Failure.self) {
            try ContentCoding.decode(Array(gz.prefix(12)), label: nil, limit: 1 << 20)
        }
    }

    /// A GBK page sent gzip-compressed without a label, or plain with a gzip label, reads as the plain page
    /// does (sniffing comes before charset detection).
    @Test(arguments: [true, false])
    func aGBKPageWithAWrongCodingReadsAsThePlainPage(compressed: Bool) async throws {
        let folder = try TemporaryFolder()
        let page = try Fixtures.bytes("cases/02-gb2312-label-gbk-chars.html")
        let body = compressed ? try Self.gzip(page, in: folder) : page
        let coding = compressed ? "null" : "\"gzip\""
        let server = try CurlHTTPFetcherTests.LoggedServer(
            files: ["page.html": body],
            config: """
                {"gzip": false, "headers": {"/page.html": {"Content-Type": "text/html; charset=gb2312",
                 "Content-Encoding": \(coding)}}}
                """)
        let response = try await CurlHTTPFetcher(timeoutSeconds: 10).fetch(
            HTTPRequest(url: try server.url("/page.html")))
        #expect(response.body == page)
        let read = ArticleExtractor.extract(
            bytes: response.body, contentType: response.contentType, url: response.url, timeZone: .gmt)
        let direct = ArticleExtractor.extract(
            bytes: page, contentType: "text/html; charset=gb2312", url: response.url, timeZone: .gmt)
        #expect(read.title == direct.title)
        #expect(!read.title.isEmpty)
    }

    /// zlib-wrapped deflate of `bytes`, made with Python's zlib.
    func zlibStream(_ bytes: [UInt8], in folder: TemporaryFolder) throws -> [UInt8] {
        let input = folder.file("z-in-\(UUID().uuidString)")
        let output = folder.file("z-out-\(UUID().uuidString)")
        try Data(bytes).write(to: input)
        try run([
            "/usr/bin/env", "python3", "-c",
            "import sys,zlib; open(sys.argv[2],'wb').write(zlib.compress(open(sys.argv[1],'rb').read()))",
            input.path, output.path,
        ])
        return [UInt8](try Data(contentsOf: output))
    }
}
