public import Foundation

/// Records delivery outcomes for the sessions of one run: each in the outcome log (``OutcomeLog``) as soon as the
/// server has answered, and in the ledger's tables in transactions of hundreds.
///
/// A session submits its outcome as soon as the server has answered (``submit(_:)``): that appends one line to the
/// outcome log with one `write(2)`, after which the outcome survives a kill of the process. Before the session's
/// next end of data it checks that nothing failed (``commit(through:)``): so every outcome is recorded before its
/// session sends its next message (a kill -9 costs at most the one message in flight per connection). The outcome
/// log replaced a SQLite transaction per outcome (or per few outcomes, shared by the sessions): that transaction,
/// its file locks, log pages and the sessions' waits for each other were half of the send path's CPU.
///
/// Every ``applyEveryOutcomes`` outcomes, or once ``applyInterval`` has passed, the session that submits applies
/// those logged so far (up to the first one another session is still writing) to the ledger in one transaction at
/// `synchronous = NORMAL`; ``finish()`` applies the rest with an fsync and empties the log. `status` reads a copy of the
/// ledger with the log applied to the copy (``AppDatabase/init(scratchCopyOf:)``); a run that stops before applying
/// leaves them in the log, and the next run applies them before it reads a pending delivery
/// (``AppDatabase/replayOutcomeLog()``).
///
/// ## Durability
/// An outcome in the log survives a process kill at once (it is in the operating system's page cache) but not
/// necessarily a power cut or kernel crash. Every ``syncEveryOutcomes`` outcomes, or when ``syncInterval`` has
/// passed since the last fsync, the log is fsynced (`fdatasync`), and with it every earlier outcome. A power cut can
/// therefore cost at most the outcomes of the last second or the last 1,000 outcomes, whichever is fewer: those
/// people would be sent the digest again by the next run. Every other write of the store (freezing a digest,
/// finishing it) stays `synchronous = FULL`, and ``finish()`` applies the last outcomes with an fsync before it
/// empties the log.
///
/// After a failed write (the log or the ledger) the recorder stays failed: every later ``commit(through:)`` throws
/// the same ``StoreError`` (fail closed: the run stops). What the log holds is applied by ``finish()`` or, if that
/// fails too, by the next run.
public final class DeliveryRecorder: @unchecked Sendable {
    /// At most this many outcomes are logged without an fsync.
    public static let syncEveryOutcomes = 1000
    /// At most this long (seconds) between fsyncs while outcomes are being recorded.
    public static let syncInterval: TimeInterval = 1
    /// Logged outcomes are applied to the ledger's tables in batches of this many.
    public static let applyEveryOutcomes = 500
    /// At most this long (seconds) between applying logged outcomes to the ledger's tables, while outcomes come.
    public static let applyInterval: TimeInterval = 1

    private let database: AppDatabase
    private let clock: RunClock
    private let giveUpHours: Double
    private let log: OutcomeLog
    /// The state database's id, in each line (``OutcomeLog/Entry/ledger``).
    private let ledger: String

    // Guarded by `lock`.
    private let lock = NSLock()
    private var nextSeq: Int64
    /// Logged, not yet applied, by number.
    private var logged: [Int64: OutcomeLog.Entry] = [:]
    /// Numbers whose write failed.
    private var lost: Set<Int64> = []
    /// Every number below this one is logged (or lost).
    private var settledBelow: Int64
    private var failure: StoreError?
    private var applying = false
    private var syncing = false
    private var unsynced = 0
    private var lastSync = ContinuousClock.now
    private var lastApply = ContinuousClock.now

    /// Prepares a recorder that logs the run's outcomes beside `database` and applies them to its ledger; first
    /// applies what an earlier run left in the log (``AppDatabase/replayOutcomeLog()``).
    ///
    /// - Parameters:
    ///   - database: the state database whose delivery ledger receives the outcomes.
    ///   - clock: the run's clock: the time recorded for each outcome.
    ///   - giveUpHours: temporary failures older than this are given up (see
    ///     ``AppDatabase/record(_:at:giveUpBefore:giveUpHours:)``).
    /// - Throws: ``StoreError`` naming the state file or the outcome log.
    public convenience init(database: AppDatabase, clock: RunClock, giveUpHours: Double) throws {
        try self.init(database: database, clock: clock, giveUpHours: giveUpHours, logPath: database.outcomeLogPath)
    }

    /// ``init(database:clock:giveUpHours:)`` appending to the log at `logPath` (tests: `/dev/full`).
    init(database: AppDatabase, clock: RunClock, giveUpHours: Double, logPath: String) throws {
        self.database = database
        self.clock = clock
        self.giveUpHours = giveUpHours
        try database.replayOutcomeLog()
        let state = try database.outcomeLogState()
        nextSeq = state.applied + 1
        settledBelow = state.applied + 1
        ledger = state.ledger
        log = try OutcomeLog(path: logPath)
        try database.markOutcomeLogOpen(since: nextSeq)
    }

    /// Records one outcome; returns once it is in the outcome log (``submit(_:)`` then ``commit(through:)``).
    /// - Throws: ``StoreError`` naming the state file or the log when it (or an earlier outcome) could not be
    ///   recorded: the caller must stop sending.
    public func record(_ attempt: DeliveryAttempt) throws {
        try commit(through: submit(attempt))
    }

    /// Logs one outcome (one `write(2)`), stamped with the clock's time; applies the outcomes logged so far to the
    /// ledger's tables, or fsyncs the log, when this one makes it due.
    ///
    /// - Returns: the outcome's ticket, for ``commit(through:)``.
    public func submit(_ attempt: DeliveryAttempt) -> Ticket {
        let seq = lock.withLock {
            defer { nextSeq += 1 }
            return nextSeq
        }
        let entry = OutcomeLog.Entry(
            seq: seq, ledger: ledger, attempt: attempt, date: clock.now(), giveUpHours: giveUpHours)
        let written = Result { () throws(StoreError) in try log.append(entry) }
        let (apply, sync) = lock.withLock { () -> ([OutcomeLog.Entry]?, Bool) in
            switch written {
            case .success:
                logged[seq] = entry
                unsynced += 1
            case .failure(let error):
                lost.insert(seq)
                failure = failure ?? error
            }
            while logged[settledBelow] != nil || lost.contains(settledBelow) { settledBelow += 1 }
            var sync = false
            if !syncing,
                unsynced >= Self.syncEveryOutcomes || ContinuousClock.now - lastSync >= .seconds(Self.syncInterval)
            {
                syncing = true
                sync = true
                unsynced = 0
                lastSync = ContinuousClock.now
            }
            guard !applying, failure == nil,
                logged.count >= Self.applyEveryOutcomes
                    || ContinuousClock.now - lastApply >= .seconds(Self.applyInterval)
            else { return (nil, sync) }
            // Only the outcomes below the first one still being written: the ledger's `appliedSeq` must not pass one
            // that is not in the log yet.
            let ready = logged.filter { $0.key < settledBelow }
            guard !ready.isEmpty else { return (nil, sync) }
            for seq in ready.keys { logged[seq] = nil }
            applying = true
            lastApply = ContinuousClock.now
            return (Array(ready.values), sync)
        }
        if sync {
            let synced = Result { () throws(StoreError) in try log.sync() }
            lock.withLock {
                syncing = false
                if case .failure(let error) = synced { failure = failure ?? error }
            }
        }
        if let apply {
            let applied = Result { try database.applyLoggedOutcomes(apply, sync: false) }
            lock.withLock {
                applying = false
                if case .failure(let error) = applied {
                    // Still in the log: `finish()` or the next run applies them.
                    for entry in apply { logged[entry.seq] = entry }
                    failure = failure ?? (error as? StoreError ?? StoreError(path: database.path, reason: "\(error)"))
                }
            }
        }
        return Ticket(number: seq)
    }

    /// Returns when the outcome of `ticket` is recorded (it is, once ``submit(_:)`` has returned, unless a write
    /// failed).
    /// - Throws: ``StoreError`` naming the state file or the log when it (or any outcome of the run) could not be
    ///   recorded: the caller must stop sending.
    public func commit(through ticket: Ticket) throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    /// An outcome's place in the order of submission (``submit(_:)``).
    public struct Ticket: Sendable {
        fileprivate let number: Int64
    }

    /// Ends the run's recording: applies every outcome still only in the log to the ledger, then empties the log.
    ///
    /// The apply is fsynced (`synchronous = FULL`, which the store's other writes keep). Call it once the sessions
    /// are done, whatever stopped them.
    ///
    /// - Throws: ``StoreError`` naming the state file or the log; the outcomes not applied stay in the log for the
    ///   next run.
    public func finish() throws {
        let rest: [OutcomeLog.Entry] = lock.withLock { Array(logged.values) }
        if !rest.isEmpty { try log.sync() }
        // Applied with an fsync, the log marked closed in the same transaction.
        try database.applyLoggedOutcomes(rest, sync: true, closing: true)
        lock.withLock { for entry in rest { logged[entry.seq] = nil } }
        // Emptied only once every outcome this run logged is in the ledger (a failed apply keeps them, and the log,
        // for a later call or the next run).
        guard lock.withLock({ logged.isEmpty && !applying }) else { return }
        try OutcomeLog.empty(path: database.outcomeLogPath)
        if database.path == ":memory:" { unlink(database.outcomeLogPath) }
    }
}
