import Foundation
import GRDB
import Testing

@testable import NewsletterKit

struct AppDatabaseTests {
    /// A state file written by the v1 schema (digest content as JSON text) opens, migrates and
    /// reads back: existing state stays readable.
    @Test func v1StateFileStaysReadable() async throws {
        let folder = try TemporaryFolder()
        let file = folder.file("state.sqlite")
        let content = DigestContent(
            title: "党建周报", subject: "党建周报 2019-06-01", issueDate: "2019-06-01",
            items: [
                DigestItem(
                    key: "k", title: "t", url: "https://example.com/a", date: "2019-06-01 08:00", origin: nil,
                    category: nil, author: nil, excerpt: "e")
            ])
        do {
            let queue = try DatabaseQueue(path: file.path)
            try AppDatabase.migrator.migrate(queue, upTo: "v1")
            let json = String(decoding: try JSONEncoder().encode(content), as: UTF8.self)
            try await queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO digest (id, createdAt, subject, contentJSON, status) VALUES (1, ?, ?, ?, 'sending')",
                    arguments: [Date(timeIntervalSince1970: 0), content.subject, json])
            }
        }
        let database = try AppDatabase(file: file)
        let digests = try await database.unfinishedDigests()
        #expect(digests.map(\.content) == [content])
        let applied = try await database.writer.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied == Set(AppDatabase.migrator.migrations))  // every later migration applied on top of v1
    }

    /// WAL with synchronous = FULL on every connection, the writer's included: a commit is on disk when it returns.
    @Test func walWithFullSynchronous() throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(file: folder.file("state.sqlite"))
        let (mode, synchronous) = try database.writer.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            )
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)
        // The connection that writes: GRDB's pool set it to NORMAL after `prepareDatabase` (the read above went to a
        // reader connection and never saw it), so freezing a digest was not fsynced.
        let writing = try database.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(writing == 2)
    }

    /// Outcomes recorded in one batch; a fatal outcome leaves the delivery pending with no
    /// first-failure time; an uncertain one is not pending.
    @Test func recordMapsOutcomesToStatuses() async throws {
        let database = try AppDatabase()
        let content = DigestContent(title: "t", subject: "s", issueDate: "d", items: [])
        let start = Date(timeIntervalSince1970: 1_000_000)
        let digest = try await database.freezeDigest(
            content, recipients: ["a@example.com", "b@example.com", "c@example.com", "d@example.com"],
            messageID: { "<\(UUID().uuidString)@example.com>" }, at: start)
        let id = try #require(digest.id)
        try database.record(
            [
                DeliveryAttempt(digestID: id, email: "a@example.com", outcome: .accepted(reply: "250 ok"), final: true),
                DeliveryAttempt(
                    digestID: id, email: "b@example.com", outcome: .fatal(reply: "unreachable"), final: true),
                DeliveryAttempt(
                    digestID: id, email: "c@example.com", outcome: .uncertain(reply: "no reply"), final: true),
                DeliveryAttempt(
                    digestID: id, email: "d@example.com", outcome: .temporaryFailure(code: 451, reply: "451 later"),
                    final: true),
            ], at: start, giveUpBefore: start.addingTimeInterval(-3600), giveUpHours: 1)
        let byEmail = Dictionary(
            uniqueKeysWithValues: try await database.deliveries(digestID: id).map { ($0.email, $0) })
        #expect(byEmail["a@example.com"]?.status == .accepted)
        #expect(byEmail["b@example.com"]?.status == .pending && byEmail["b@example.com"]?.attempts == 0)
        #expect(byEmail["b@example.com"]?.firstAttemptAt == nil)
        #expect(byEmail["c@example.com"]?.status == .uncertain)
        #expect(byEmail["d@example.com"]?.status == .pending && byEmail["d@example.com"]?.firstAttemptAt == start)
        let finish = try await database.finishDigest(id, runStartedAt: start)
        #expect(finish.pending == 2 && finish.uncertain == ["c@example.com"])
        #expect(try await database.resendUncertain(at: start) == 1)
    }
}
