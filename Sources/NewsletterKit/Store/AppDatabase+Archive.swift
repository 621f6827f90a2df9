import Foundation
import GRDB

extension AppDatabase {
    /// `subject`, or `subject (N)` with the smallest N ≥ 2 no stored digest has, when an earlier digest has it
    /// already.
    ///
    /// Two issues on one day get the same Subject from the default `{{title}} {{date}}`; mail programs thread
    /// messages with one Subject together, and the second issue would hide under the first.
    /// - Throws: GRDB's `DatabaseError` when the state file cannot be read.
    func distinctSubject(_ subject: String) async throws -> String {
        try await writer.read { db in
            let taken = Set(
                try String.fetchAll(
                    db, sql: "SELECT subject FROM digest WHERE subject = ? OR instr(subject, ?) = 1",
                    arguments: [subject, subject + " ("]))
            guard taken.contains(subject) else { return subject }
            var number = 2
            while taken.contains("\(subject) (\(number))") { number += 1 }
            return "\(subject) (\(number))"
        }
    }

    /// The digests that went out (sent, or with at least one accepted delivery), oldest first.
    func sentDigests() async throws -> [DigestRecord] {
        try await writer.read { db in
            try DigestRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM digest WHERE status = 'sent' OR EXISTS (
                        SELECT 1 FROM delivery WHERE delivery.digestId = digest.id AND delivery.status = 'accepted')
                    ORDER BY createdAt, id
                    """)
        }
    }
}
