import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// ``PreparedDigest`` (render once, personalise by splicing) against a full render per recipient: the same
/// bytes for every recipient, whatever the name, token, content size, transfer encodings and templates.
struct PreparedDigestTests {
    static let date = FixtureDigest.week2

    /// Names that move wrapping, encoded-words, HTML escaping and the base64/quoted-printable choice.
    static let names: [String] = [
        "", "测试读者一", "Reader Two", "O'Brien", "\"Quoted\" Name", "Tom & Jerry <tj>",
        String(repeating: "长", count: 80), String(repeating: "Longname ", count: 30), "王 小明", "José Ñúñez",
        "e\u{301}cole", "😀 Emoji Fan", "Pat, the \"Editor\"", "   spaced   ", "a",
        String(repeating: "测试", count: 300),
    ]
    /// Tokens spliced into the prepared List-Unsubscribe fields (unreserved characters) and tokens that take
    /// the full path (`%`, `+`, `/`, `=`), short and long.
    static let tokens = [
        "0", "9f8e7d6c5b4a3921", "abc-DEF_123", String(repeating: "f", count: 64), "a.b~c", "t%41k+n/=",
        String(repeating: "Z", count: 400),
    ]

    static func subscribers() -> [Subscriber] {
        var result: [Subscriber] = []
        for (index, name) in names.enumerated() {
            for (tokenIndex, token) in tokens.enumerated() {
                result.append(
                    Subscriber(email: "reader\(index)-\(tokenIndex)@example.com", name: name, token: token))
            }
        }
        return result
    }

    static func expectSame(_ composer: MessageComposer, _ content: DigestContent) throws -> Int {
        let prepared = try composer.prepare(content, date: date)
        var spliced = 0
        for (index, subscriber) in subscribers().enumerated() {
            let messageID = "<id-\(index)@news.example.com>"
            let fast = try prepared.message(for: subscriber, messageID: messageID)
            let full = try composer.compose(content, for: subscriber, messageID: messageID, date: date)
            #expect(
                fast == full, "\(subscriber.name) / \(subscriber.token): spliced message differs from a full render")
            if try prepared.isPersonalizedBySplicing(subscriber) { spliced += 1 }
        }
        return spliced
    }

    @Test func theFixtureDigestIsSplicedAndEqualsTheGoldenMessages() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, content) = try await FixtureDigest.content(in: folder)
        let prepared = try newsletter.composer.prepare(content, date: Self.date)
        for (subscriber, messageID) in zip(FixtureDigest.subscribers, GoldenMessageTests.messageIDs) {
            #expect(try prepared.isPersonalizedBySplicing(subscriber))
            let bytes = try prepared.message(for: subscriber, messageID: messageID)
            try GoldenMessageTests.compareWithGolden(bytes, file: GoldenMessageTests.goldenFile(for: subscriber))
        }
        let spliced = try Self.expectSame(newsletter.composer, content)
        #expect(spliced == Self.subscribers().count)
    }

    /// Chinese-heavy parts (base64), Latin parts (quoted-printable), and a 60-item week trimmed to the budget
    /// (case 13) at several levels.
    @Test(arguments: [
        (items: 3, cjk: true, budget: 90_000), (items: 3, cjk: false, budget: 90_000),
        (items: 60, cjk: true, budget: 90_000), (items: 60, cjk: true, budget: 30_000),
        (items: 60, cjk: false, budget: 20_000),
    ])
    func splicedEqualsFullRender(items: Int, cjk: Bool, budget: Int) throws {
        let folder = try TemporaryFolder()
        let composer = try MessageComposerTests.composer(in: folder, budget: budget)
        let content = MessageComposerTests.content(
            items: items, title: { cjk ? "测试标题第\($0)篇" : "Article number \($0) about things" },
            excerpt: { cjk ? String(repeating: "测试内容。", count: 80 + $0) : String(repeating: "Words here. ", count: 40) }
        )
        let spliced = try Self.expectSame(composer, content)
        #expect(spliced > Self.subscribers().count / 2, "only \(spliced) messages were spliced")
    }

    /// Templates that put the name at the top, escape it or not, or transform it (which the probe detects:
    /// every message is then rendered in full, still equal).
    @Test(arguments: [
        (
            "<p>您好，{{subscriber_name}}！</p>\n<a href=\"{{unsubscribe_url}}\">退订</a> {{{subscriber_name}}}\n",
            "{{%CONTENT_TYPE: TEXT}}\n{{subscriber_name}}，您好 {{unsubscribe_url}} {{subscriber_name}}\n", true
        ),
        ("<p>{{uppercased(subscriber_name)}}</p>{{unsubscribe_url}}\n", "{{%CONTENT_TYPE: TEXT}}\nhi\n", false),
    ])
    func customTemplates(html: String, text: String, splices: Bool) throws {
        let folder = try TemporaryFolder()
        let templates = folder.file("Templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data(html.utf8).write(to: templates.appendingPathComponent("digest.html.mustache"))
        try Data(text.utf8).write(to: templates.appendingPathComponent("digest.txt.mustache"))
        let composer = try MessageComposerTests.composer(in: folder, templates: templates)
        let content = MessageComposerTests.content(items: 2, title: { "标题\($0)" }, excerpt: { _ in "摘要。" })
        let spliced = try Self.expectSame(composer, content)
        #expect((spliced > 0) == splices)
    }

    @Test func base64LinesEqualTheWholeEncoding() {
        for count in [0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 1000] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            let whole = Base64Body.encode(bytes)
            let expected = stride(from: 0, to: whole.count, by: 76).map {
                String(whole.dropFirst($0).prefix(76))
            }.joined(separator: "\r\n")
            #expect(String(decoding: Base64Body.lines(bytes[...]), as: UTF8.self) == expected)
        }
    }

    /// The spliced List-Unsubscribe fields equal the full path's for every token, up to the 900-octet URL limit
    /// and past it (where both refuse the URL).
    @Test func unsubscribeFieldsSplicedEqualTheFullPath() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, content) = try await FixtureDigest.content(in: folder)
        let composer = newsletter.composer
        let prepared = try composer.prepare(content, date: Self.date)
        let parts = composer.config.unsubscribeURL?.components(separatedBy: "{{token}}")
        var tokens = Self.tokens
        for length in [800, 840, 850, 860, 870, 880, 890, 900] { tokens.append(String(repeating: "k", count: length)) }
        for token in tokens {
            let link = parts?.joined(separator: token)
            let full = Result { try composer.listUnsubscribe(link: link, token: token)?.headerFields ?? "" }
            let spliced = Result { try prepared.unsubscribeFields(token: token, link: link) }
            switch (full, spliced) {
            case (.success(let expected), .success(let got)): #expect(got == expected, "token of \(token.count)")
            case (.failure, .failure): break
            default: Issue.record("token of \(token.count): full \(full), spliced \(spliced)")
            }
        }
    }
}
