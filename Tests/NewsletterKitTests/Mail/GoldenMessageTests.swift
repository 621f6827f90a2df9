import Foundation
import Testing

@testable import NewsletterKit

/// The fixture site's 2019-06-08 digest as each subscriber gets it, compared byte for byte with the
/// golden `.eml` files in `Resources/golden/` (CRLF kept; `.gitattributes` marks them binary).
///
/// To regenerate after an intended change, run
/// `NEWSLETTER_UPDATE_GOLDEN=1 swift test --filter GoldenMessageTests` and review the diff of
/// `Tests/NewsletterKitTests/Resources/golden/`.
@Suite(.serialized)
struct GoldenMessageTests {
    static let messageIDs = ["<golden-2019-06-08-1@news.example.com>", "<golden-2019-06-08-2@news.example.com>"]
    static let goldenFolder = RepoPaths.resources.appendingPathComponent("golden")

    static func goldenFile(for subscriber: Subscriber) -> URL {
        goldenFolder.appendingPathComponent("2019-06-08-\(subscriber.email.split(separator: "@")[0]).eml")
    }

    /// Compares `bytes` with the golden file; on a mismatch writes them to a temporary file and says how
    /// to regenerate.
    ///
    /// With `NEWSLETTER_UPDATE_GOLDEN` set, rewrites the golden file instead.
    static func compareWithGolden(_ bytes: [UInt8], file: URL) throws {
        if ProcessInfo.processInfo.environment["NEWSLETTER_UPDATE_GOLDEN"] != nil {
            try Data(bytes).write(to: file)
            return
        }
        let expected = FileManager.default.contents(atPath: file.path).map(Array.init)
        guard expected != bytes else { return }
        let actual = FileManager.default.temporaryDirectory.appendingPathComponent("actual-\(file.lastPathComponent)")
        try Data(bytes).write(to: actual)
        var detail = expected == nil ? "golden file missing" : "differs"
        if let expected {
            let first =
                zip(expected, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(expected.count, bytes.count)
            let line = expected.prefix(first).filter { $0 == 0x0A }.count + 1
            detail += " from byte \(first) (line \(line)); golden \(expected.count) bytes, new \(bytes.count) bytes"
        }
        Issue.record(
            """
            \(file.lastPathComponent) \(detail).
            New output written to \(actual.path)
            Compare: diff \(file.path) \(actual.path)
            If the change is intended: cp \(actual.path) \(file.path)
            or regenerate all: NEWSLETTER_UPDATE_GOLDEN=1 swift test --filter GoldenMessageTests
            """)
    }

    @Test func fixtureDigestMatchesTheGoldenMessages() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, content) = try await FixtureDigest.content(in: folder)
        #expect(content.subject == "党建周报 2019-06-08")
        #expect(content.items.map(\.title) == ["习近平接受俄罗斯主流媒体联合采访", "6月开始,全党上下开展“不忘初心、牢记使命”主题教育!"])
        for (subscriber, messageID) in zip(FixtureDigest.subscribers, Self.messageIDs) {
            let bytes = try newsletter.composer.compose(
                content, for: subscriber, messageID: messageID, date: FixtureDigest.week2)
            try Self.compareWithGolden(bytes, file: Self.goldenFile(for: subscriber))
        }
    }

    /// Every golden file read by Python's `email` (policy.default): no defects, the decoded Subject and
    /// parts exactly the source text, links and unsubscribe data of that subscriber only.
    @Test(arguments: zip(FixtureDigest.subscribers, messageIDs))
    func goldenFileParsesExactly(subscriber: Subscriber, messageID: String) async throws {
        let bytes = try #require(
            FileManager.default.contents(atPath: Self.goldenFile(for: subscriber).path).map(Array.init))
        #expect(try !MessageInspection.hasBareLineEnd(bytes))
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(MessageInspection.lines(bytes).allSatisfy { $0.count <= 998 })

        let parsed = try PythonEmail.parse(bytes)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.headerDefects.isEmpty, "\(parsed.headerDefects)")
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(parsed.parts.allSatisfy { $0.defects.isEmpty && $0.charset == "utf-8" })
        #expect(parsed.headers["Subject"] == ["党建周报 2019-06-08"])
        #expect(parsed.madeHeaders["Subject"] == "党建周报 2019-06-08")
        #expect(parsed.headers["Message-ID"] == [messageID])
        #expect(parsed.headers["From"] == ["党建周报 <digest@news.example.com>"])
        #expect(
            parsed.headers["To"] == [
                subscriber.name.isEmpty ? subscriber.email : "\(subscriber.name) <\(subscriber.email)>"
            ])
        #expect(parsed.headers["List-Id"] == ["党建周报 <weekly.news.example.com>"])
        #expect(parsed.headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"])
        #expect(parsed.dateISO == "2019-06-08T08:00:00+08:00")

        // The parts, decoded by Python, are exactly what the renderer makes from the same content.
        let folder = try TemporaryFolder()
        let (newsletter, content) = try await FixtureDigest.content(in: folder)
        let bodies = newsletter.composer.renderer.render(
            content,
            for: .init(name: subscriber.name, unsubscribeURL: newsletter.composer.unsubscribeURL(for: subscriber)))
        #expect(parsed.parts[0].payload == Array(LineEnding.normalizedToCRLF(bodies.text).utf8))
        #expect(parsed.parts[1].payload == Array(LineEnding.normalizedToCRLF(bodies.html).utf8))
        let text = try #require(String(validating: parsed.parts[0].payload, as: UTF8.self))
        let html = try #require(String(validating: parsed.parts[1].payload, as: UTF8.self))
        for item in content.items {
            #expect(text.contains(item.title) && text.contains(item.url))
            #expect(html.contains("href=\"\(item.url)\""))
        }
        #expect(text.contains("[1] https://www.example.com/djzf/2019/0604/1293.html\r\n"))
        #expect(text.contains("[2] https://www.example.com/djzf/2019/0603/1290.html\r\n"))
        #expect(text.contains("退订：https://news.example.com/u?l=weekly&t=\(subscriber.token)\r\n"))
        for other in FixtureDigest.subscribers where other.token != subscriber.token {
            #expect(!String(decoding: bytes, as: UTF8.self).contains(other.token))
            #expect(!text.contains(other.token) && !html.contains(other.token))
        }
    }
}
