import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// libcurl SMTP against aiosmtpd on 127.0.0.1, with injected faults.
@Suite(.serialized)
struct CurlSMTPTransportTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func message(to recipient: String, body: String = "正文\r\n.leading dot\r\n") -> [UInt8] {
        Array(
            "From: sender@example.com\r\nTo: \(recipient)\r\nSubject: test\r\nMessage-ID: <\(UUID().uuidString)@example.com>\r\n\r\n\(body)"
                .utf8)
    }

    static func transport(
        port: Int, starttls: NewsletterConfig.StartTLS = .off, username: String? = nil, password: String? = nil,
        caFile: String? = nil, host: String = "127.0.0.1"
    ) -> CurlSMTPTransport {
        CurlSMTPTransport(
            url: Fixtures.url("smtp://\(host):\(port)"), starttls: starttls, username: username, password: password,
            caFile: caFile, timeoutSeconds: 20, heloDomain: "example.com")
    }

    @Test func sendsExactBytesAndReusesTheConnection() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder)
        let session = try Self.transport(port: server.port).makeSession()
        let first = Self.message(to: "a@example.com")
        let outcomes = [
            session.send(envelopeSender: "sender@example.com", recipient: "a@example.com", message: first),
            session.send(
                envelopeSender: "sender@example.com", recipient: "b@example.org",
                message: Self.message(to: "b@example.org")),
        ]
        for outcome in outcomes {
            guard case .accepted(let reply) = outcome else {
                Issue.record("not accepted: \(outcome)")
                continue
            }
            #expect(reply.hasPrefix("250"))
        }
        let stored = try server.messages()
        #expect(stored.count == 2)
        #expect(Array(try Data(contentsOf: stored[0])) == first)
        #expect(try server.events().filter { $0["event"] as? String == "connect" }.count == 1)
    }

    /// Case 23: one rejected recipient is a permanent failure for that recipient only.
    @Test func rejectedRecipientIsPermanent() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder,
            faults: #"[{"rcpt": "gone@example.net", "phase": "rcpt", "code": 550, "message": "5.1.1 no such user"}]"#)
        let session = try Self.transport(port: server.port).makeSession()
        var outcomes: [String: SMTPOutcome] = [:]
        for recipient in ["a@example.com", "gone@example.net", "b@example.org", "c@example.com"] {
            outcomes[recipient] = session.send(
                envelopeSender: "sender@example.com", recipient: recipient, message: Self.message(to: recipient))
        }
        #expect(outcomes["gone@example.net"] == .permanentFailure(code: 550, reply: "550 5.1.1 no such user"))
        #expect(try server.acceptedRecipients() == ["a@example.com", "b@example.org", "c@example.com"])
    }

    @Test(arguments: [
        (#"[{"rcpt": "s2@example.com", "phase": "data", "code": 451, "message": "4.7.1 try later", "times": 1}]"#, 451),
        (
            #"[{"rcpt": "s2@example.com", "phase": "rcpt", "code": 421, "message": "4.7.0 too many messages", "times": 1, "close": true}]"#,
            421
        ),
    ])
    func temporaryReplyIsTemporary(faults: String, code: Int) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, faults: faults)
        let session = try Self.transport(port: server.port).makeSession()
        let first = session.send(
            envelopeSender: "sender@example.com", recipient: "s2@example.com",
            message: Self.message(to: "s2@example.com"))
        guard case .temporaryFailure(let got, _) = first else {
            Issue.record("expected a temporary failure, got \(first)")
            return
        }
        #expect(got == code)
        // The same session retries (a new connection after 421) and is accepted.
        let second = session.send(
            envelopeSender: "sender@example.com", recipient: "s2@example.com",
            message: Self.message(to: "s2@example.com"))
        #expect(second.code == 250)
        #expect(try server.acceptedRecipients() == ["s2@example.com"])
    }

    /// Case 25: STARTTLS required but not offered: nothing after EHLO, no AUTH, no MAIL, no password.
    @Test func missingSTARTTLSStopsBeforeAuth() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder, extra: ["--auth", "newsletter@example.com:test-password", "--no-starttls-advertised"])
        let session = try Self.transport(
            port: server.port, starttls: .required, username: "newsletter@example.com", password: "test-password"
        ).makeSession()
        let outcome = session.send(
            envelopeSender: "newsletter@example.com", recipient: "a@example.com",
            message: Self.message(to: "a@example.com"))
        guard case .fatal(let reply) = outcome else {
            Issue.record("expected fatal, got \(outcome)")
            return
        }
        #expect(reply.contains("64") || reply.lowercased().contains("ssl") || reply.lowercased().contains("tls"))
        let commands = try server.events().filter { $0["event"] as? String == "command" }.compactMap {
            $0["verb"] as? String
        }
        #expect(!commands.contains { ["AUTH", "MAIL", "RCPT", "DATA"].contains($0.uppercased()) }, "\(commands)")
        let log = try String(contentsOf: server.maildir.appendingPathComponent("log.jsonl"), encoding: .utf8)
        #expect(!log.contains("test-password"))
        #expect(try server.messages().isEmpty)
    }

    @Test func startTLSWithAuthAndATrustedCertificate() throws {
        let folder = try TemporaryFolder()
        let certs = folder.file("certs")
        let made = try run(["/bin/sh", RepoPaths.support.appendingPathComponent("make_cert.sh").path, certs.path])
        try #require(made.status == 0, "\(made.stderr)")
        let cert = certs.appendingPathComponent("cert.pem").path
        let server = try SMTPTestServer(
            folder: folder,
            extra: [
                "--tls-cert", cert, "--tls-key", certs.appendingPathComponent("key.pem").path, "--require-starttls",
                "--auth", "newsletter@example.com:test-password",
            ])
        let trusted = try Self.transport(
            port: server.port, starttls: .required, username: "newsletter@example.com", password: "test-password",
            caFile: cert, host: "localhost"
        ).makeSession()
        #expect(
            trusted.send(
                envelopeSender: "newsletter@example.com", recipient: "a@example.com",
                message: Self.message(to: "a@example.com")
            ).code == 250)
        // Without the CA the certificate is rejected: fatal, nothing sent.
        let untrusted = try Self.transport(
            port: server.port, starttls: .required, username: "newsletter@example.com", password: "test-password",
            host: "localhost"
        ).makeSession()
        let outcome = untrusted.send(
            envelopeSender: "newsletter@example.com", recipient: "b@example.org",
            message: Self.message(to: "b@example.org"))
        guard case .fatal = outcome else {
            Issue.record("expected fatal, got \(outcome)")
            return
        }
        #expect(try server.acceptedRecipients() == ["a@example.com"])
    }

    /// An unreachable server stops the run at once (everyone stays pending) instead of timing out
    /// once per recipient.
    @Test func refusedConnectionIsFatal() throws {
        // A port nobody listens on: one a test server had, after it stopped.
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder)
        let port = server.port
        server.server.stop()
        let session = try Self.transport(port: port).makeSession()
        let outcome = session.send(
            envelopeSender: "sender@example.com", recipient: "a@example.com", message: Self.message(to: "a@example.com")
        )
        guard case .fatal(let reply) = outcome else {
            Issue.record("expected fatal, got \(outcome)")
            return
        }
        #expect(reply.hasPrefix("cannot reach the SMTP server 127.0.0.1:\(port)"))
    }
}
