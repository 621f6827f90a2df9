import Foundation
import GRDB
import Testing

@testable import NewsletterKit

/// The send path's ledger operations: outcomes through the outcome log, and pending deliveries read page by page.
struct DeliveryRecorderTests {
    static let start = Date(timeIntervalSince1970: 1_000_000)

    static func frozen(_ database: AppDatabase, recipients: [String]) async throws -> Int64 {
        let content = DigestContent(title: "t", subject: "s", issueDate: "d", items: [])
        let digest = try await database.freezeDigest(
            content, recipients: recipients, messageID: { "<\(UUID().uuidString)@example.com>" }, at: start)
        return try #require(digest.id)
    }

    static func accepted(_ id: Int64, _ email: String) -> DeliveryAttempt {
        DeliveryAttempt(digestID: id, email: email, outcome: .accepted(reply: "250 2.0.0 Ok"), final: true)
    }

    static func synchronous(_ database: AppDatabase) async throws -> Int? {
        try await database.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    /// Outcomes reported at once by several sessions are each in the outcome log when `record` returns (one line
    /// each, numbered once); `finish` puts them all in the ledger, fsynced (`synchronous = FULL` again for the
    /// store's other writes), and empties the log.
    @Test func outcomesFromManySessionsAreLoggedThenAllApplied() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let recipients = (0..<400).map { "r\($0)@example.com" }
        let id = try await Self.frozen(database, recipients: recipients)
        let recorder = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        DispatchQueue.concurrentPerform(iterations: 8) { session in
            for index in stride(from: session, to: recipients.count, by: 8) {
                #expect(throws: Never.self) { try recorder.record(Self.accepted(id, recipients[index])) }
                let logged = Result { try OutcomeLog.read(path: database.outcomeLogPath) }
                #expect((try? logged.get())?.contains { $0.attempt.email == recipients[index] } == true)
            }
        }
        let logged = try OutcomeLog.read(path: database.outcomeLogPath)
        #expect(logged.count == 400 && Set(logged.map(\.seq)).count == 400)
        try recorder.finish()
        let deliveries = try await database.deliveries(digestID: id)
        #expect(deliveries.allSatisfy { $0.status == .accepted && $0.attempts == 1 && $0.replyCode == 250 })
        #expect(try OutcomeLog.read(path: database.outcomeLogPath).isEmpty)
        #expect(try database.outcomeLogState().applied == 400)
        #expect(try await Self.synchronous(database) == 2)
    }

    /// Fail closed: an outcome that cannot be written to the log (a full disk: `/dev/full`) fails its own commit and
    /// every later one, naming the log; nothing is recorded for it.
    @Test func anOutcomeTheLogCannotTakeFailsEveryLaterOne() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let id = try await Self.frozen(database, recipients: ["a@example.com", "b@example.com"])
        let recorder = try DeliveryRecorder(
            database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48, logPath: "/dev/full")
        #expect { try recorder.record(Self.accepted(id, "a@example.com")) } throws: { "\($0)".contains("/dev/full") }
        #expect(throws: StoreError.self) { try recorder.record(Self.accepted(id, "b@example.com")) }
        try recorder.finish()
        #expect(try await database.deliveries(digestID: id).allSatisfy { $0.status == .pending })
    }

    /// A ledger that cannot take a batch (locked by another process) stops the run (every later commit throws,
    /// naming the state file) and loses nothing: the outcomes stay in the log, and `finish` applies them once the
    /// ledger can be written.
    @Test func aLedgerThatCannotTakeABatchStopsTheRunAndKeepsTheLog() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"), busyTimeout: 0.05)
        let recipients = (0..<DeliveryRecorder.applyEveryOutcomes).map { "r\($0)@example.com" }
        let id = try await Self.frozen(database, recipients: recipients)
        let recorder = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: database.path, configuration: configuration)
        try other.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        // The last of the batch makes it due: its apply fails.
        let tickets = recipients.map { recorder.submit(Self.accepted(id, $0)) }
        #expect { try recorder.commit(through: tickets[tickets.count - 1]) } throws: {
            "\($0)".contains(database.path)
        }
        #expect(throws: StoreError.self) { try recorder.commit(through: tickets[0]) }
        try other.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        #expect(try OutcomeLog.read(path: database.outcomeLogPath).count == recipients.count)
        try recorder.finish()
        #expect(try await database.deliveries(digestID: id).allSatisfy { $0.status == .accepted })
    }

    /// A run killed before applying its log: the next recorder (or send) applies what the log holds, once, skips a
    /// line cut short, a line whose checksum fails and a line of another state database, and empties the log; replaying again changes nothing (a
    /// temporary failure's attempt is not counted twice).
    @Test func whatAKilledRunLoggedIsAppliedOnce() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let id = try await Self.frozen(database, recipients: ["a@example.com", "b@example.com", "c@example.com"])
        let killed = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        try killed.record(Self.accepted(id, "a@example.com"))
        try killed.record(
            DeliveryAttempt(
                digestID: id, email: "b@example.com", outcome: .temporaryFailure(code: 451, reply: "451 4.3.0\tlater"),
                final: true))
        // Never finished. A damaged line and a line cut short follow.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: database.outcomeLogPath))
        try handle.seekToEnd()
        let ledger = try database.outcomeLogState().ledger
        var damaged = OutcomeLog.encode(
            OutcomeLog.Entry(
                seq: 3, ledger: ledger, attempt: Self.accepted(id, "c@example.com"), date: Self.start, giveUpHours: 48))
        damaged[damaged.count / 2] ^= 0x01
        try handle.write(contentsOf: damaged)
        // A whole line of another state database's log (one that was replaced): not this ledger's outcome.
        try handle.write(
            contentsOf: OutcomeLog.encode(
                OutcomeLog.Entry(
                    seq: 5, ledger: "0000000000000000", attempt: Self.accepted(id, "c@example.com"), date: Self.start,
                    giveUpHours: 48)))
        try handle.write(
            contentsOf: OutcomeLog.encode(
                OutcomeLog.Entry(
                    seq: 4, ledger: ledger, attempt: Self.accepted(id, "c@example.com"), date: Self.start,
                    giveUpHours: 48)
            ).dropLast())
        try handle.close()

        let reopened = try AppDatabase(file: folder.file("state.sqlite"))
        #expect(try await reopened.deliveries(digestID: id).allSatisfy { $0.status == .pending })
        let replayed = try reopened.replayOutcomeLog()
        #expect(replayed.applied == 2 && replayed.damaged == 1, "\(replayed)")
        let after = Dictionary(uniqueKeysWithValues: try await reopened.deliveries(digestID: id).map { ($0.email, $0) })
        #expect(after["a@example.com"]?.status == .accepted)
        #expect(after["b@example.com"]?.status == .pending && after["b@example.com"]?.attempts == 1)
        #expect(after["b@example.com"]?.reply == "451 4.3.0\tlater")
        #expect(after["c@example.com"]?.status == .pending)
        #expect(try OutcomeLog.read(path: reopened.outcomeLogPath).isEmpty)
        // The same entries again (a log not emptied after its apply): nothing changes.
        try reopened.applyLoggedOutcomes(
            [
                OutcomeLog.Entry(
                    seq: 2, ledger: ledger,
                    attempt: DeliveryAttempt(
                        digestID: id, email: "b@example.com", outcome: .temporaryFailure(code: 451, reply: "451"),
                        final: true),
                    date: Self.start, giveUpHours: 48)
            ], sync: true)
        #expect(try await reopened.delivery(digestID: id, email: "b@example.com")?.attempts == 1)
        // A new recorder numbers on from the last applied entry.
        let next = try DeliveryRecorder(database: reopened, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        try next.record(Self.accepted(id, "c@example.com"))
        #expect(try OutcomeLog.read(path: reopened.outcomeLogPath).map(\.seq) == [3])
        try next.finish()
        #expect(try await reopened.delivery(digestID: id, email: "c@example.com")?.status == .accepted)
    }

    /// A log that a stopped send had open and that is gone (deleted by hand) is refused, naming it.
    ///
    /// Going on would send everyone it recorded the digest again. An empty file put in its place is the operator's
    /// "go on".
    @Test func aLostOutcomeLogIsRefused() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let id = try await Self.frozen(database, recipients: ["a@example.com", "b@example.com"])
        let killed = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        try killed.record(Self.accepted(id, "a@example.com"))
        try FileManager.default.removeItem(atPath: database.outcomeLogPath)
        #expect { try database.replayOutcomeLog() } throws: {
            "\($0)".contains(database.outcomeLogPath) && "\($0)".contains("missing")
        }
        #expect(throws: StoreError.self) {
            try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        }
        FileManager.default.createFile(atPath: database.outcomeLogPath, contents: nil)
        #expect(try database.replayOutcomeLog() == (applied: 0, damaged: 0))
        // A send that finished leaves the log closed: a missing log is then no loss.
        let next = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        try next.record(Self.accepted(id, "b@example.com"))
        try next.finish()
        try FileManager.default.removeItem(atPath: database.outcomeLogPath)
        #expect(try database.replayOutcomeLog() == (applied: 0, damaged: 0))
    }

    /// A state database restored from a copy older than its outcome log (a send unfinished in between) is refused:
    /// the outcomes between the ledger's last and the log's first are lost, and their people would get the digest
    /// again.
    @Test func aStateDatabaseOlderThanItsLogIsRefused() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let recipients = (0..<60).map { "r\($0)@example.com" }
        let id = try await Self.frozen(database, recipients: recipients)
        let first = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        for email in recipients.prefix(40) { try first.record(Self.accepted(id, email)) }
        // Killed; a copy of the state database is taken, then the next send applies the log and is killed too.
        let backup = try DatabaseQueue(path: folder.file("backup.sqlite").path)
        try database.writer.backup(to: backup)
        let second = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        for email in recipients.suffix(20) { try second.record(Self.accepted(id, email)) }
        try backup.backup(to: database.writer)
        #expect { try database.replayOutcomeLog() } throws: {
            "\($0)".contains(database.outcomeLogPath) && "\($0)".contains("outcomes 1–40 are lost")
        }
        #expect(try await database.deliveries(digestID: id).allSatisfy { $0.status == .pending })
    }

    /// `status` (and `check`) read a copy of the state database: the copy shows the outcomes that a running or
    /// stopped send has logged and not yet applied, and neither the state database nor the log changes.
    @Test func aScratchCopyShowsLoggedOutcomes() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let id = try await Self.frozen(database, recipients: ["a@example.com", "b@example.com"])
        let running = try DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        try running.record(Self.accepted(id, "a@example.com"))
        let copy = try AppDatabase(scratchCopyOf: folder.file("state.sqlite"))
        #expect(try await copy.delivery(digestID: id, email: "a@example.com")?.status == .accepted)
        #expect(try await copy.delivery(digestID: id, email: "b@example.com")?.status == .pending)
        #expect(try await database.delivery(digestID: id, email: "a@example.com")?.status == .pending)
        #expect(try OutcomeLog.read(path: database.outcomeLogPath).count == 1)
    }

    /// Every outcome survives the line format: tabs, line ends and backslashes in replies, non-ASCII addresses,
    /// each kind of outcome; one changed byte and the line is not an outcome.
    @Test(arguments: [
        SMTPOutcome.accepted(reply: "250 2.0.0 Ok: queued as 4F3A"),
        .permanentFailure(code: 550, reply: "550 5.1.1 <x@example.com>\tUser unknown\r\nsecond \\ line"),
        .temporaryFailure(code: nil, reply: "the SMTP connection closed before any reply"),
        .temporaryFailure(code: 421, reply: "421 4.7.0 try later"),
        .uncertain(reply: "no reply to the end of DATA within 30 s"),
        .fatal(reply: "cannot reach the SMTP server"),
    ])
    func linesRoundTrip(outcome: SMTPOutcome) throws {
        let entry = OutcomeLog.Entry(
            seq: 42, ledger: "0123456789abcdef",
            attempt: DeliveryAttempt(digestID: 7, email: "读者三@example.net", outcome: outcome, final: false),
            date: Date(timeIntervalSince1970: 1_559_347_200.125), giveUpHours: 48)
        let line = OutcomeLog.encode(entry)
        #expect(line.last == 0x0A && line.dropLast().allSatisfy { $0 != 0x0A })
        #expect(OutcomeLog.decode(Data(line.dropLast())[...]) == entry)
        for index in [0, line.count / 2, line.count - 2] {
            var changed = line
            changed[index] ^= 0x01
            #expect(OutcomeLog.decode(Data(changed.dropLast())[...]) == nil)
        }
    }

    /// Pending deliveries come page by page in ledger order, each once; addresses no longer active are settled
    /// as failed on the way and not handed out.
    @Test func pendingDeliveriesArePagedAndInactiveOnesSettled() async throws {
        let database = try AppDatabase()
        let recipients = (0..<25).map { "r\($0)@example.com" }
        let id = try await Self.frozen(database, recipients: recipients)
        var seen: [String] = []
        var position: Int64? = 0
        var pages = 0
        while let after = position {
            let page = try database.claimPendingPage(
                digestID: id, after: after, limit: 10, activeAmong: { Set($0.filter { $0 != "r3@example.com" }) },
                at: Self.start)
            #expect(page.deliveries.count <= 10)
            seen += page.deliveries.map(\.email)
            position = page.next
            pages += 1
        }
        #expect(pages == 3)
        #expect(seen == recipients.filter { $0 != "r3@example.com" })
        let gone = try await database.delivery(digestID: id, email: "r3@example.com")
        #expect(gone?.status == .failed && gone?.reply == "not sent: no longer an active subscriber")
    }
}
