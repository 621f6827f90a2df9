import Foundation
import GRDB

extension AppDatabase {
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
