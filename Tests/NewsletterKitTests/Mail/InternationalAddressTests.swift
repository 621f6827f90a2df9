import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// Case 38: IDN domains leave as A-labels computed by the tool, SMTPUTF8 only for a UTF-8 local part and only
/// towards a server that offers it, otherwise a permanent failure for that recipient alone; headers 7-bit
/// unless SMTPUTF8 was declared.
///
/// Servers S1 (no SMTPUTF8) and S2 (SMTPUTF8) are
/// Tests/Support/smtputf8_server.py on 127.0.0.1.
@Suite(.serialized)
struct InternationalAddressTests {
    // MARK: - IDNA and Punycode

    @Test(arguments: [
        ("测试.example.org", "xn--0zwm56d.example.org"), ("新闻.example.com", "xn--efvy88h.example.com"),
        ("XN--0ZWM56D.example.org", "xn--0zwm56d.example.org"), ("Example.COM", "example.com"),
        ("测试。example．org", "xn--0zwm56d.example.org"), ("bücher.example", "xn--bcher-kva.example"),
        ("ＥＸＡＭＰＬＥ.com", "example.com"), ("münchen-ost.example.de", "xn--mnchen-ost-9db.example.de"),
    ])
    func domainsBecomeLowerCaseALabels(domain: String, expected: String) throws {
        #expect(try IDNA.toASCII(domain) == expected)
    }

    @Test(arguments: [
        ("测试..example.org", IDNA.Failure.emptyLabel), (".example.org", .emptyLabel), ("example.org.", .emptyLabel),
        ("xn--zz.example.org", .invalidALabel("xn--zz")), ("xn--abc-.example", .invalidLabel("xn--abc-")),
        ("a_b.example", .invalidLabel("a_b")), ("☃☃.example", .invalidLabel("☃☃")),
        (
            "\(String(repeating: "他们为什么不说中文", count: 5)).example",
            .labelTooLong(String(repeating: "他们为什么不说中文", count: 5))
        ),
    ])
    func invalidDomainsAreRejected(domain: String, failure: IDNA.Failure) {
        #expect(throws: failure) { try IDNA.toASCII(domain) }
    }

    /// RFC 3492 §7.1 samples (Chinese simplified, Arabic, Japanese) and the round trip.
    @Test(arguments: [
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"),
        ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ("bücher", "bcher-kva"),
    ])
    func punycodeSamples(unicode: String, encoded: String) {
        #expect(Punycode.encode(unicode) == encoded)
        #expect(Punycode.decode(encoded) == unicode)
    }

    @Test func aLabelsDecodeForPeople() {
        #expect(IDNA.toUnicode("xn--0zwm56d.example.org") == "测试.example.org")
    }

    // MARK: - Addresses

    @Test func idnSpellingsOfOneMailboxAreEqualAndASCII() throws {
        let unicode = try MailAddress(email: "reader2@测试.example.org")
        let ace = try MailAddress(email: "reader2@XN--0ZWM56D.example.org")
        #expect(unicode.email == "reader2@xn--0zwm56d.example.org")
        #expect(unicode == ace)
        #expect(unicode.email.utf8.allSatisfy { $0 < 0x80 })
        #expect(!unicode.requiresSMTPUTF8)
        let chinese = try MailAddress(email: "读者三@example.net")
        #expect(chinese.requiresSMTPUTF8)
        #expect(chinese.email == "读者三@example.net")
    }

    @Test func anEmptyLabelIsRejectedByName() {
        #expect(throws: MailAddressError(.emptyDomainLabel, address: "reader5@测试..example.org")) {
            try MailAddress(email: "reader5@测试..example.org")
        }
        let description = "\(MailAddressError(.emptyDomainLabel, address: "reader5@测试..example.org"))"
        #expect(description.contains("empty label"))
    }

    @Test func theCaseListLoadsFourSubscribers() throws {
        let file = RepoPaths.resources.appendingPathComponent("cases/38-utf8-idn-envelope.subscribers.csv")
        let list = try SubscriberList.load(from: file, tokens: nil)
        // The list keeps each address as first written (case 39); the envelope gets the A-labels.
        #expect(
            list.subscribers.map(\.email) == [
                "reader1@example.com", "reader2@测试.example.org", "读者三@example.net", "reader4@example.com",
            ])
        #expect(list.problems.first?.reason.contains("line 3") == true)
        #expect(list.index(of: "Reader2@XN--0ZWM56D.example.org") == 1)
        #expect(list.problems.map(\.line) == [6, 7])
        #expect(list.problems.first?.reason.contains("duplicate") == true)
        #expect(list.problems.last?.reason.contains("empty label") == true)
    }

    // MARK: - Against S1 and S2

    static let subscribers = [
        Subscriber(email: "读者三@example.net", name: "测试读者三", token: "3333333333333333"),
        Subscriber(email: "reader1@example.com", name: "测试读者一", token: "1111111111111111"),
        Subscriber(email: "reader2@测试.example.org", name: "测试读者二", token: "2222222222222222"),
        Subscriber(email: "reader4@example.com", name: "测试读者四", token: "4444444444444444"),
    ]

    struct Run {
        var outcomes: [String: SMTPOutcome] = [:]
        var commands: [[UInt8]] = []
        var stored: [(meta: [String: Any], bytes: [UInt8])] = []
    }

    static func run(smtputf8: Bool, sender: String) throws -> Run {
        let folder = try TemporaryFolder()
        let maildir = folder.file("mail")
        try FileManager.default.createDirectory(at: maildir, withIntermediateDirectories: true)
        let server = try PythonServer(
            script: "smtputf8_server.py", arguments: ["--maildir", maildir.path] + (smtputf8 ? ["--smtputf8"] : []),
            folder: folder)
        let yaml = FixtureDigest.yaml.replacingOccurrences(
            of: "from: \"党建周报 <digest@news.example.com>\"", with: "from: \"示例新闻 <\(sender)>\"")
        try Data(yaml.utf8).write(to: folder.file("newsletter.yml"))
        let config = try NewsletterConfig.load(from: folder.file("newsletter.yml"))
        let renderer = try DigestRenderer(directory: nil, logger: FixtureDigest.logger)
        let composer = MessageComposer(config: config, renderer: renderer)
        let content = MessageComposerTests.content(items: 2, title: { "标题\($0)" }, excerpt: { _ in "摘要。" })
        let transport = CurlSMTPTransport(
            url: Fixtures.url("smtp://127.0.0.1:\(server.port)"), starttls: .off, username: nil, password: nil,
            caFile: nil, timeoutSeconds: 20, heloDomain: "news.example.com")
        let session = try transport.makeSession()
        var run = Run()
        for (index, subscriber) in subscribers.enumerated() {
            let message = try composer.compose(
                content, for: subscriber, messageID: "<m\(index)@example.com>", date: FixtureDigest.week2)
            run.outcomes[subscriber.email] = session.send(
                envelopeSender: sender, recipient: subscriber.email, message: message)
        }
        server.stop()
        let log = try String(contentsOf: maildir.appendingPathComponent("commands.jsonl"), encoding: .utf8)
        for line in log.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            run.commands.append(try hexBytes(try #require(object["hex"] as? String)))
        }
        let files = try FileManager.default.contentsOfDirectory(at: maildir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }.sorted { $0.path < $1.path }
        for file in files {
            let meta = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: file.deletingPathExtension().appendingPathExtension("json")))
                    as? [String: Any])
            run.stored.append((meta, Array(try Data(contentsOf: file))))
        }
        return run
    }

    static func hexBytes(_ hex: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        return bytes
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func headerBlock(_ bytes: [UInt8]) -> [UInt8] {
        let text = Array(bytes)
        for index in 0..<(text.count - 3) where text[index..<index + 4] == [13, 10, 13, 10] {
            return Array(text[..<index])
        }
        return text
    }

    @Test(arguments: ["news@example.com", "news@新闻.example.com"])
    func s1WithoutSMTPUTF8(sender: String) throws {
        let run = try Self.run(smtputf8: false, sender: sender)
        // Never a byte ≥ 0x80 on the wire: the tool knew before sending.
        #expect(run.commands.allSatisfy { $0.allSatisfy { $0 < 0x80 } })
        #expect(run.stored.count == 3)
        let failure = try #require(run.outcomes["读者三@example.net"])
        guard case .permanentFailure(let code, let reply) = failure else {
            Issue.record("读者三: \(failure)")
            return
        }
        #expect(code == 0, "not a server reply: must not count towards bounce-disabling")
        #expect(reply.contains("SMTPUTF8"))
        for email in ["reader1@example.com", "reader2@测试.example.org", "reader4@example.com"] {
            guard case .accepted = try #require(run.outcomes[email]) else {
                Issue.record("\(email): \(String(describing: run.outcomes[email]))")
                continue
            }
        }
        let lines = run.commands.map(Self.text)
        #expect(lines.contains("RCPT TO:<reader2@xn--0zwm56d.example.org>"))
        let from = sender == "news@example.com" ? "<news@example.com>" : "<news@xn--efvy88h.example.com>"
        #expect(lines.filter { $0.hasPrefix("MAIL FROM:") }.allSatisfy { $0.hasPrefix("MAIL FROM:\(from)") })
        #expect(lines.filter { $0.hasPrefix("MAIL FROM:") }.allSatisfy { !$0.uppercased().contains("SMTPUTF8") })
        for message in run.stored {
            #expect(Self.headerBlock(message.bytes).allSatisfy { $0 < 0x80 }, "header block not 7-bit")
        }
        let reader2 = try #require(
            run.stored.first { Self.text($0.bytes).contains("reader2@xn--0zwm56d.example.org>") })
        #expect(Self.text(reader2.bytes).contains("\r\nTo: =?UTF-8?B?"))
        #expect(Self.text(reader2.bytes).contains("?= <reader2@xn--0zwm56d.example.org>\r\n"))
    }

    @Test(arguments: ["news@example.com", "news@新闻.example.com"])
    func s2WithSMTPUTF8(sender: String) throws {
        let run = try Self.run(smtputf8: true, sender: sender)
        #expect(run.stored.count == 4)
        #expect(run.outcomes.values.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(run.outcomes)")
        let from = sender == "news@example.com" ? "<news@example.com>" : "<news@xn--efvy88h.example.com>"
        for message in run.stored {
            let mailFrom = try Self.hexBytes(try #require(message.meta["mail_from_hex"] as? String))
            let rcpts = try #require(message.meta["rcpt_hex"] as? [String]).map(Self.hexBytes)
            let utf8 = rcpts.contains { $0.contains { $0 >= 0x80 } }
            #expect(Self.text(mailFrom).hasPrefix("MAIL FROM:\(from)"))
            #expect(Self.text(mailFrom).uppercased().contains(" SMTPUTF8") == utf8)
            if utf8 {
                #expect(
                    rcpts == [
                        Array("RCPT TO:<".utf8) + [0xE8, 0xAF, 0xBB, 0xE8, 0x80, 0x85, 0xE4, 0xB8, 0x89]
                            + Array("@example.net>".utf8)
                    ])
                #expect(Self.text(Self.headerBlock(message.bytes)).contains(" <读者三@example.net>"))
            } else {
                #expect(Self.headerBlock(message.bytes).allSatisfy { $0 < 0x80 }, "header block not 7-bit")
            }
        }
    }
}
