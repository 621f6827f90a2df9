import Foundation
public import Logging

/// Sends one message per recipient over a few parallel sessions, at a limited rate, retrying
/// 4xx replies with backoff and never retrying 5xx replies (cases 23, 24).
///
/// Each worker thread owns one ``MailSession`` (one libcurl handle, one connection reused across
/// its messages) and does all its work between the server's replies
/// (``MailSession/send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:announceNext:whileAwaitingReply:)``):
/// - the outcome of its previous message is submitted for recording as soon as the server answers
///   it, and its commit is waited for once the server has answered this message's envelope, before
///   its data (case 26): at most one unrecorded message per connection is ever delivered, and the
///   first session to commit in between commits the outcomes every session has submitted by then
///   (a single session, with nobody to share a commit with, waits while the envelope is answered);
/// - its next message is taken and composed just before this one's data, and announced to the session,
///   whose envelope then follows this message's end of data in the same write where the server offers
///   `PIPELINING` (one round trip per message, as Postfix's own client sends); when none may start at
///   once (a rate limit or a retry's time to wait for), after the reply.
///
/// The workers are threads, not tasks: a session blocks its thread in libcurl's connect and in
/// `poll` while it waits for the server, which must not tie up Swift's cooperative thread pool (as
/// many threads as cores). Their shared state is guarded by one `NSCondition` (a pthread mutex,
/// which ThreadSanitizer understands; `Synchronization.Mutex` is a futex it cannot see on Linux,
/// `scripts/sanitizer-notes/tsan-mutex/`). Every wait — the rate limit, a retry's backoff, a worker
/// waiting for a retry another holds — waits on that condition with a deadline, so a stop request
/// (``StopRequest/request()``) wakes it at once.
public struct DeliveryEngine: Sendable {
    /// One message to one recipient.
    public struct Job: Sendable {
        /// The recipient address (`RCPT TO`).
        public var recipient: String
        /// Attempts already made in earlier runs.
        public var previousAttempts: Int
        /// The message's Message-ID, kept across resends (empty where the caller does not need it).
        public var messageID: String

        public init(recipient: String, previousAttempts: Int = 0, messageID: String = "") {
            self.recipient = recipient
            self.previousAttempts = previousAttempts
            self.messageID = messageID
        }
    }

    /// Totals of one delivery run.
    public struct Report: Sendable, Equatable {
        public var accepted = 0
        public var permanentFailures = 0
        /// Still failing with 4xx after this run's retries: left pending for the next run.
        public var deferred = 0
        /// No reply to the end of DATA: recorded as uncertain, not retried.
        public var uncertain = 0
        /// Set when a fatal outcome stopped the run (remaining jobs were not tried).
        public var fatalError: String?
        /// Set when an outcome could not be recorded: the run stopped at once (fail closed).
        public var recordingError: String?
        /// Set when a message could not be built: that delivery stays pending and the run stopped.
        public var buildError: String?
        /// Set when a stop was requested (SIGINT/SIGTERM): remaining jobs were not tried.
        public var interrupted = false
        /// Jobs that `compose` turned down with ``NotSent``: not sent, settled by the caller (a send adds the
        /// deliveries whose address left the list before it claimed them).
        public var notSent = 0
    }

    /// Thrown by `compose` for a job that must not be sent after all (its recipient unsubscribed during the
    /// run), once the caller has settled it in its ledger: the engine sends nothing, records nothing, counts it
    /// in ``Report/notSent`` and goes on with the next job.
    public struct NotSent: Error, Sendable {
        public init() {}
    }

    public var transport: any MailTransport
    /// The envelope sender (RFC 5321 `MAIL FROM`).
    public var envelopeSender: String
    /// Parallel sessions.
    public var connections: Int
    /// Messages per second across all sessions; 0 for no limit.
    public var ratePerSecond: Double
    /// Delays before the 1st, 2nd, … retry of a 4xx, in seconds; its count is the retries per run.
    public var retryDelays: [Double]

    /// Checked before each message: when it says so, no further message starts.
    public var stop: StopRequest?

    /// Uncertain outcomes in a row (no reply to the end of DATA, across all sessions) that stop the run: a server
    /// that answers too late for one message answers too late for the next, and every message it times out on
    /// needs `--resend-uncertain` (a trial run with 3 s timeouts made the whole list uncertain, one by one).
    public static let uncertainInARowLimit = 3

    public init(
        transport: any MailTransport, envelopeSender: String, connections: Int, ratePerSecond: Double,
        retryDelays: [Double]
    ) {
        self.transport = transport
        self.envelopeSender = envelopeSender
        self.connections = max(1, connections)
        self.ratePerSecond = ratePerSecond
        self.retryDelays = retryDelays
    }

    /// Delivers every job; blocks until all are accepted, failed, deferred or the run stopped.
    ///
    /// - Parameters:
    ///   - jobs: the recipients, in order.
    ///   - logger: receives a debug line, with the server's reply, for each accepted message.
    ///   - compose: builds the recipient's message (CRLF, complete); called on a worker thread.
    ///     When it throws, nothing is sent to that recipient, nothing is recorded (the delivery
    ///     stays pending) and the run stops (``Report/buildError``); when it throws ``NotSent``, the job is
    ///     passed over and the run goes on.
    ///   - record: called once per attempt outcome, on a worker thread, before the session's next
    ///     message can be delivered: an accepted or permanently failed outcome at that message's
    ///     commit point (``CommitPoint``: around the server's reply to its envelope, before its data), any other
    ///     outcome before the next message starts, and the session's last outcome before `deliver`
    ///     returns. `final` is `true` when no more attempts follow in this run. When it throws, every
    ///     session stops before its next message is delivered (``Report/recordingError``): only the
    ///     messages in flight are at risk.
    /// - Returns: the counts of accepted, permanently failed, deferred and uncertain deliveries, and why the
    ///   run stopped early, if it did.
    public func deliver(
        _ jobs: [Job],
        logger: Logger,
        compose: @escaping @Sendable (Job) throws -> [UInt8],
        record: @escaping @Sendable (_ job: Job, _ outcome: SMTPOutcome, _ final: Bool) throws -> Void
    ) -> Report {
        let pages = OnePage(jobs)
        return deliver(
            pages: { pages.take() }, sessions: max(1, jobs.count), logger: logger, compose: compose, record: record)
    }

    /// ``deliver(_:logger:compose:record:)`` with the jobs read page by page, so that memory holds one
    /// page of recipients, never the whole list.
    ///
    /// - Parameters:
    ///   - pages: the next page of jobs, in order; an empty page when there are no more. Called under
    ///     the queue's lock when the previous page is used up. When it throws, no further message
    ///     starts (``Report/recordingError``: the ledger cannot be read).
    ///   - sessions: at most this many sessions (fewer than ``connections`` for a short list).
    ///   - logger: receives a debug line, with the server's reply, for each accepted message.
    ///   - compose: builds the recipient's message, as in ``deliver(_:logger:compose:record:)``.
    ///   - record: called once per attempt outcome, as in ``deliver(_:logger:compose:record:)``.
    /// - Returns: the counts of accepted, permanently failed, deferred and uncertain deliveries, and why the
    ///   run stopped early, if it did.
    public func deliver(
        pages: @escaping @Sendable () throws -> [Job],
        sessions: Int = .max,
        logger: Logger,
        compose: @escaping @Sendable (Job) throws -> [UInt8],
        record: @escaping @Sendable (_ job: Job, _ outcome: SMTPOutcome, _ final: Bool) throws -> Void
    ) -> Report {
        deliver(pages: pages, sessions: sessions, logger: logger, compose: compose) { job, outcome, final in
            { try record(job, outcome, final) }
        }
    }

    /// Waits until a submitted outcome is recorded (see ``deliver(pages:sessions:logger:compose:submit:)``).
    /// - Throws: when it cannot be recorded: the session stops before its next end of data.
    public typealias Commit = () throws -> Void

    /// ``deliver(pages:sessions:logger:compose:record:)`` with each outcome recorded in two steps, so that
    /// one commit can carry the outcomes of several sessions.
    ///
    /// - Parameters:
    ///   - pages: the next page of jobs, as in ``deliver(pages:sessions:logger:compose:record:)``.
    ///   - sessions: at most this many sessions.
    ///   - logger: receives a debug line, with the server's reply, for each accepted message.
    ///   - compose: builds the recipient's message, as in ``deliver(_:logger:compose:record:)``.
    ///   - submit: called once per attempt outcome, on a worker thread, as soon as the outcome is known;
    ///     hands it over for recording without waiting and returns the ``Commit`` that waits for it. The
    ///     engine calls that before the session's next message can be delivered, at the same points as
    ///     `record` in ``deliver(pages:sessions:logger:compose:record:)``: so between the two, another
    ///     session's commit may carry it.
    /// - Returns: the counts and stop reason, as in ``deliver(pages:sessions:logger:compose:record:)``.
    public func deliver(
        pages: @escaping @Sendable () throws -> [Job],
        sessions: Int = .max,
        logger: Logger,
        compose: @escaping @Sendable (Job) throws -> [UInt8],
        submit: @escaping @Sendable (_ job: Job, _ outcome: SMTPOutcome, _ final: Bool) -> Commit
    ) -> Report {
        let shared = SharedState(pages: pages)
        // A stop request wakes every wait at once.
        let waker = stop?.onRequest { shared.broadcast() }
        defer { if let waker { stop?.removeWaker(waker) } }
        let group = DispatchGroup()
        let workerCount = min(connections, max(1, sessions))
        for _ in 0..<workerCount {
            group.enter()
            let engine = self
            Thread.detachNewThread {
                defer { group.leave() }
                // One session has nobody's outcome to share a commit with: its commit overlaps the server's reply
                // to the envelope instead.
                engine.work(
                    shared, commitPoint: workerCount == 1 ? .whileEnvelopeIsAnswered : .onceEnvelopeIsAnswered,
                    logger: logger, compose: compose, submit: submit)
            }
        }
        group.wait()
        return shared.locked { $0.report }
    }

    private func work(
        _ shared: SharedState,
        commitPoint: CommitPoint,
        logger: Logger,
        compose: @escaping @Sendable (Job) throws -> [UInt8],
        submit: @Sendable (Job, SMTPOutcome, Bool) -> Commit
    ) {
        var session: any MailSession
        do {
            session = try transport.makeSession()
        } catch {
            shared.stopRun { $0.report.fatalError = "cannot open an SMTP session: \(error)" }
            return
        }
        // Takes the next job (waiting for the rate limit or a retry's time when `wait`) and composes it; `nil`
        // when none is left, the run stopped, or (without `wait`) none may start yet.
        func take(wait: Bool) -> Composed? {
            guard let item = next(shared, wait: wait) else { return nil }
            return Composed(item: item, message: Result { try compose(item.job) })
        }
        // An accepted or permanently failed outcome (no further attempt in this run) is submitted at once and its
        // commit waited for at the next message's commit point: still before that message's data, so at most one
        // unrecorded message per connection is ever delivered.
        var unrecorded: (job: Job, outcome: SMTPOutcome, commit: Commit)?
        func recordUnrecorded() throws {
            guard let (_, outcome, commit) = unrecorded else { return }
            unrecorded = nil
            try commit()
            shared.locked {
                if case .accepted = outcome { $0.report.accepted += 1 } else { $0.report.permanentFailures += 1 }
            }
            if case .accepted = outcome { logger.debug("accepted", metadata: ["reply": "\(outcome.reply)"]) }
        }
        defer {
            do {
                try recordUnrecorded()
            } catch {
                shared.stopRun { $0.report.recordingError = $0.report.recordingError ?? "\(error)" }
            }
        }
        var current = take(wait: true)
        while let composed = current {
            let item = composed.item
            if stop?.isRequested == true {
                // Taken while the last message was in flight, not sent: it stays pending.
                shared.stopRun { $0.report.interrupted = true }
                return
            }
            let message: [UInt8]
            switch composed.message {
            case .success(let bytes):
                message = bytes
            case .failure(let error) where error is NotSent:
                // Settled by the caller (the recipient left the list during the run): nothing to send or record.
                shared.locked {
                    $0.report.notSent += 1
                    $0.queue.finish()
                    $0.condition.broadcast()
                }
                current = take(wait: true)
                continue
            case .failure(let error):
                shared.stopRun {
                    $0.report.buildError =
                        $0.report.buildError ?? "the message to \(item.job.recipient) could not be built: \(error)"
                }
                return
            }
            // The next job, when one may start at once (no rate limit or retry time to wait for): taken and
            // composed just before this message's data, so that its envelope can follow this message's end of data
            // in the same write (with PIPELINING); else while the server answers the end of data; else after the
            // reply.
            var following: Composed??
            let outcome: SMTPOutcome
            do {
                outcome = try session.send(
                    envelopeSender: envelopeSender, recipient: item.job.recipient, message: message,
                    commitPoint: commitPoint, beforeEndOfData: recordUnrecorded,
                    announceNext: {
                        guard let next = take(wait: false) else { return nil }
                        following = .some(next)
                        guard case .success(let bytes) = next.message else { return nil }
                        return NextMessage(recipient: next.item.job.recipient, size: bytes.count)
                    },
                    whileAwaitingReply: {
                        if following == nil { following = take(wait: false).map { .some($0) } }
                    })
            } catch {
                // The previous outcome could not be recorded; this message was not sent (it stays pending).
                shared.stopRun { $0.report.recordingError = $0.report.recordingError ?? "\(error)" }
                return
            }
            let final: Bool
            if case .temporaryFailure = outcome { final = item.retries >= retryDelays.count } else { final = true }
            switch outcome {
            case .accepted, .permanentFailure:
                // Final in this run: recorded at the next message's commit point (or when the session ends).
                unrecorded = (item.job, outcome, submit(item.job, outcome, true))
            case .uncertain, .temporaryFailure, .fatal:
                do {
                    try submit(item.job, outcome, final)()
                } catch {
                    shared.stopRun { $0.report.recordingError = $0.report.recordingError ?? "\(error)" }
                    return
                }
            }
            switch outcome {
            case .accepted, .permanentFailure:
                break  // counted when recorded
            case .uncertain(let reply):
                let inARow = shared.locked {
                    $0.report.uncertain += 1
                    $0.uncertainInARow += 1
                    return $0.uncertainInARow
                }
                if inARow >= Self.uncertainInARowLimit {
                    shared.stopRun {
                        $0.report.fatalError =
                            $0.report.fatalError
                            ?? "no reply to the end of DATA for \(inARow) messages in a row (last: \(reply)): sending stopped; the rest stay pending"
                    }
                    return
                }
                // The connection may be out of step (a late 250 still to come): never reuse it.
                do {
                    session = try transport.makeSession()
                } catch {
                    shared.stopRun { $0.report.fatalError = "cannot open an SMTP session: \(error)" }
                    return
                }
            case .temporaryFailure:
                if !final {
                    let retry = WorkItem(
                        job: item.job, retries: item.retries + 1,
                        notBefore: Date().addingTimeInterval(retryDelays[item.retries]))
                    shared.locked { $0.queue.requeue(retry) }
                } else {
                    shared.locked { $0.report.deferred += 1 }
                }
            case .fatal(let reply):
                shared.stopRun { $0.report.fatalError = reply }
                return
            }
            // One hold of the lock per message for the shared bookkeeping, and a wake-up for any session waiting for
            // a retry to be due.
            var settled = true
            if case .uncertain = outcome { settled = false }
            shared.locked {
                if settled { $0.uncertainInARow = 0 }
                $0.queue.finish()
                $0.condition.broadcast()
            }
            current = following ?? take(wait: true)
        }
    }

    /// The next job to send, once the rate limit allows it; `nil` when there is none left or the run stops.
    ///
    /// With `wait`, waits (on the shared condition, with a deadline) while only retries that are not due yet
    /// remain, and for the rate limit's next slot; a stop request ends either wait at once. Without it, returns
    /// `nil` instead of waiting, and takes nothing.
    private func next(_ shared: SharedState, wait: Bool) -> WorkItem? {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        if !wait, ratePerSecond > 0, shared.nextSlot > Date() { return nil }
        let item: WorkItem
        taking: while true {
            if stop?.isRequested == true {
                shared.report.interrupted = true
                shared.queue.stopped = true
                return nil
            }
            switch shared.queue.take(now: Date()) {
            case .done:
                return nil
            case .unreadable(let error):
                shared.report.recordingError =
                    shared.report.recordingError ?? "cannot read the pending deliveries: \(error)"
                return nil
            case .wait(let seconds):
                guard wait else { return nil }
                // Woken early by a finished or requeued job, or a stop request.
                _ = shared.condition.wait(until: Date().addingTimeInterval(min(max(seconds, 0.001), 1)))
            case .item(let taken):
                item = taken
                break taking
            }
        }
        guard ratePerSecond > 0 else { return item }
        let slot = max(Date(), shared.nextSlot)
        shared.nextSlot = slot.addingTimeInterval(1 / ratePerSecond)
        while Date() < slot {
            // Another worker stopped the run while this one waited: nothing more starts.
            if shared.queue.stopped { return nil }
            if stop?.isRequested == true {
                // Taken but not sent: it stays pending in the ledger.
                shared.report.interrupted = true
                shared.queue.stopped = true
                return nil
            }
            _ = shared.condition.wait(until: slot)
        }
        return item
    }
}

/// A job taken from the queue with its message built (or the error that prevented it).
private struct Composed: Sendable {
    var item: WorkItem
    var message: Result<[UInt8], any Error>
}

/// The jobs of ``DeliveryEngine/deliver(_:logger:compose:record:)``: one page, handed out once.
private final class OnePage: @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [DeliveryEngine.Job]?

    init(_ jobs: [DeliveryEngine.Job]) { self.jobs = jobs }

    func take() -> [DeliveryEngine.Job] {
        lock.withLock {
            defer { jobs = nil }
            return jobs ?? []
        }
    }
}

/// What the worker threads share; every stored property is guarded by `condition`.
private final class SharedState: @unchecked Sendable {
    let condition = NSCondition()
    var queue: WorkQueue
    var report = DeliveryEngine.Report()
    /// The earliest time the next message may start (rate limit).
    var nextSlot = Date.distantPast
    /// Uncertain outcomes since the last other outcome (``DeliveryEngine/uncertainInARowLimit``).
    var uncertainInARow = 0

    init(pages: @escaping @Sendable () throws -> [DeliveryEngine.Job]) {
        queue = WorkQueue(pages: pages)
    }

    func locked<T>(_ body: (SharedState) throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body(self)
    }

    /// Marks the run stopped (no job starts after this) with a reason, and wakes every waiting worker.
    func stopRun(_ reason: (SharedState) -> Void) {
        condition.lock()
        reason(self)
        queue.stopped = true
        condition.broadcast()
        condition.unlock()
    }

    func broadcast() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }
}

private struct WorkItem: Sendable {
    var job: DeliveryEngine.Job
    var retries: Int
    var notBefore: Date
}

private enum NextWork: Sendable {
    case item(WorkItem)
    case wait(TimeInterval)
    case done
    /// The next page of jobs could not be read.
    case unreadable(String)
}

/// Jobs waiting to be sent: first tries in order, one page at a time (taken by index, O(1)), then
/// retries, which wait until their `notBefore` (few: one per 4xx in this run).
private struct WorkQueue: Sendable {
    /// The current page of first tries.
    var items: [DeliveryEngine.Job] = []
    /// The next first try in `items`.
    var head = 0
    let pages: @Sendable () throws -> [DeliveryEngine.Job]
    /// No page left to read.
    var exhausted = false
    var retries: [WorkItem] = []
    var inFlight = 0
    var stopped = false

    init(pages: @escaping @Sendable () throws -> [DeliveryEngine.Job]) {
        self.pages = pages
    }

    /// - Complexity: O(1) for a first try (amortised over a page read); O(*r*) over the *r*
    ///   waiting retries.
    mutating func take(now: Date) -> NextWork {
        if stopped { return .done }
        if let index = retries.firstIndex(where: { $0.notBefore <= now }) {
            inFlight += 1
            return .item(retries.remove(at: index))
        }
        if head == items.count, !exhausted {
            do {
                items = try pages()
            } catch {
                stopped = true
                return .unreadable("\(error)")
            }
            head = 0
            exhausted = items.isEmpty
        }
        if head < items.count {
            inFlight += 1
            head += 1
            return .item(WorkItem(job: items[head - 1], retries: 0, notBefore: .distantPast))
        }
        if let soonest = retries.map(\.notBefore).min() {
            return .wait(soonest.timeIntervalSince(now))
        }
        // Nothing queued; an in-flight job may still requeue a retry (its worker wakes this one).
        return inFlight > 0 ? .wait(1) : .done
    }

    mutating func requeue(_ item: WorkItem) {
        retries.append(item)
    }

    mutating func finish() {
        inFlight -= 1
    }
}
