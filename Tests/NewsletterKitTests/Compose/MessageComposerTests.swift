import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// Whole messages from ``MessageComposer``: the size budget (case 13), long lines (case 18) and line
/// ends (case 21), the last two also through aiosmtpd on 127.0.0.1 configured as a strict receiver.
@Suite(.serialized)
struct MessageComposerTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let date = FixtureDigest.week2
    static let subscriber = FixtureDigest.subscribers[0]
    /// A receiver that answers 550 to any bare LF or lone CR and 500 to any line over 1,000 octets with CRLF.
    static let strictFaults = #"[{"reject_bare_lf": true}, {"max_line_length": 1000}]"#

    static func composer(in folder: TemporaryFolder, templates: URL? = nil, budget: Int = 90_000) throws
        -> MessageComposer
    {
        try Data(FixtureDigest.yaml.utf8).write(to: folder.file("newsletter.yml"))
        let config = try NewsletterConfig.load(from: folder.file("newsletter.yml"))
        let renderer = try DigestRenderer(
            directory: templates, htmlBudgetBytes: budget, archiveURL: config.archiveURL, logger: logger)
        return MessageComposer(config: config, renderer: renderer)
    }

    static func content(items: Int, title: (Int) -> String, excerpt: (Int) -> String) -> DigestContent {
        DigestContent(
            title: "党建周报", subject: "党建周报 2019-06-08", issueDate: "2019-06-08",
            items: (0..<items).map {
                DigestItem(
                    key: "k\($0)", title: title($0), url: "https://www.example.com/djzf/2019/0608/\($0).html",
                    date: "2019-06-08 09:00",
                    origin: "新华社", category: "党建政法", author: nil, excerpt: excerpt($0))
            })
    }

    /// The encoded body of the part with `type`, between its header block and the CRLF before the boundary.
    static func transmittedPart(_ type: String, of bytes: [UInt8]) throws -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let header = try #require(text.range(of: "Content-Type: \(type); charset=UTF-8\r\n"))
        let start = try #require(text.range(of: "\r\n\r\n", range: header.upperBound..<text.endIndex)).upperBound
        let end = try #require(text.range(of: "\r\n--=_", range: start..<text.endIndex)).lowerBound
        return String(text[start..<end])
    }

    /// Sends `bytes` through libcurl to `server` and expects the stored copy to be byte-identical.
    static func sendAndCompare(_ messages: [[UInt8]], server: SMTPTestServer) throws {
        let transport = CurlSMTPTransport(
            url: Fixtures.url("smtp://127.0.0.1:\(server.port)"), starttls: .off, username: nil, password: nil,
            caFile: nil,
            timeoutSeconds: 30, heloDomain: "news.example.com")
        let session = try transport.makeSession()
        for bytes in messages {
            let outcome = session.send(
                envelopeSender: "digest@news.example.com", recipient: subscriber.email, message: bytes)
            guard case .accepted = outcome else {
                Issue.record("not accepted: \(outcome)")
                continue
            }
        }
        let stored = try server.messages()
        #expect(stored.count == messages.count)
        for (file, bytes) in zip(stored, messages) {
            let copy = Array(try Data(contentsOf: file))
            #expect(copy.count == bytes.count, "stored \(copy.count) bytes, composed \(bytes.count)")
            #expect(copy == bytes, "stored copy of \(bytes.count) bytes differs from the composed message")
        }
    }

    /// Case 13: 60 items × 30-character titles × 400-character summaries through the normal templates,
    /// with the default budget (all 60 fit once the summaries are dropped) and a small one (the last
    /// items become one "另有 N 篇" line linking the archive).
    @Test(arguments: [90_000, 30_000])
    func case13SixtyItemsStayUnderTheClippingSize(budget: Int) throws {
        let folder = try TemporaryFolder()
        let composer = try Self.composer(in: folder, budget: budget)
        let content = Self.content(
            items: 60, title: { _ in String(repeating: "测", count: 30) },
            excerpt: { _ in String(repeating: "测", count: 400) })
        let bytes = try composer.compose(
            content, for: Self.subscriber, messageID: "<case13@news.example.com>", date: Self.date)
        #expect(bytes.count <= 150_000, "whole message \(bytes.count) bytes")
        let html = try Self.transmittedPart("text/html", of: bytes)
        #expect(html.utf8.count <= min(budget, 100_000), "HTML part \(html.utf8.count) bytes as transmitted")

        let parsed = try PythonEmail.parse(bytes)
        #expect(parsed.defects.isEmpty)
        let decoded = try #require(String(validating: parsed.parts[1].payload, as: UTF8.self))
        let shown = decoded.components(separatedBy: "阅读全文").count - 1
        let omitted = decoded.firstMatch(of: /另有 (\d+) 篇/).flatMap { Int($0.1) } ?? 0
        #expect(shown + omitted == 60)
        #expect(!decoded.contains(String(repeating: "测", count: 141)), "summaries are shortened first")
        if budget < 90_000 {
            #expect(omitted > 0)
            // The issue's archive page, which lists every article.
            let page = content.archivePageURL(base: "https://www.example.com/djzf/")
            #expect(decoded.contains("另有 \(omitted) 篇，请见<a class=\"nl-link\" href=\"\(page)\""))
        }
        // The unsubscribe footer is inside the budget and the last thing in the part.
        let link = "href=\"https://news.example.com/u?l=weekly&amp;t=\(Self.subscriber.token)\""
        let unsubscribe = try #require(decoded.range(of: "退订</a>", options: .backwards))
        #expect(decoded[..<unsubscribe.lowerBound].suffix(200).contains(link))
        let tail = decoded[unsubscribe.upperBound...].replacing(/<[^>]*>|\s/, with: "")
        #expect(tail.isEmpty, "after the unsubscribe link: \(tail)")
        // The text part accounts for every item too, with the archive as the last reference.
        let text = try #require(String(validating: parsed.parts[0].payload, as: UTF8.self))
        #expect(text.contains("[\(shown)] https://www.example.com/djzf/2019/0608/\(shown - 1).html\r\n"))
        if omitted > 0 {
            #expect(text.contains("另有 \(omitted) 篇，请见网页版 [\(shown + 1)]。"))
            #expect(
                text.contains("[\(shown + 1)] \(content.archivePageURL(base: "https://www.example.com/djzf/"))\r\n"))
        }
    }

    /// Case 13: issues of different weeks have different Subjects (not threaded as one).
    @Test func case13SubjectsDifferFromWeekToWeek() async throws {
        let folder = try TemporaryFolder()
        let newsletter = try await FixtureDigest.newsletter(in: folder)
        let first = newsletter.makeContent([], now: FixtureDigest.week1).subject
        let second = newsletter.makeContent([], now: FixtureDigest.week2).subject
        #expect(first == "党建周报 2019-06-01")
        #expect(second == "党建周报 2019-06-08")
    }

    /// Case 18: a 3,607-byte line of CJK and a 1,482-byte URL, composed and delivered to a server that
    /// answers 500 to any line over 1,000 octets; decoded, the HTML is the input exactly.
    @Test func case18LongLinesThroughAStrictServer() throws {
        let folder = try TemporaryFolder()
        let url = try #require(
            Bundle.module.url(forResource: "18-line-over-998", withExtension: "html", subdirectory: "Resources/cases"))
        let html = try String(contentsOf: url, encoding: .utf8)
        let direct = try MIMEMessageTests.message(html: html, boundary: nil).bytes()
        // Through the composer: a title of 1,200 × 测 and an article URL of 1,482 bytes.
        let longURL = try #require(html.firstMatch(of: /href="([^"]*)"/)).1
        #expect(longURL.utf8.count == 1_482)
        var content = Self.content(
            items: 1, title: { _ in String(repeating: "测", count: 1_200) }, excerpt: { _ in "摘要" })
        content.items[0].url = String(longURL)
        let composed = try Self.composer(in: folder).compose(
            content, for: Self.subscriber, messageID: "<case18@news.example.com>", date: Self.date)
        for bytes in [direct, composed] {
            #expect(MessageInspection.lines(bytes).allSatisfy { $0.count <= 998 })
            #expect(MessageInspection.lines(bytes).drop { !$0.isEmpty }.allSatisfy { $0.count <= 76 })
        }
        let server = try SMTPTestServer(folder: folder, faults: Self.strictFaults)
        try Self.sendAndCompare([direct, composed], server: server)
        let stored = try server.messages()
        let parsedDirect = try PythonEmail.parse(Array(try Data(contentsOf: stored[0])))
        #expect(parsedDirect.defects.isEmpty)
        #expect(parsedDirect.parts[1].payload == Array(html.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        let parsedComposed = try PythonEmail.parse(Array(try Data(contentsOf: stored[1])))
        let composedHTML = try #require(String(validating: parsedComposed.parts[1].payload, as: UTF8.self))
        #expect(composedHTML.contains("href=\"\(longURL.replacingOccurrences(of: "&", with: "&amp;"))\""))
        let composedText = try #require(String(validating: parsedComposed.parts[0].payload, as: UTF8.self))
        #expect(composedText.contains("[1] \(longURL)\r\n"))
    }

    /// Case 21: templates with CRLF, content with `\n`, `\r\n` and a lone `\r`, a normal and a ~200 KB
    /// message: CRLF only, ending in CRLF, accepted by a server that rejects bare LF, and stored
    /// byte-identical to what the composer produced (no truncation, no rewriting).
    @Test func case21NormalAndLargeMessagesThroughAStrictServer() throws {
        let folder = try TemporaryFolder()
        let templates = folder.file("Templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data(DefaultTemplates.html.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(
            to: templates.appendingPathComponent("digest.html.mustache"))
        try Data(DefaultTemplates.text.utf8).write(to: templates.appendingPathComponent("digest.txt.mustache"))
        let composer = try Self.composer(in: folder, templates: templates, budget: 10_000_000)
        let mixed = "第一行\n第二行\r\n第三行\r第四行 plain ascii line"
        let normal = Self.content(items: 2, title: { "标题\($0)\r\n换行" }, excerpt: { _ in mixed })
        let large = Self.content(
            items: 90, title: { "测试新闻标题 \($0)\n" + String(repeating: "长", count: 20) },
            excerpt: { _ in String(repeating: mixed + "。", count: 8) })
        let messages = try [normal, large].map {
            try composer.compose($0, for: Self.subscriber, messageID: "<case21@news.example.com>", date: Self.date)
        }
        #expect(
            messages[1].count > 180_000 && messages[1].count < 300_000, "large message is \(messages[1].count) bytes")
        for bytes in messages {
            #expect(try !MessageInspection.hasBareLineEnd(bytes))
            #expect(bytes.suffix(2) == [0x0D, 0x0A])
            #expect(MessageInspection.lines(bytes).allSatisfy { $0.count <= 998 })
            let parsed = try PythonEmail.parse(bytes)
            #expect(parsed.defects.isEmpty && parsed.parts.allSatisfy { $0.defects.isEmpty })
        }
        let server = try SMTPTestServer(folder: folder, faults: Self.strictFaults)
        try Self.sendAndCompare(messages, server: server)
        #expect(try server.events().filter { $0["event"] as? String == "reject" }.isEmpty)
    }

    /// The strict server really is strict: a bare LF gets 550 and an over-long line 500.
    ///
    /// The bare LF goes out through the curl command line tool, which sends an upload as it is (case 21); our
    /// session sends every line end as CRLF, so the same message from it arrives with CRLF and is accepted.
    @Test func strictServerRejectsBareLFAndLongLines() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, faults: Self.strictFaults)
        let head = "From: digest@news.example.com\r\nTo: reader1@example.com\r\nSubject: x\r\n\r\n"
        let upload = folder.file("bare-lf.eml")
        try Data((head + "a\nb\r\n").utf8).write(to: upload)
        let curl = try run([
            "/usr/bin/env", "curl", "--silent", "--show-error", "smtp://127.0.0.1:\(server.port)/news.example.com",
            "--mail-from", "digest@news.example.com", "--mail-rcpt", "reader1@example.com", "--upload-file",
            upload.path,
        ])
        #expect(curl.status != 0)
        let rejects = try server.events().filter { $0["event"] as? String == "reject" }
        #expect(rejects.map { $0["code"] as? Int } == [550], "\(curl.stderr)")
        #expect(try server.messages().isEmpty)

        let transport = CurlSMTPTransport(
            url: Fixtures.url("smtp://127.0.0.1:\(server.port)"), starttls: .off, username: nil, password: nil,
            caFile: nil,
            timeoutSeconds: 30, heloDomain: "news.example.com")
        let session = try transport.makeSession()
        let long = session.send(
            envelopeSender: "digest@news.example.com", recipient: "reader1@example.com",
            message: Array((head + String(repeating: "x", count: 999) + "\r\n").utf8))
        #expect(long.code == 500)
        #expect(try server.messages().isEmpty)
        let normalised = session.send(
            envelopeSender: "digest@news.example.com", recipient: "reader1@example.com",
            message: Array((head + "a\nb\r\n").utf8))
        #expect(normalised.code == 250)
        let stored = try #require(try server.messages().first)
        #expect(try Data(contentsOf: stored) == Data((head + "a\r\nb\r\n").utf8))
    }
}
