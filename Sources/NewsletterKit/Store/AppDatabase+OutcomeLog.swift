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
        // Set while a send's recorder may be writing the log, cleared by its last apply: a missing log is then a lost one.
        migrator.registerMigration("outcomeLogOpenSince") { db in
            try db.alter(table: "outcomeLog") { t in t.add(column: "openSince", .integer) }
        }
    }

    /// Outcome numbers may differ by this much between the first one a stopped run's log holds and the last one the
    /// ledger applied: numbers given to sessions (at most 16, `smtp.connections`) whose line a kill prevented.
    static let outcomeLogStartTolerance: Int64 = 16

    /// Marks the log open from outcome number `seq` on (a recorder starts), fsynced: until its last apply clears it,
    /// a missing log is a lost one (``replayOutcomeLog()``).
    /// - Throws: ``StoreError`` naming the state file.
    func markOutcomeLogOpen(since seq: Int64) throws {
        do {
            try writer.write { db in
                try db.execute(sql: "UPDATE outcomeLog SET openSince = ? WHERE id = 1", arguments: [seq])
            }
        } catch {
            throw StoreError(path: path, reason: "cannot record a delivery (\(error))")
        }
    }

    /// The ledger's side of the outcome log: the number of the last entry applied (0 when none was), this state
    /// database's id in the log's lines (16 hex digits, made once by the migration), and the first number of a log
    /// a send opened and did not close (`nil` when none is open).
    struct OutcomeLogState: Sendable {
        var applied: Int64
        var ledger: String
        var openSince: Int64?
    }

    /// Reads ``OutcomeLogState``.
    /// - Throws: ``StoreError`` naming the state file.
    func outcomeLogState() throws -> OutcomeLogState {
        do {
            return try writer.read { db in
                let row = try Row.fetchOne(
                    db, sql: "SELECT appliedSeq, ledgerID, openSince FROM outcomeLog WHERE id = 1")
                return OutcomeLogState(
                    applied: row?["appliedSeq"] ?? 0, ledger: row?["ledgerID"] ?? "", openSince: row?["openSince"])
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
    ///   - closing: also mark the log closed (the recorder's last apply): a missing log is then no loss.
    /// - Throws: ``StoreError`` naming the state file; nothing of the batch is written then.
    func applyLoggedOutcomes(_ entries: [OutcomeLog.Entry], sync: Bool, closing: Bool = false) throws {
        guard !entries.isEmpty || closing else { return }
        try ledgerTransaction(sync: sync) { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT appliedSeq, ledgerID FROM outcomeLog WHERE id = 1"))
            let applied: Int64 = row?["appliedSeq"] ?? 0
            let ledger: String? = row?["ledgerID"]
            var last = applied
            for entry in entries.sorted(by: { $0.seq < $1.seq }) where entry.seq > applied && entry.ledger == ledger {
                try Self.record(
                    entry.attempt, at: entry.date,
                    giveUpBefore: entry.date.addingTimeInterval(-entry.giveUpHours * 3600),
                    giveUpHours: entry.giveUpHours, db)
                last = entry.seq
            }
            try db.cachedStatement(sql: "UPDATE outcomeLog SET appliedSeq = ? WHERE id = 1").execute(arguments: [last])
            if closing { try db.execute(sql: "UPDATE outcomeLog SET openSince = NULL WHERE id = 1") }
        }
    }

    /// Applies what the outcome log holds beyond the ledger (a run stopped before applying it: killed, or its state
    /// file full), fsynced, then empties the log.
    ///
    /// Call it holding the run lock, before any pending delivery is read: no other process may be writing the log.
    /// Refuses a log that is missing while a send had it open, and one whose first outcome lies well beyond the
    /// ledger's last (outcomes lost between them: a state database restored from an older copy, a log replaced):
    /// going on would send those people the digest again.
    /// - Returns: the number of outcomes applied, and of damaged lines skipped (each a delivery that may go out again).
    /// - Throws: ``StoreError`` naming the state file or the log.
    @discardableResult
    public func replayOutcomeLog() throws -> (applied: Int, damaged: Int) {
        let (entries, damaged, exists) = try OutcomeLog.scan(path: outcomeLogPath)
        let state = try outcomeLogState()
        let applied = state.applied
        if !exists, let openSince = state.openSince {
            throw StoreError(
                path: outcomeLogPath,
                reason:
                    "the outcome log is missing, but the send that opened it (from outcome \(openSince) on) did not finish: the deliveries it recorded would be sent again. Put the file back; if it is lost for good, create it empty (touch \(outcomeLogPath)) and send again: those people then get the digest a second time"
            )
        }
        // Lines of another state database (this one replaced it) are left out, and go with the emptied log.
        let missing = entries.filter { $0.seq > applied && $0.ledger == state.ledger }
        if let first = missing.map(\.seq).min(), first > applied + Self.outcomeLogStartTolerance {
            throw StoreError(
                path: outcomeLogPath,
                reason:
                    "the outcome log starts at outcome \(first), but \(path) has applied outcomes only up to \(applied): outcomes \(applied + 1)–\(first - 1) are lost (was the state database restored from an older copy while a send was unfinished?), and their people would get the digest again. Restore the state database and its outcome log together"
            )
        }
        if !missing.isEmpty { try applyLoggedOutcomes(missing, sync: true) }
        if exists { try OutcomeLog.empty(path: outcomeLogPath) }
        return (missing.count, damaged)
    }
}
