import Foundation
import Testing

@testable import NewsletterKit

/// The SMTP session's own transaction (MAIL, RCPT, DATA, the message) against aiosmtpd on 127.0.0.1: pipelined
/// where the server offers PIPELINING (RFC 2920), lock-step where it does not, with faults injected.
@Suite(.serialized)
struct SMTPPipeliningTests {
    static let sender = "sender@example.com"

    static func send(_ session: any MailSession, _ recipient: String, body: String = "text\r\n") -> SMTPOutcome {
        session.send(
            envelopeSender: sender, recipient: recipient,
            message: CurlSMTPTransportTests.message(to: recipient, body: body))
    }

    static func transport(port: Int, timeoutSeconds: Int = 20) -> CurlSMTPTransport {
        CurlSMTPTransport(
            url: Fixtures.url("smtp://127.0.0.1:\(port)"), starttls: .off, username: nil, password: nil, caFile: nil,
            timeoutSeconds: timeoutSeconds, heloDomain: "example.com")
    }

    static func commands(_ server: SMTPTestServer) throws -> [(verb: String, buffered: Int)] {
        try server.events().filter { $0["event"] as? String == "command" }.map {
            (($0["verb"] as? String) ?? "", ($0["buffered"] as? Int) ?? 0)
        }
    }

    static func connections(_ server: SMTPTestServer) throws -> Int {
        try server.events().filter { $0["event"] as? String == "connect" }.count
    }

    /// With PIPELINING offered, MAIL, RCPT and DATA reach the server together; without it, one at a time.
    ///
    /// The server had RCPT and DATA in its buffer when it read MAIL. libcurl alone never pipelines.
    @Test(arguments: [true, false])
    func pipelinesExactlyWhenOffered(offered: Bool) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: offered ? ["--pipelining"] : [])
        let session = try Self.transport(port: server.port).makeSession()
        for recipient in ["a@example.com", "b@example.org", "c@example.net"] {
            #expect(Self.send(session, recipient).code == 250)
        }
        let commands = try Self.commands(server)
        let mails = commands.filter { $0.verb == "MAIL" }
        let rcpts = commands.filter { $0.verb == "RCPT" }
        #expect(mails.count == 3 && rcpts.count == 3)
        #expect(mails.allSatisfy { ($0.buffered > 0) == offered }, "\(commands)")
        #expect(rcpts.allSatisfy { ($0.buffered > 0) == offered }, "\(commands)")
        #expect(try server.acceptedRecipients() == ["a@example.com", "b@example.org", "c@example.net"])
        #expect(try Self.connections(server) == 1)
    }

    /// RFC 2920: a RCPT refused inside a pipelined group makes the server refuse DATA; the recipient gets the
    /// RCPT reply as its outcome, no message body is sent, RSET follows, and the next recipients go out on the
    /// same connection, in step.
    @Test(arguments: [(550, "5.1.1 no such user"), (451, "4.3.0 try later")])
    func recipientRefusedMidPipeline(code: Int, text: String) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder,
            faults: #"[{"rcpt": "gone@example.net", "phase": "rcpt", "code": \#(code), "message": "\#(text)"}]"#,
            extra: ["--pipelining"])
        let session = try Self.transport(port: server.port).makeSession()
        var outcomes: [String: SMTPOutcome] = [:]
        for recipient in ["a@example.com", "gone@example.net", "b@example.org"] {
            outcomes[recipient] = Self.send(session, recipient)
        }
        let expected: SMTPOutcome =
            code >= 500
            ? .permanentFailure(code: code, reply: "\(code) \(text)")
            : .temporaryFailure(code: code, reply: "\(code) \(text)")
        #expect(outcomes["gone@example.net"] == expected)
        #expect(outcomes["a@example.com"]?.code == 250 && outcomes["b@example.org"]?.code == 250)
        #expect(try server.acceptedRecipients() == ["a@example.com", "b@example.org"])
        let verbs = try Self.commands(server).map(\.verb)
        #expect(verbs.filter { $0 == "RSET" }.count == 1, "\(verbs)")
        let replies = try server.events().filter { $0["event"] as? String == "reply" }.compactMap { $0["code"] as? Int }
        #expect(replies.contains(503) || replies.contains(554), "DATA refused: \(replies)")
        #expect(try Self.connections(server) == 1)
    }

    /// DATA itself refused (before any message data): the outcome is that reply; the session stays usable.
    @Test(arguments: [true, false])
    func dataCommandRefused(pipelining: Bool) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder,
            faults:
                #"[{"rcpt": "s2@example.com", "phase": "data_command", "code": 452, "message": "4.3.1 out of memory", "times": 1}]"#,
            extra: pipelining ? ["--pipelining"] : [])
        let session = try Self.transport(port: server.port).makeSession()
        #expect(
            Self.send(session, "s2@example.com") == .temporaryFailure(code: 452, reply: "452 4.3.1 out of memory"))
        #expect(Self.send(session, "s2@example.com").code == 250)
        #expect(Self.send(session, "s3@example.com").code == 250)
        #expect(try server.acceptedRecipients() == ["s2@example.com", "s3@example.com"])
        #expect(try Self.connections(server) == 1)
    }

    /// Replies one byte per write and as multi-line replies (`NNN-…` then `NNN …`): read exactly, in step.
    @Test func repliesSplitByteByByteAndMultiLine() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder,
            faults: #"[{"rcpt": "gone@example.net", "phase": "rcpt", "code": 550, "message": "5.1.1 no such user"}]"#,
            extra: ["--pipelining", "--split-replies", "--multiline-replies"])
        let session = try Self.transport(port: server.port).makeSession()
        let first = Self.send(session, "a@example.com")
        #expect(first == .accepted(reply: "250 2.0.0 OK queued as 0001"))
        #expect(Self.send(session, "gone@example.net") == .permanentFailure(code: 550, reply: "550 5.1.1 no such user"))
        #expect(Self.send(session, "b@example.org") == .accepted(reply: "250 2.0.0 OK queued as 0002"))
        #expect(try server.acceptedRecipients() == ["a@example.com", "b@example.org"])
        #expect(try Self.connections(server) == 1)
    }

    /// A server that stops answering after RCPT: the run must stop (fatal), after one reply timeout, with
    /// nothing delivered; the session does not wait out a timeout per recipient.
    @Test func stallAfterRecipientIsFatal() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder, faults: #"[{"stall_after_rcpt": true}]"#, extra: ["--pipelining"])
        let session = try Self.transport(port: server.port, timeoutSeconds: 1).makeSession()
        let started = ContinuousClock.now
        let outcome = Self.send(session, "a@example.com")
        guard case .fatal(let reply) = outcome else {
            Issue.record("expected fatal, got \(outcome)")
            return
        }
        #expect(reply.contains("stopped answering"), "\(reply)")
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(try server.messages().isEmpty)
    }

    /// The server closes an idle connection after its reply (as many do after a time): the next message opens a
    /// new connection and is accepted, not deferred.
    @Test(arguments: [true, false])
    func connectionClosedBetweenMessagesIsReopened(pipelining: Bool) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder, faults: #"[{"phase": "data", "drop_after_accept": 1}]"#,
            extra: pipelining ? ["--pipelining"] : [])
        let session = try Self.transport(port: server.port).makeSession()
        #expect(Self.send(session, "a@example.com").code == 250)
        // Wait (bounded) until the server has closed the first connection.
        let deadline = ContinuousClock.now + .seconds(10)
        while try !server.events().contains(where: { $0["event"] as? String == "disconnect" }),
            ContinuousClock.now < deadline
        {
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(Self.send(session, "b@example.org").code == 250)
        #expect(try server.acceptedRecipients() == ["a@example.com", "b@example.org"])
        #expect(try Self.connections(server) == 2)
    }

    /// Dot-stuffing is the session's own now: lines that start with dots, a line that is a lone dot, and a
    /// message without a final CRLF arrive as sent (the server removes the stuffing; a missing final CRLF is
    /// added).
    @Test(arguments: [
        ".leading\r\n..two\r\n.\r\nmiddle\r\n.\r\n",
        "no final line end\r\n.",
        "...\r\n. \r\nend",
    ])
    func dotsAndLineEndsArriveExactly(body: String) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: ["--pipelining"])
        let session = try Self.transport(port: server.port).makeSession()
        let message = CurlSMTPTransportTests.message(to: "a@example.com", body: body)
        #expect(session.send(envelopeSender: Self.sender, recipient: "a@example.com", message: message).code == 250)
        let stored = try #require(try server.messages().first)
        let expected = message.suffix(2) == [0x0D, 0x0A] ? message : message + [0x0D, 0x0A]
        #expect(Array(try Data(contentsOf: stored)) == expected)
    }

    /// The commit point (where the engine records the previous outcome) comes once per message, before the data.
    ///
    /// It comes after the envelope is written and before the end of data: the server has not taken the message yet
    /// when it runs. The wait for the reply to the end of data (where the engine composes the next message) comes after it.
    @Test(arguments: [true, false], [CommitPoint.whileEnvelopeIsAnswered, .onceEnvelopeIsAnswered])
    func commitPointComesOnceBeforeTheEndOfData(pipelining: Bool, point: CommitPoint) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: pipelining ? ["--pipelining"] : [])
        let session = try Self.transport(port: server.port).makeSession()
        for recipient in ["a@example.com", "b@example.org"] {
            var calls: [String] = []
            var acceptedAtCommitPoint: [String] = []
            let outcome = try session.send(
                envelopeSender: Self.sender, recipient: recipient,
                message: CurlSMTPTransportTests.message(to: recipient, body: "text\r\n"), commitPoint: point,
                beforeEndOfData: {
                    calls.append("commit point")
                    acceptedAtCommitPoint = try server.acceptedRecipients()
                },
                whileAwaitingReply: { calls.append("awaiting reply") })
            #expect(outcome.code == 250)
            #expect(calls == ["commit point", "awaiting reply"])
            #expect(!acceptedAtCommitPoint.contains(recipient))
        }
        #expect(try server.acceptedRecipients() == ["a@example.com", "b@example.org"])
        #expect(try Self.connections(server) == 1)
    }

    /// At ``CommitPoint/onceEnvelopeIsAnswered`` the server has answered the whole envelope when the commit point
    /// comes (here: refused the recipient, which it logs before replying); the message is then refused as before.
    @Test(arguments: [true, false])
    func commitPointOnceTheEnvelopeIsAnsweredFollowsTheReplies(pipelining: Bool) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder,
            faults: #"[{"rcpt": "gone@example.net", "phase": "rcpt", "code": 550, "message": "5.1.1 no such user"}]"#,
            extra: pipelining ? ["--pipelining"] : [])
        let session = try Self.transport(port: server.port).makeSession()
        var refusedByThen = false
        let outcome = session.send(
            envelopeSender: Self.sender, recipient: "gone@example.net",
            message: CurlSMTPTransportTests.message(to: "gone@example.net", body: "text\r\n"),
            commitPoint: .onceEnvelopeIsAnswered,
            beforeEndOfData: {
                refusedByThen =
                    (try? server.events())?.contains {
                        $0["event"] as? String == "reject" && $0["rcpt"] as? String == "gone@example.net"
                    } ?? false
            }, whileAwaitingReply: {})
        #expect(refusedByThen)
        #expect(outcome.code == 550)
        #expect(Self.send(session, "a@example.com").code == 250)
    }

    /// A server that takes the message and closes the connection before its reply leaves the delivery uncertain;
    /// the reason says the connection closed, not that a time limit ran out (a trial read "within 60 s").
    @Test func closedBeforeTheReplyToDataIsUncertainWithoutATimeLimit() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder, faults: #"[{"phase": "data", "drop_after_accept": 1, "before_reply": true}]"#)
        let outcome = Self.send(
            try Self.transport(port: server.port, timeoutSeconds: 60).makeSession(), "a@example.com")
        guard case .uncertain(let reply) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reply.contains("closed the connection") && !reply.contains("60 s"), "\(reply)")
    }

    /// When the commit point throws (the previous outcome cannot be recorded), this message is not delivered:
    /// the error comes back, the transaction is abandoned with the connection, and the session still works.
    @Test(arguments: [true, false])
    func failingCommitPointDeliversNothing(pipelining: Bool) throws {
        struct LedgerFull: Error {}
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: pipelining ? ["--pipelining"] : [])
        let session = try Self.transport(port: server.port).makeSession()
        #expect(Self.send(session, "a@example.com").code == 250)
        #expect(throws: LedgerFull.self) {
            try session.send(
                envelopeSender: Self.sender, recipient: "b@example.org",
                message: CurlSMTPTransportTests.message(to: "b@example.org", body: "text\r\n"),
                beforeEndOfData: { throw LedgerFull() }, whileAwaitingReply: { Issue.record("data was sent") })
        }
        #expect(Self.send(session, "c@example.net").code == 250)
        #expect(try server.acceptedRecipients() == ["a@example.com", "c@example.net"])
        #expect(try Self.connections(server) == 2)
    }

    /// A message that ends before its end of data — recipient refused, envelope refused by us, no server —
    /// still passes its commit point exactly once, and never waits for a reply to data it did not send.
    @Test(arguments: ["refused", "envelope", "unreachable"])
    func commitPointComesOnceWhenNothingIsDelivered(kind: String) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder,
            faults: #"[{"rcpt": "gone@example.net", "phase": "rcpt", "code": 550, "message": "5.1.1 no such user"}]"#,
            extra: ["--pipelining"])
        let port = kind == "unreachable" ? 1 : server.port
        let session = try Self.transport(port: port, timeoutSeconds: 5).makeSession()
        let recipient = kind == "envelope" ? "evil@example.net>\r\nRCPT TO:<x@example.net" : "gone@example.net"
        var calls: [String] = []
        let outcome = session.send(
            envelopeSender: Self.sender, recipient: recipient,
            message: CurlSMTPTransportTests.message(to: "gone@example.net", body: "text\r\n"),
            beforeEndOfData: { calls.append("commit point") }, whileAwaitingReply: { calls.append("awaiting reply") })
        #expect(calls == ["commit point"])
        #expect(outcome.code != 250)
        #expect(try server.acceptedRecipients().isEmpty)
    }
}
