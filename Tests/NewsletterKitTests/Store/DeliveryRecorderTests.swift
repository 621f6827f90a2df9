import Foundation
import GRDB
import Testing

@testable import NewsletterKit

/// The send path's ledger operations: group commit of outcomes and pending deliveries read page by page.
struct DeliveryRecorderTests {
    static let start = Date(timeIntervalSince1970: 1_000_000)

    static func frozen(_ database: AppDatabase, recipients: [String]) async throws -> Int64 {
        let content = DigestContent(title: "t", subject: "s", issueDate: "d", items: [])
        let digest = try await database.freezeDigest(
            content, recipients: recipients, messageID: { "<\(UUID().uuidString)@example.com>" }, at: start)
        return try #require(digest.id)
    }

    /// Outcomes reported at once by several sessions are all committed, each before its `record` returns; the
    /// connection stays at `synchronous = NORMAL` between them and is back to `FULL` for the store's other writes
    /// once the recorder has finished.
    @Test func outcomesFromManySessionsAreAllCommitted() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let recipients = (0..<400).map { "r\($0)@example.com" }
        let id = try await Self.frozen(database, recipients: recipients)
        let recorder = DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        var readerConfiguration = Configuration()
        readerConfiguration.busyMode = .timeout(10)
        let reader = try DatabasePool(path: database.path, configuration: readerConfiguration)
        DispatchQueue.concurrentPerform(iterations: 8) { session in
            for index in stride(from: session, to: recipients.count, by: 8) {
                let attempt = DeliveryAttempt(
                    digestID: id, email: recipients[index], outcome: .accepted(reply: "250 ok"), final: true)
                #expect(throws: Never.self) { try recorder.record(attempt) }
                // Committed before `record` returned: visible to another connection at once.
                let status = Result {
                    try reader.read { db in
                        try String.fetchOne(
                            db, sql: "SELECT status FROM delivery WHERE email = ?", arguments: [recipients[index]])
                    }
                }
                #expect((try? status.get()) == "accepted", "\(status)")
            }
        }
        let deliveries = try await database.deliveries(digestID: id)
        #expect(deliveries.allSatisfy { $0.status == .accepted && $0.attempts == 1 && $0.replyCode == 250 })
        let during = try await database.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(during == 1)
        try recorder.finish()
        let after = try await database.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(after == 2)
    }

    /// Fail closed: once a commit fails (the database locked by another process), that outcome and every later
    /// one throw a ``StoreError`` naming the state file, even after the lock is gone.
    @Test func aFailedCommitFailsEveryLaterOutcome() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"), busyTimeout: 0.05)
        let id = try await Self.frozen(database, recipients: ["a@example.com", "b@example.com"])
        let recorder = DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: database.path, configuration: configuration)
        try other.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        let first = DeliveryAttempt(digestID: id, email: "a@example.com", outcome: .accepted(reply: "250"), final: true)
        #expect { try recorder.record(first) } throws: { "\($0)".contains(database.path) }
        try other.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        let second = DeliveryAttempt(
            digestID: id, email: "b@example.com", outcome: .accepted(reply: "250"), final: true)
        #expect(throws: StoreError.self) { try recorder.record(second) }
        #expect(try await database.deliveries(digestID: id).allSatisfy { $0.status == .pending })
    }

    /// Issue 9 (speed): a session submits an outcome when the server answers and waits for it only at its next
    /// commit point, so the first commit in between carries every outcome submitted by then (the sessions share
    /// commits); a commit that already carried an outcome costs its own wait no transaction, even with the
    /// database locked by another process.
    @Test func aCommitCarriesEveryOutcomeSubmittedBeforeIt() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"), busyTimeout: 0.05)
        let recipients = ["a@example.com", "b@example.com", "c@example.com"]
        let id = try await Self.frozen(database, recipients: recipients)
        let recorder = DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        let tickets = recipients.map {
            recorder.submit(DeliveryAttempt(digestID: id, email: $0, outcome: .accepted(reply: "250"), final: true))
        }
        // Submitted, not yet committed.
        #expect(try await database.deliveries(digestID: id).allSatisfy { $0.status == .pending })
        try recorder.commit(through: tickets[0])
        #expect(try await database.deliveries(digestID: id).allSatisfy { $0.status == .accepted })
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: database.path, configuration: configuration)
        try other.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        defer { try? other.inDatabase { db in try db.execute(sql: "ROLLBACK") } }
        try recorder.commit(through: tickets[2])
        try recorder.commit(through: tickets[1])
        // A later outcome needs a transaction: the lock makes it fail, naming the file.
        let late = recorder.submit(
            DeliveryAttempt(digestID: id, email: "a@example.com", outcome: .accepted(reply: "250"), final: true))
        #expect { try recorder.commit(through: late) } throws: { "\($0)".contains(database.path) }
    }

    /// Fail closed with two steps: when the commit that carries a submitted outcome fails, every session waiting
    /// for an outcome of that commit or a later one is told, and nothing of it is recorded.
    @Test func aFailedSharedCommitFailsEverySubmittedOutcome() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"), busyTimeout: 0.05)
        let id = try await Self.frozen(database, recipients: ["a@example.com", "b@example.com"])
        let recorder = DeliveryRecorder(database: database, clock: RunClock(fixed: Self.start), giveUpHours: 48)
        let first = recorder.submit(
            DeliveryAttempt(digestID: id, email: "a@example.com", outcome: .accepted(reply: "250"), final: true))
        let second = recorder.submit(
            DeliveryAttempt(digestID: id, email: "b@example.com", outcome: .accepted(reply: "250"), final: true))
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: database.path, configuration: configuration)
        try other.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        #expect(throws: StoreError.self) { try recorder.commit(through: first) }
        try other.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        #expect(throws: StoreError.self) { try recorder.commit(through: second) }
        #expect(try await database.deliveries(digestID: id).allSatisfy { $0.status == .pending })
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
