public import Foundation

/// Records delivery outcomes for the sessions of one run with **group commit**.
///
/// A session submits its outcome as soon as the server has answered (``submit(_:)``) and waits, only
/// when it must, until a transaction that contains it has committed (``commit(through:)``). The first session
/// that must wait commits every outcome submitted by then, its own and other sessions'; outcomes
/// submitted while a commit is running go into the next transaction together.
///
/// So every outcome is committed before its session sends its next message (a kill -9 costs at
/// most the one message in flight per connection), while many sessions share one commit: at four
/// connections a commit carries about 2.4 outcomes, and the ledger's share of the send path's CPU
/// fell from about a third to under a quarter.
///
/// ## Durability
/// A commit is written to SQLite's write-ahead log without an fsync (`synchronous = NORMAL`, which
/// the connection keeps between these commits until ``finish()``; the ledger pages claimed meanwhile,
/// which settle addresses no longer on the list, are committed the same way and are settled again
/// by the next run if lost): it survives a process kill at once (it is in the operating system's
/// page cache) but not necessarily a power cut or kernel crash. Every ``syncEveryOutcomes``
/// outcomes, or when ``syncInterval`` has passed since the last fsync, the commit is made with
/// `synchronous = FULL`, which fsyncs the log and with it every earlier commit. A power cut can
/// therefore cost at most the outcomes of the last second or the last 1,000 outcomes, whichever is
/// fewer: those people would be sent the digest again by the next run. Every other write of the
/// store (freezing a digest, finishing it) stays `synchronous = FULL`, so the commit that marks a
/// digest sent fsyncs every outcome before it.
///
/// After a failed commit the recorder stays failed: every later ``record(_:)`` throws the same
/// ``StoreError`` (fail closed: the run stops; the outcomes of that transaction stay unrecorded).
public final class DeliveryRecorder: @unchecked Sendable {
    /// At most this many outcomes are committed without an fsync.
    public static let syncEveryOutcomes = 1000
    /// At most this long (seconds) between fsyncs while outcomes are being recorded.
    public static let syncInterval: TimeInterval = 1

    private let database: AppDatabase
    private let clock: RunClock
    private let giveUpHours: Double

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queued: [(attempt: DeliveryAttempt, date: Date)] = []
    /// Tickets are handed out in order; every ticket up to `committedThrough` is committed.
    private var nextTicket = 1
    private var committedThrough = 0
    private var committing = false
    private var failure: StoreError?
    private var unsynced = 0
    private var lastSync = ContinuousClock.now

    /// Prepares a recorder that writes the run's outcomes to `database`.
    ///
    /// - Parameters:
    ///   - database: the state database whose delivery ledger receives the outcomes.
    ///   - clock: the run's clock: the time recorded for each outcome.
    ///   - giveUpHours: temporary failures older than this are given up (see
    ///     ``AppDatabase/record(_:at:giveUpBefore:giveUpHours:)``).
    public init(database: AppDatabase, clock: RunClock, giveUpHours: Double) {
        self.database = database
        self.clock = clock
        self.giveUpHours = giveUpHours
    }

    /// Records one outcome; returns once it is committed (``submit(_:)`` then ``commit(through:)``).
    /// - Throws: ``StoreError`` naming the state file when it (or an earlier outcome) could not be
    ///   recorded: the caller must stop sending.
    public func record(_ attempt: DeliveryAttempt) throws {
        try commit(through: submit(attempt))
    }

    /// Queues one outcome for the next commit, without waiting for it; the outcome keeps the time it
    /// was submitted at.
    ///
    /// A session submits an accepted message's outcome as soon as the server has answered, and waits
    /// for it (``commit(through:)``) only just before its next end of data: whichever session commits
    /// first in between commits every outcome queued by then, so most commits carry the outcomes of
    /// several sessions.
    ///
    /// - Returns: the outcome's ticket, for ``commit(through:)``.
    public func submit(_ attempt: DeliveryAttempt) -> Ticket {
        condition.lock()
        defer { condition.unlock() }
        let ticket = nextTicket
        nextTicket += 1
        queued.append((attempt, clock.now()))
        return Ticket(number: ticket)
    }

    /// Returns once the outcome of `ticket` (and every outcome submitted before it) is committed:
    /// at once when another session's commit already carried it; otherwise this call commits every
    /// outcome queued so far, or waits for the commit in progress and then does.
    /// - Throws: ``StoreError`` naming the state file when it (or an earlier outcome) could not be
    ///   recorded: the caller must stop sending.
    public func commit(through ticket: Ticket) throws {
        condition.lock()
        defer { condition.unlock() }
        while committedThrough < ticket.number {
            if let failure { throw failure }
            if committing {
                condition.wait()
                continue
            }
            // Lead a commit of everything queued so far (this outcome included).
            committing = true
            let batch = queued
            queued.removeAll(keepingCapacity: true)
            let last = nextTicket - 1
            unsynced += batch.count
            let sync =
                unsynced >= Self.syncEveryOutcomes || ContinuousClock.now - lastSync >= .seconds(Self.syncInterval)
            condition.unlock()
            let result = Result { try commit(batch, sync: sync) }
            condition.lock()
            committing = false
            switch result {
            case .success:
                committedThrough = last
                if sync {
                    unsynced = 0
                    lastSync = ContinuousClock.now
                }
            case .failure(let error):
                failure = error as? StoreError ?? StoreError(path: database.path, reason: "\(error)")
            }
            condition.broadcast()
        }
    }

    /// An outcome's place in the order of submission (``submit(_:)``).
    public struct Ticket: Sendable {
        fileprivate let number: Int
    }

    /// Ends the run's recording: the store's connection goes back to `synchronous = FULL`.
    ///
    /// Its next commit (finishing the digest) then fsyncs the log with every outcome committed before it. Call it
    /// once the sessions are done, whatever stopped them.
    ///
    /// - Throws: ``StoreError`` naming the state file.
    public func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        while committing { condition.wait() }
        try database.restoreFullSynchronous()
    }

    private func commit(_ batch: [(attempt: DeliveryAttempt, date: Date)], sync: Bool) throws {
        // One transaction; each outcome keeps the time it was reported at.
        try database.record(batch, giveUpHours: giveUpHours, sync: sync)
    }
}
