import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// The next message's envelope written behind this message's end of data (RFC 2920 §3.1), one round trip per
/// message, against aiosmtpd offering PIPELINING on 127.0.0.1: every recipient gets the message exactly once
/// whatever the server answers to the end of data the envelope follows, and an announced transaction that is not
/// sent after all delivers nothing.
@Suite(.serialized)
struct PipelinedEndOfDataTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// One connection to `server`, no rate limit.
    static func engine(_ server: SMTPTestServer, retryDelays: [Double] = []) -> DeliveryEngine {
        DeliveryEngine(
            transport: SMTPPipeliningTests.transport(port: server.port), envelopeSender: "digest@example.com",
            connections: 1, ratePerSecond: 0, retryDelays: retryDelays)
    }

    static func message(_ recipient: String) -> [UInt8] {
        Array("From: digest@example.com\r\nTo: \(recipient)\r\nSubject: w\r\n\r\nbody for \(recipient)\r\n".utf8)
    }

    /// The server's stored messages: for each, whether bytes (the next envelope) had already arrived behind its
    /// end of data.
    static func bufferedBehindData(_ server: SMTPTestServer) throws -> [Bool] {
        try server.events().filter { $0["event"] as? String == "message" }.map { (($0["buffered"] as? Int) ?? 0) > 0 }
    }

    static func verbs(_ server: SMTPTestServer) throws -> [String] {
        try SMTPPipeliningTests.commands(server).map(\.verb)
    }

    static func connections(_ server: SMTPTestServer) throws -> Int {
        try SMTPPipeliningTests.connections(server)
    }

    /// One session, five messages: the envelopes of the second to fifth arrive with the end of data before them
    /// (without announcing, the server finds nothing behind any end of data); without PIPELINING, never.
    @Test(arguments: [true, false])
    func nextEnvelopeFollowsTheEndOfData(offered: Bool) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: offered ? ["--pipelining"] : [])
        let engine = Self.engine(server)
        let recipients = (1...5).map { "r\($0)@example.com" }
        let report = engine.deliver(recipients.map { DeliveryEngine.Job(recipient: $0) }, logger: Self.logger) {
            Self.message($0.recipient)
        } record: { _, _, _ in
        }
        #expect(report == DeliveryEngine.Report(accepted: 5))
        #expect(try server.acceptedRecipients() == recipients)
        #expect(
            try Self.bufferedBehindData(server)
                == (offered ? [true, true, true, true, false] : Array(repeating: false, count: 5)))
        #expect(try Self.connections(server) == 1)
        #expect(!(try Self.verbs(server).contains("RSET")))
    }

    /// Every reply the end of data can get, with the next envelope already behind it.
    ///
    /// A refusal ends that transaction only (no RSET, which would abort the announced one); 421 or a connection
    /// dropped after the message was stored lose the announced envelope with the connection, and its message goes
    /// out on a new one. Each accepted recipient is stored exactly once.
    @Test(arguments: [
        (#"{"rcpt": "r2@example.com", "phase": "data", "code": 550, "message": "5.6.0 content rejected"}"#, 1, 4, 0),
        (#"{"rcpt": "r2@example.com", "phase": "data", "code": 452, "message": "4.3.1 full", "times": 1}"#, 1, 5, 0),
        (
            #"{"rcpt": "r2@example.com", "phase": "data", "code": 421, "message": "4.4.2 bye", "close": true, "times": 1}"#,
            2, 5, 0
        ),
        (#"{"drop_after_accept": 2, "before_reply": true}"#, 2, 5, 0),
        (#"{"rcpt": "r3@example.com", "phase": "rcpt", "code": 550, "message": "5.1.1 no such user"}"#, 1, 4, 1),
    ])
    func everyReplyToTheEndOfDataKeepsTheNextMessageExactlyOnce(
        rule: String, connections: Int, stored: Int, resets: Int
    ) throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, faults: "[\(rule)]", extra: ["--pipelining"])
        let engine = Self.engine(server, retryDelays: [0])
        let recipients = (1...5).map { "r\($0)@example.com" }
        let outcomes = LockedValue<[String: [SMTPOutcome]]>([:])
        let report = engine.deliver(recipients.map { DeliveryEngine.Job(recipient: $0) }, logger: Self.logger) {
            Self.message($0.recipient)
        } record: { job, outcome, _ in
            outcomes.withLock { $0[job.recipient, default: []].append(outcome) }
        }
        let accepted = try server.acceptedRecipients()
        #expect(accepted.count == stored, "\(accepted)")
        #expect(Set(accepted).count == accepted.count, "stored twice: \(accepted)")
        for recipient in ["r1@example.com", "r4@example.com", "r5@example.com"] {
            #expect(accepted.contains(recipient))
            #expect(outcomes.withLock { $0[recipient]?.map(\.code) } == [250])
        }
        #expect(try Self.connections(server) == connections)
        let verbs = try Self.verbs(server)
        #expect(verbs.filter { $0 == "RSET" }.count == resets, "only a refused envelope is reset: \(verbs)")
        #expect(report.fatalError == nil && report.recordingError == nil)
        #expect(report.accepted + report.permanentFailures + report.uncertain + report.deferred == 5)
    }

    /// A stop request while the next message is announced: this message is delivered and recorded; the announced
    /// one, whose DATA the server already answered with 354, gets nothing (its connection closes with the
    /// transaction unfinished) and stays pending.
    @Test func stopWithTheNextMessageAnnouncedDeliversNothingMore() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: ["--pipelining"])
        var engine = Self.engine(server)
        let stop = StopRequest()
        engine.stop = stop
        let recorded = LockedValue<[String]>([])
        let report = engine.deliver(
            (1...4).map { DeliveryEngine.Job(recipient: "r\($0)@example.com") }, logger: Self.logger
        ) { job in
            // Composed (and announced) while r2 is sent: the stop comes with it.
            if job.recipient == "r3@example.com" { stop.request() }
            return Self.message(job.recipient)
        } record: { job, _, _ in
            recorded.withLock { $0.append(job.recipient) }
        }
        #expect(report.interrupted)
        #expect(try server.acceptedRecipients() == ["r1@example.com", "r2@example.com"])
        #expect(recorded.withLock { $0 } == ["r1@example.com", "r2@example.com"])
        // The server logs r3's commands as it reads them, which may be after `deliver` returned: poll with a deadline.
        var verbs = try Self.verbs(server)
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while verbs.filter({ $0 == "MAIL" }).count < 3, ContinuousClock.now < deadline {
            usleep(5_000)
            verbs = try Self.verbs(server)
        }
        #expect(verbs.filter { $0 == "MAIL" }.count == 3, "r3 was announced: \(verbs)")
        #expect(!verbs.contains("QUIT"), "QUIT would have been taken as r3's message text: \(verbs)")
    }

    /// The commit of a message's outcome fails while the next message is announced: the next message is not
    /// delivered (its data is never sent), the run stops with the recording error.
    @Test func failedCommitWithTheNextMessageAnnouncedDeliversNothingMore() throws {
        struct LedgerFull: Error {}
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: ["--pipelining"])
        let engine = Self.engine(server)
        let report = engine.deliver(
            (1...4).map { DeliveryEngine.Job(recipient: "r\($0)@example.com") }, logger: Self.logger
        ) {
            Self.message($0.recipient)
        } record: { job, _, _ in
            if job.recipient == "r2@example.com" { throw LedgerFull() }
        }
        #expect(report.recordingError != nil)
        #expect(try server.acceptedRecipients() == ["r1@example.com", "r2@example.com"])
        #expect(try Self.bufferedBehindData(server) == [true, true], "r3 was announced behind r2's end of data")
    }

    /// A job turned down while composing (the recipient left the list) is never announced: the session is told
    /// only of messages it will send, so no connection is dropped for it.
    @Test func jobNotSentIsNeverAnnounced() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: ["--pipelining"])
        let engine = Self.engine(server)
        let report = engine.deliver(
            (1...4).map { DeliveryEngine.Job(recipient: "r\($0)@example.com") }, logger: Self.logger
        ) { job in
            if job.recipient == "r2@example.com" { throw DeliveryEngine.NotSent() }
            return Self.message(job.recipient)
        } record: { _, _, _ in
        }
        #expect(report == DeliveryEngine.Report(accepted: 3, notSent: 1))
        #expect(try server.acceptedRecipients() == ["r1@example.com", "r3@example.com", "r4@example.com"])
        #expect(try Self.connections(server) == 1)
        #expect(try Self.verbs(server).filter { $0 == "MAIL" }.count == 3)
    }

    /// A session asked for another message than the one it announced drops that connection (the announced
    /// transaction, DATA already answered, is never finished) and sends the message asked for on a new one.
    @Test func anotherMessageThanTheAnnouncedOneOpensANewConnection() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(folder: folder, extra: ["--pipelining"])
        let session = try SMTPPipeliningTests.transport(port: server.port).makeSession()
        let first = session.send(
            envelopeSender: "digest@example.com", recipient: "a@example.com", message: Self.message("a@example.com"),
            commitPoint: .onceEnvelopeIsAnswered, beforeEndOfData: {},
            announceNext: { NextMessage(recipient: "b@example.com", size: Self.message("b@example.com").count) },
            whileAwaitingReply: {})
        #expect(first.code == 250)
        let other = session.send(
            envelopeSender: "digest@example.com", recipient: "c@example.com", message: Self.message("c@example.com"))
        #expect(other.code == 250)
        #expect(try server.acceptedRecipients() == ["a@example.com", "c@example.com"])
        #expect(try Self.connections(server) == 2)
        #expect(try Self.verbs(server).filter { $0 == "RCPT" }.count == 3)
    }
}
