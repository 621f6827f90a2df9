import Foundation
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

struct DeliveryEngineTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Case 24 against aiosmtpd: s1–s4 each receive the message exactly once; s5 is not retried.
    ///
    /// s2 gets 451 after DATA once, s4 421 at MAIL FROM once (connection closed; the server cannot
    /// know the recipient at MAIL FROM, so the 421 comes at RCPT TO), s5 550.
    @Test func temporaryFailuresAreRetriedPermanentOnesAreNot() throws {
        let folder = try TemporaryFolder()
        let server = try SMTPTestServer(
            folder: folder,
            faults: """
                [{"rcpt": "s2@example.com", "phase": "data", "code": 451, "message": "4.7.1 try later", "times": 1},
                 {"rcpt": "s4@example.com", "phase": "rcpt", "code": 421, "message": "4.7.0 too many messages", "times": 1, "close": true},
                 {"rcpt": "s5@example.com", "phase": "rcpt", "code": 550, "message": "5.7.1 rejected"}]
                """)
        let transport = CurlSMTPTransport(
            url: URL(string: "smtp://127.0.0.1:\(server.port)")!, starttls: .off, username: nil, password: nil,
            caFile: nil,
            timeoutSeconds: 20, heloDomain: "example.com")
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "digest@example.com", connections: 2, ratePerSecond: 0,
            retryDelays: [0, 0])
        let outcomes = LockedValue<[String: [SMTPOutcome]]>([:])
        let recipients = (1...5).map { "s\($0)@example.com" }
        let report = engine.deliver(recipients.map { DeliveryEngine.Job(recipient: $0) }, logger: Self.logger) { job in
            Array("From: digest@example.com\r\nTo: \(job.recipient)\r\nSubject: w\r\n\r\nbody\r\n".utf8)
        } record: { job, outcome, _ in
            outcomes.withLock { $0[job.recipient, default: []].append(outcome) }
        }
        #expect(report == DeliveryEngine.Report(accepted: 4, permanentFailures: 1, deferred: 0, fatalError: nil))
        #expect(try server.acceptedRecipients().sorted() == Array(recipients.prefix(4)))
        let recorded = outcomes.withLock { $0 }
        #expect(recorded["s5@example.com"]?.count == 1)
        #expect(recorded["s2@example.com"]?.map(\.code) == [451, 250])
        #expect(recorded["s4@example.com"]?.map(\.code) == [421, 250])
    }

    @Test func stillFailingAfterTheRetriesIsDeferred() {
        let transport = RecordingTransport(script: [
            "b@example.com": Array(repeating: .temporaryFailure(code: 451, reply: "451 later"), count: 5)
        ])
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 3, ratePerSecond: 0,
            retryDelays: [0, 0])
        let finals = LockedValue<[String]>([])
        let report = engine.deliver(
            ["a@example.com", "b@example.com", "c@example.com"].map { DeliveryEngine.Job(recipient: $0) },
            logger: Self.logger
        ) { _ in
            Array("x\r\n".utf8)
        } record: { job, _, final in
            if final { finals.withLock { $0.append(job.recipient) } }
        }
        #expect(report.accepted == 2)
        #expect(report.deferred == 1)
        #expect(Set(transport.recipients) == ["a@example.com", "c@example.com"])
        #expect(finals.withLock { $0 }.sorted() == ["a@example.com", "b@example.com", "c@example.com"])
    }

    @Test func fatalOutcomeStopsTheRun() {
        let transport = RecordingTransport(script: ["a@example.com": [.fatal(reply: "STARTTLS not offered")]])
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 1, ratePerSecond: 0, retryDelays: [])
        let report = engine.deliver(
            ["a@example.com", "b@example.com"].map { DeliveryEngine.Job(recipient: $0) }, logger: Self.logger
        ) { _ in
            Array("x\r\n".utf8)
        } record: { _, _, _ in
        }
        #expect(report.fatalError == "STARTTLS not offered")
        #expect(transport.recipients.isEmpty)
    }

    @Test func rateLimitSpacesMessages() {
        let transport = RecordingTransport()
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 2, ratePerSecond: 50, retryDelays: [])
        let times = LockedValue<[Date]>([])
        _ = engine.deliver((0..<6).map { DeliveryEngine.Job(recipient: "r\($0)@example.com") }, logger: Self.logger) {
            _ in
            times.withLock { $0.append(Date()) }
            return Array("x\r\n".utf8)
        } record: { _, _, _ in
        }
        let sorted = times.withLock { $0 }.sorted()
        // Six starts at 50/s span at least five intervals of 20 ms (a lower bound, not a timing assertion on speed).
        #expect(sorted.last!.timeIntervalSince(sorted.first!) >= 5 * 0.02 - 0.005)
        #expect(transport.recipients.count == 6)
    }

    /// Issue 9 (fail closed): a message that cannot be built after the digest was frozen is not
    /// sent and not recorded (its delivery stays pending), and the run stops.
    @Test func messageThatCannotBeBuiltStopsTheRunAndStaysPending() {
        struct Broken: Error {}
        let transport = RecordingTransport()
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 1, ratePerSecond: 0, retryDelays: [0])
        let recorded = LockedValue<[String: SMTPOutcome]>([:])
        let report = engine.deliver(
            ["a@example.com", "b@example.com"].map { DeliveryEngine.Job(recipient: $0) }, logger: Self.logger
        ) { job in
            if job.recipient == "a@example.com" { throw Broken() }
            return Array("x\r\n".utf8)
        } record: { job, outcome, _ in
            recorded.withLock { $0[job.recipient] = outcome }
        }
        #expect(report.buildError?.contains("a@example.com") == true)
        #expect(report.accepted == 0 && report.permanentFailures == 0)
        #expect(transport.recipients.isEmpty)
        #expect(recorded.withLock { $0.isEmpty })
    }

    /// Issue 9 (fail closed): when an outcome cannot be recorded, no session starts another
    /// message: only the messages in flight (one per connection) went out unrecorded.
    @Test(arguments: [1, 3])
    func recordingFailureStopsEverySession(connections: Int) {
        struct DiskFull: Error {}
        let transport = RecordingTransport()
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: connections, ratePerSecond: 0,
            retryDelays: [])
        let recorded = LockedValue(0)
        let report = engine.deliver(
            (1...50).map { DeliveryEngine.Job(recipient: "s\($0)@example.com") }, logger: Self.logger
        ) { _ in
            Array("x\r\n".utf8)
        } record: { _, _, _ in
            try recorded.withLock { count in
                guard count < 5 else { throw DiskFull() }
                count += 1
            }
        }
        #expect(report.recordingError != nil)
        // 5 recorded, plus at most one unrecorded message in flight per connection.
        #expect(transport.recipients.count <= 5 + connections, "\(transport.recipients.count) sent")
        #expect(transport.recipients.count >= 6)
    }

    /// Issue 9: an accepted or refused outcome is recorded at the next message's commit point.
    ///
    /// Not right after its reply, but always before that next message is delivered on the same connection, and
    /// the session's last outcome before `deliver` returns. So a kill still costs at most one unrecorded delivery
    /// per connection.
    @Test(arguments: [1, 3])
    func everyOutcomeIsRecordedBeforeTheNextDeliveryOnItsConnection(connections: Int) {
        // Guarded by an NSLock, which ThreadSanitizer sees (it cannot see `Mutex` on Linux).
        final class Ledger: @unchecked Sendable {
            let lock = NSLock()
            var recorded: [String] = []
            /// At each delivery, in order: how many outcomes were recorded by then.
            var recordedAtDelivery: [Int] = []
        }
        let ledger = Ledger()
        let transport = RecordingTransport(
            script: ["s4@example.com": [.permanentFailure(code: 550, reply: "550 5.1.1 no such user")]],
            atDelivery: { _ in
                ledger.lock.withLock { ledger.recordedAtDelivery.append(ledger.recorded.count) }
            })
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: connections, ratePerSecond: 0,
            retryDelays: [])
        let recipients = (1...40).map { "s\($0)@example.com" }
        let report = engine.deliver(recipients.map { DeliveryEngine.Job(recipient: $0) }, logger: Self.logger) {
            _ in
            Array("x\r\n".utf8)
        } record: { job, _, final in
            #expect(final)
            ledger.lock.withLock { ledger.recorded.append(job.recipient) }
        }
        #expect(report.accepted == 39 && report.permanentFailures == 1)
        // A single session commits while the envelope is answered (nobody to share a commit with); several as late
        // as they can.
        #expect(
            Set(transport.commitPoints.withLock { $0 })
                == [connections == 1 ? .whileEnvelopeIsAnswered : .onceEnvelopeIsAnswered])
        // Every outcome recorded once, the last ones (one per session) included.
        #expect(ledger.lock.withLock { ledger.recorded.sorted() } == recipients.sorted())
        // The fake delivers after the commit point: with one connection, delivery k found outcomes 1…k-1 recorded.
        if connections == 1 {
            #expect(ledger.lock.withLock { ledger.recordedAtDelivery } == Array(0..<40))
        } else {
            // Each delivery found at least all but one outcome per other session recorded.
            let counts = ledger.lock.withLock { ledger.recordedAtDelivery }
            #expect(counts.enumerated().allSatisfy { index, count in count >= index - (connections - 1) }, "\(counts)")
        }
    }

    /// Issue 9 (speed): with `submit`, an outcome is handed over as soon as the server has answered, and the
    /// commit that makes it durable is waited for at the next message's commit point (or, for the session's last
    /// message, before `deliver` returns); a temporary failure is submitted and committed before anything else
    /// happens on its connection.
    @Test func outcomesAreSubmittedWhenKnownAndCommittedBeforeTheNextDelivery() {
        let events = LockedValue<[String]>([])
        let transport = RecordingTransport(
            script: ["s2@example.com": [.temporaryFailure(code: 451, reply: "451 4.3.0 try later")]],
            atDelivery: { recipient in events.withLock { $0.append("deliver \(recipient)") } })
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 1, ratePerSecond: 0,
            retryDelays: [])
        let pages = LockedValue([(1...3).map { DeliveryEngine.Job(recipient: "s\($0)@example.com") }])
        let report = engine.deliver(
            pages: { pages.withLock { $0.isEmpty ? [] : $0.removeFirst() } }, logger: Self.logger,
            compose: { _ in Array("x\r\n".utf8) },
            submit: { job, _, _ in
                events.withLock { $0.append("submit \(job.recipient)") }
                return { events.withLock { $0.append("commit \(job.recipient)") } }
            })
        #expect(report.accepted == 2 && report.deferred == 1)
        #expect(
            events.withLock { $0 } == [
                "deliver s1@example.com", "submit s1@example.com",
                "commit s1@example.com",  // s2's commit point (the fake's comes before its delivery)
                "deliver s2@example.com", "submit s2@example.com", "commit s2@example.com",  // 451: at once
                "deliver s3@example.com", "submit s3@example.com", "commit s3@example.com",  // the session's end
            ])
    }

    /// Issue 9: no reply to the end of DATA is "uncertain": recorded once, never retried in the
    /// run, and the session is replaced (a late reply would put the old connection out of step).
    @Test func uncertainOutcomeIsNotRetriedAndTheSessionIsReplaced() {
        let transport = RecordingTransport(script: [
            "s2@example.com": [.uncertain(reply: "no reply to the end of DATA")]
        ])
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 1, ratePerSecond: 0,
            retryDelays: [0, 0])
        let recorded = LockedValue<[String: [SMTPOutcome]]>([:])
        let report = engine.deliver(
            (1...3).map { DeliveryEngine.Job(recipient: "s\($0)@example.com") }, logger: Self.logger
        ) { _ in
            Array("x\r\n".utf8)
        } record: { job, outcome, _ in
            recorded.withLock { $0[job.recipient, default: []].append(outcome) }
        }
        #expect(report.uncertain == 1 && report.accepted == 2 && report.deferred == 0)
        #expect(recorded.withLock { $0["s2@example.com"] } == [.uncertain(reply: "no reply to the end of DATA")])
        #expect(transport.sessions.withLock { $0 } == 2)
    }

    /// A server that answers too late again and again stops the run after three uncertain outcomes in a row
    /// (the rest stay pending, untried); an answer in between starts the count again.
    @Test(arguments: [
        (late: [2, 3, 4, 5, 6, 7, 8], tried: 4, uncertain: 3, stops: true),
        (late: [2, 3, 5, 6, 8], tried: 8, uncertain: 5, stops: false),
    ])
    func uncertainOutcomesInARowStopTheRun(late: [Int], tried: Int, uncertain: Int, stops: Bool) {
        var script: [String: [SMTPOutcome]] = [:]
        for number in late { script["s\(number)@example.com"] = [.uncertain(reply: "no reply to the end of DATA")] }
        let transport = RecordingTransport(script: script)
        let engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 1, ratePerSecond: 0,
            retryDelays: [0, 0])
        let recorded = LockedValue<[String]>([])
        let report = engine.deliver(
            (1...8).map { DeliveryEngine.Job(recipient: "s\($0)@example.com") }, logger: Self.logger
        ) { _ in
            Array("x\r\n".utf8)
        } record: { job, _, _ in
            recorded.withLock { $0.append(job.recipient) }
        }
        #expect(report.uncertain == uncertain)
        #expect(recorded.withLock { $0.count } == tried)
        #expect((report.fatalError?.contains("3 messages in a row") ?? false) == stops, "\(report)")
    }

    /// A stop request ends the rate limit's wait at once: with one message per 100 s, the run stops right after
    /// the first message instead of sleeping out the interval.
    @Test func stopRequestWakesTheRateLimitWait() {
        let stop = StopRequest()
        let transport = RecordingTransport(atDelivery: { _ in
            // Asked from another thread while the worker waits for its next slot.
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.2)
                stop.request()
            }
        })
        var engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 1, ratePerSecond: 0.01,
            retryDelays: [])
        engine.stop = stop
        let started = ContinuousClock.now
        let report = engine.deliver(
            (1...3).map { DeliveryEngine.Job(recipient: "s\($0)@example.com") }, logger: Self.logger
        ) { _ in
            Array("x\r\n".utf8)
        } record: { _, _, _ in
        }
        #expect(report.interrupted && report.accepted == 1)
        #expect(transport.recipients == ["s1@example.com"])
        #expect(ContinuousClock.now - started < .seconds(30), "the 100 s interval was slept out")
    }

    /// A stop request ends a retry's backoff at once; the retried delivery stays pending (not final).
    @Test func stopRequestWakesTheRetryBackoff() {
        let transport = RecordingTransport(script: [
            "s1@example.com": [.temporaryFailure(code: 451, reply: "451 later")]
        ])
        var engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: 2, ratePerSecond: 0,
            retryDelays: [100])
        let stop = StopRequest()
        engine.stop = stop
        let finals = LockedValue<[String: Bool]>([:])
        let started = ContinuousClock.now
        let report = engine.deliver(
            [DeliveryEngine.Job(recipient: "s1@example.com")], logger: Self.logger
        ) { _ in
            Array("x\r\n".utf8)
        } record: { job, _, final in
            finals.withLock { $0[job.recipient] = final }
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.2)
                stop.request()
            }
        }
        #expect(report.interrupted && report.accepted == 0 && report.deferred == 0)
        #expect(finals.withLock { $0 } == ["s1@example.com": false])
        #expect(ContinuousClock.now - started < .seconds(30), "the 100 s backoff was slept out")
    }

    /// The next message is composed ahead while one is sent; a stop requested meanwhile sends nothing more (the
    /// message composed ahead stays pending, unrecorded).
    @Test(arguments: [1, 3])
    func stopRequestedWhileTheNextMessageIsComposedAhead(connections: Int) {
        let stop = StopRequest()
        // Asked while the first message is in flight.
        let transport = RecordingTransport(atDelivery: { _ in stop.request() })
        var engine = DeliveryEngine(
            transport: transport, envelopeSender: "d@example.com", connections: connections, ratePerSecond: 0,
            retryDelays: [])
        engine.stop = stop
        let composed = LockedValue(0)
        let recorded = LockedValue(0)
        let report = engine.deliver(
            (1...20).map { DeliveryEngine.Job(recipient: "s\($0)@example.com") }, logger: Self.logger
        ) { _ in
            composed.withLock { $0 += 1 }
            return Array("x\r\n".utf8)
        } record: { _, _, _ in
            recorded.withLock { $0 += 1 }
        }
        #expect(report.interrupted)
        // Only the messages already in flight when the stop came (one per connection) went out, all recorded.
        #expect(transport.recipients.count == recorded.withLock { $0 })
        #expect(transport.recipients.count <= connections, "\(transport.recipients)")
        #expect(composed.withLock { $0 } <= 2 * connections)
    }
}
