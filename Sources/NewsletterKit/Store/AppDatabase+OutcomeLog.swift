import Foundation
import GRDB

/// The outcome log (``OutcomeLog``) and the ledger: which of its entries the ledger holds, applying them, and
/// replaying what a stopped run left in it.
extension AppDatabase {
    static func registerOutcomeLogMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("outcomeLog") { db in
            try db.create(table: "outcomeLog") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("appliedSeq", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO outcomeLog (id, appliedSeq) VALUES (1, 0)")
        }
        // The state database's own id in each log line: a log left beside a replaced state database is not its.
        migrator.registerMigration("outcomeLogLedgerID") { db in
            try db.alter(table: "outcomeLog") { t in t.add(column: "ledgerID", .text).notNull().defaults(to: "") }
            try db.execute(sql: "UPDATE outcomeLog SET ledgerID = lower(hex(randomblob(8)))")
        }
    }

    /// This state database's id in the outcome log's lines (16 hex digits, made once by the migration).
    /// - Throws: ``StoreError`` naming the state file.
    func ledgerID() throws -> String {
        do {
            return try writer.read { db in
                try String.fetchOne(db, sql: "SELECT ledgerID FROM outcomeLog WHERE id = 1") ?? ""
            }
        } catch {
            throw StoreError(path: path, reason: "cannot read the delivery ledger (\(error))")
        }
    }

    /// The number of the last outcome log entry applied to the ledger (0 when none was).
    /// - Throws: ``StoreError`` naming the state file.
    func appliedOutcomeSeq() throws -> Int64 {
        do {
            return try writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT appliedSeq FROM outcomeLog WHERE id = 1") ?? 0
            }
        } catch {
            throw StoreError(path: path, reason: "cannot read the delivery ledger (\(error))")
        }
    }

    /// Applies outcome log entries to the ledger in one transaction, in the order of their numbers, skipping those
    /// it already holds (numbered up to `outcomeLog.appliedSeq`) and those of another state database (`ledgerID`),
    /// and moves `appliedSeq` to the last one.
    ///
    /// - Parameters:
    ///   - entries: the entries, in any order.
    ///   - sync: commit with `synchronous = FULL` (fsync the write-ahead log, and with it every earlier commit);
    ///     otherwise `NORMAL`, which the writer keeps until the next `FULL` commit (see ``DeliveryRecorder``).
    /// - Throws: ``StoreError`` naming the state file; nothing of the batch is written then.
    func applyLoggedOutcomes(_ entries: [OutcomeLog.Entry], sync: Bool) throws {
        guard !entries.isEmpty else { return }
        try ledgerTransaction(sync: sync) { db in
            let applied =
                try Int64.fetchOne(db.cachedStatement(sql: "SELECT appliedSeq FROM outcomeLog WHERE id = 1")) ?? 0
            let ledger = try String.fetchOne(db.cachedStatement(sql: "SELECT ledgerID FROM outcomeLog WHERE id = 1"))
            var last = applied
            for entry in entries.sorted(by: { $0.seq < $1.seq }) where entry.seq > applied && entry.ledger == ledger {
                try Self.record(
                    entry.attempt, at: entry.date,
                    giveUpBefore: entry.date.addingTimeInterval(-entry.giveUpHours * 3600),
                    giveUpHours: entry.giveUpHours, db)
                last = entry.seq
            }
            try db.cachedStatement(sql: "UPDATE outcomeLog SET appliedSeq = ? WHERE id = 1").execute(arguments: [last])
        }
    }

    /// Applies what the outcome log holds beyond the ledger (a run stopped before applying it: killed, or its state
    /// file full), fsynced, then empties the log.
    ///
    /// Call it holding the run lock, before any pending delivery is read: no other process may be writing the log.
    /// - Returns: the number of outcomes applied.
    /// - Throws: ``StoreError`` naming the state file or the log.
    @discardableResult
    public func replayOutcomeLog() throws -> Int {
        let entries = try OutcomeLog.read(path: outcomeLogPath)
        guard !entries.isEmpty else { return 0 }
        let applied = try appliedOutcomeSeq()
        let ledger = try ledgerID()
        // Lines of another state database (this one replaced it) are left out, and go with the emptied log.
        let missing = entries.filter { $0.seq > applied && $0.ledger == ledger }
        try applyLoggedOutcomes(missing, sync: true)
        try OutcomeLog.empty(path: outcomeLogPath)
        return missing.count
    }
}
