import Foundation
import Testing

@testable import NewsletterKit

/// `newsletter mailbox` through the built executable against Dovecot (IMAP and POP3) on 127.0.0.1,
/// after a real `send` to aiosmtpd recorded each delivery's Message-ID in the ledger.
@Suite(.serialized, .enabled(if: DovecotServer.isAvailable || Browser.isCI, "dovecot-imapd/pop3d not installed"))
struct MailboxEndToEndTests {
    static let recipients = [
        "gone@example.net", "full@example.net", "exim-gone@example.org", "gmail-gone@example.com",
        "gmail-old@example.com", "slow@example.net", "b@example.org", "c@example.org", "reader@example.com",
        "keep@example.com", "blocked@example.net", "complains@example.org",
    ]
    static let tokens = [
        "b@example.org": "1a2b3c4d5e6f7a8b", "c@example.org": "c0ffee00c0ffee00",
        "keep@example.com": "4b33b4b33b4b33b4",
    ]

    /// Sends week 1 of the fixture site to every recipient and returns the config and each
    /// recipient's Message-ID as the SMTP server received it.
    static func sendDigest(_ folder: TemporaryFolder, mailboxLines: [String] = []) throws -> (URL, [String: String]) {
        let http = try HTTPTestServer(
            folder: folder, root: RepoPaths.resources.appendingPathComponent("site/2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        var csv = "email,name,status,token,added\r\n"
        for (index, email) in recipients.enumerated() {
            csv += "\(email),,active,\(tokens[email] ?? String(format: "%016x", 0x5eed00 + index)),\r\n"
        }
        try Data(csv.utf8).write(to: folder.file("subscribers.csv"))
        let config = try TestConfig.write(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")], smtpPort: smtp.port,
            smtp: ["  connections: 2", "  rate_per_second: 0", "  retry_delays: []"],
            extra: [
                "unsubscribe_url: \"https://news.example.com/u?l=weekly&t={{token}}\"",
                "unsubscribe_mailto: unsubscribe@news.example.com",
            ] + mailboxLines)
        let sent = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        var ids: [String: String] = [:]
        for event in try smtp.events() where event["event"] as? String == "message" {
            guard let file = event["file"] as? String, let rcpt = (event["rcpt_tos"] as? [String])?.first else {
                continue
            }
            let path = file.hasPrefix("/") ? file : smtp.maildir.appendingPathComponent(file).path
            let message = InboundMessage(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            ids[rcpt] = message.header("Message-ID")
        }
        #expect(ids.count == recipients.count)
        return (config, ids)
    }

    static func mailboxMessages(ids: [String: String]) throws -> [(name: String, bytes: [UInt8])] {
        // The recipient whose Message-ID the fixture names; the token is b@example.org's unless the fixture says.
        let fixtures: [(file: String, recipient: String?, tokenOwner: String?)] = [
            ("postfix-dsn-hard.eml", "gone@example.net", nil), ("postfix-dsn-soft.eml", "full@example.net", nil),
            ("exim-plain-hard.eml", "exim-gone@example.org", nil),
            ("gmail-dsn-hard.eml", "gmail-gone@example.com", nil),
            ("gmail-plain-hard.eml", "gmail-old@example.com", nil),
            ("postfix-delay-warning.eml", "slow@example.net", nil),
            ("autoreply-rfc3834.eml", "reader@example.com", nil), ("vacation-subject-only.eml", nil, nil),
            ("unsubscribe-subject.eml", nil, nil), ("unsubscribe-body.eml", nil, "c@example.org"),
            ("human-question.eml", nil, nil), ("foreign-bounce.eml", nil, nil),
            // A new-user trial's: a reader's question pasting the digest's headers (their token among them), a
            // blocklisting bounce, a spam complaint.
            ("reply-quoting-headers.eml", "keep@example.com", "keep@example.com"),
            ("o365-dsn-blocklisted.eml", "blocked@example.net", nil),
            ("arf-full-message.eml", "complains@example.org", nil),
        ]
        return try fixtures.map { fixture in
            var text = String(decoding: try Fixtures.bytes("mailbox/\(fixture.file)"), as: UTF8.self)
            if let recipient = fixture.recipient {
                let id = ids[recipient] ?? "<missing@example.com>"
                text = text.replacingOccurrences(of: "{{MESSAGE_ID}}", with: id)
                    .replacingOccurrences(of: "{{MESSAGE_ID_BARE}}", with: String(id.dropFirst().dropLast()))
            }
            let token = tokens[fixture.tokenOwner ?? "b@example.org"]
            text = text.replacingOccurrences(of: "{{TOKEN}}", with: token ?? "")
            return (fixture.file, Array(text.utf8))
        }
    }

    static func statuses(_ folder: TemporaryFolder) throws -> [String: Subscriber.Status] {
        let list = try SubscriberList.load(from: folder.file("subscribers.csv"), tokens: nil)
        #expect(list.problems.isEmpty)
        return Dictionary(list.subscribers.map { ($0.email, $0.status) }, uniquingKeysWith: { first, _ in first })
    }

    /// Each DSN marks exactly its address; the soft bounce, the delay warning, the auto-replies and the blocklisting
    /// bounce change nothing; both unsubscribe mails and the spam complaint apply; the questions (one pasting the
    /// digest's headers, token and all) and the foreign bounce are left alone and reported; a second run processes
    /// nothing twice.
    @Test(arguments: ["imap", "pop3"])
    func bouncesUnsubscribesAndAutoRepliesOnce(scheme: String) throws {
        let folder = try TemporaryFolder()
        // The mailbox section is written once the server's port is known: send first, then rewrite.
        let (config, ids) = try Self.sendDigest(folder)
        let dovecot = try DovecotServer(folder: folder, messages: try Self.mailboxMessages(ids: ids))
        let port = scheme == "imap" ? dovecot.imapPort : dovecot.pop3Port
        var yaml = try String(contentsOf: config, encoding: .utf8)
        yaml += """
            mailbox:
              url: \(scheme)://127.0.0.1:\(port)\(scheme == "imap" ? "/INBOX" : "")
              starttls: off
              username: \(DovecotServer.user)
              password_env: TEST_MAILBOX_PASSWORD

            """
        try Data(yaml.utf8).write(to: config)
        let environment = ["TEST_MAILBOX_PASSWORD": DovecotServer.password]

        let first = try newsletter(["mailbox", "--config", config.path], environment: environment)
        #expect(first.status == 3, "\(first.stdout)\(first.stderr)")
        #expect(
            first.stdout.contains(
                "mailbox: 15 message(s): 4 hard bounce(s), 1 soft bounce(s), 1 blocked, 2 unsubscribed, 1 complaint(s), 2 auto-reply(ies), 1 report(s) without a failure, 0 processed before, 3 left alone"
            ), "\(first.stdout)")
        #expect(first.stdout.contains("not-ours-0001@example.com"))
        #expect(first.stdout.contains("hard bounce: gone@example.net: 5.1.1 (smtp; 550 5.1.1"), "\(first.stdout)")
        #expect(first.stdout.contains("): status set to bounced"), "\(first.stdout)")
        #expect(first.stdout.contains("blocked: blocked@example.net: 5.7.1"), "\(first.stdout)")
        #expect(first.stdout.contains("unsubscribed after a spam complaint: complains@example.org"), "\(first.stdout)")
        #expect(first.stdout.contains("Subject: Who sent me this?"), "\(first.stdout)")
        var expected = Dictionary(
            Self.recipients.map { ($0, Subscriber.Status.active) }, uniquingKeysWith: { a, _ in a })
        for email in ["gone@example.net", "exim-gone@example.org", "gmail-gone@example.com", "gmail-old@example.com"] {
            expected[email] = .bounced
        }
        expected["b@example.org"] = .unsubscribed
        expected["c@example.org"] = .unsubscribed
        expected["complains@example.org"] = .unsubscribed
        #expect(try Self.statuses(folder) == expected)
        let listAfterFirst = try Data(contentsOf: folder.file("subscribers.csv"))

        let second = try newsletter(["mailbox", "--config", config.path], environment: environment)
        #expect(second.status == 3, "\(second.stdout)\(second.stderr)")
        #expect(
            second.stdout.contains(
                "mailbox: 3 message(s): 0 hard bounce(s), 0 soft bounce(s), 0 blocked, 0 unsubscribed, 0 complaint(s), 0 auto-reply(ies), 0 report(s) without a failure, 0 processed before, 3 left alone"
            ), "\(second.stdout)")
        #expect(try Data(contentsOf: folder.file("subscribers.csv")) == listAfterFirst)
        if scheme == "imap" {
            // Twelve messages carry the keyword (Maildir keyword letter `a`) and \Seen; the three left
            // alone are still unread.
            let names = try dovecot.maildirNames()
            #expect(names.filter { $0.hasSuffix(":2,Sa") }.count == 12, "\(names)")
            #expect(names.filter { $0.hasSuffix(":2,") }.count == 3, "\(names)")
        } else {
            #expect(try dovecot.maildirNames().count == 3)
        }
    }

    /// Stopping the server stops Dovecot: started from a test thread with signals blocked, its master inherited
    /// the mask, ignored SIGTERM and outlived every test (42 masters after one full run).
    @Test func dovecotStopsWithTheServer() throws {
        let folder = try TemporaryFolder()
        let dovecot = try DovecotServer(folder: folder, messages: [])
        let config = dovecot.directory.appendingPathComponent("dovecot.conf").path
        func masters() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { $0.allSatisfy(\.isNumber) }
                .filter { pid in
                    let line = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
                    return String(decoding: line, as: UTF8.self).contains(config)
                }
        }
        #expect(try !masters().isEmpty, "no Dovecot master found for \(config)")
        dovecot.stop()
        let end = ContinuousClock.now + .seconds(10)
        while try !masters().isEmpty, ContinuousClock.now < end { usleep(50_000) }
        #expect(try masters().isEmpty, "Dovecot still runs after stop()")
    }

    /// A wrong password or a closed port: one clear error naming the server, exit 1, nothing changed.
    @Test func unreachableOrRefusedMailboxChangesNothing() throws {
        let folder = try TemporaryFolder()
        let dovecot = try DovecotServer(folder: folder, messages: [])
        try Data("email,name,status,token,added\r\na@example.com,,active,9f8e7d6c,\r\n".utf8).write(
            to: folder.file("subscribers.csv"))
        let config = try TestConfig.write(
            in: folder, sources: [("x", "http://127.0.0.1:1/x.html")],
            extra: [
                "mailbox:", "  url: imap://127.0.0.1:\(dovecot.imapPort)/INBOX", "  starttls: off",
                "  username: \(DovecotServer.user)", "  password_env: TEST_MAILBOX_PASSWORD",
            ])
        let before = try Data(contentsOf: folder.file("subscribers.csv"))
        let refused = try newsletter(
            ["mailbox", "--config", config.path], environment: ["TEST_MAILBOX_PASSWORD": "wrong"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("imap://127.0.0.1:\(dovecot.imapPort)"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("wrong"))
        let unset = try newsletter(["mailbox", "--config", config.path], environment: [:])
        #expect(unset.status == 1)
        #expect(unset.stderr.contains("TEST_MAILBOX_PASSWORD"))
        #expect(try Data(contentsOf: folder.file("subscribers.csv")) == before)
    }

    /// `imap://` and `pop3://` with `starttls: required` encrypt the session before the login.
    ///
    /// The server's certificate is checked against `ca_file`, and the mailbox is processed as in clear.
    /// Against a server that offers no STARTTLS, `required` refuses to log in: exit 1, nothing changed.
    @Test(arguments: ["imap", "pop3"])
    func startTLSIsRequiredAndUsed(scheme: String) throws {
        let folder = try TemporaryFolder()
        let (cert, key) = try SetupCheckTests.certificate(in: folder)
        try Data("email,name,status,token,added\r\nb@example.org,,active,1a2b3c4d5e6f7a8b,\r\n".utf8).write(
            to: folder.file("subscribers.csv"))
        var text = String(decoding: try Fixtures.bytes("mailbox/unsubscribe-subject.eml"), as: UTF8.self)
        text = text.replacingOccurrences(of: "{{TOKEN}}", with: "1a2b3c4d5e6f7a8b")
        let messages = [(name: "unsubscribe-subject.eml", bytes: Array(text.utf8))]
        let plain = try DovecotServer(folder: folder, messages: messages)
        let secure = try DovecotServer(folder: folder, messages: messages, tls: (cert, key))
        func config(_ server: DovecotServer, name: String) throws -> URL {
            let port = scheme == "imap" ? server.imapPort : server.pop3Port
            let file = try TestConfig.write(
                in: folder, sources: [("x", "http://127.0.0.1:1/x.html")],
                extra: [
                    "mailbox:", "  url: \(scheme)://127.0.0.1:\(port)\(scheme == "imap" ? "/INBOX" : "")",
                    "  starttls: required", "  ca_file: \(cert)", "  username: \(DovecotServer.user)",
                    "  password_env: TEST_MAILBOX_PASSWORD",
                ])
            let named = folder.file(name)
            try FileManager.default.moveItem(at: file, to: named)
            return named
        }
        let environment = ["TEST_MAILBOX_PASSWORD": DovecotServer.password]
        let before = try Data(contentsOf: folder.file("subscribers.csv"))
        let refused = try newsletter(
            ["mailbox", "--config", try config(plain, name: "plain.yml").path], environment: environment)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(try Data(contentsOf: folder.file("subscribers.csv")) == before)

        let result = try newsletter(
            ["mailbox", "--config", try config(secure, name: "secure.yml").path], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("1 unsubscribed"), "\(result.stdout)")
        #expect(try Self.statuses(folder)["b@example.org"] == .unsubscribed)
        // Dovecot logged the login as a TLS session.
        let log = try String(contentsOf: secure.directory.appendingPathComponent("dovecot.log"), encoding: .utf8)
        #expect(log.contains("TLS"), "\(log)")
    }
}
