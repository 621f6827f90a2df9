import Foundation
public import Logging
import Synchronization

/// Sends one message per recipient over a few parallel sessions, at a limited rate, retrying
/// 4xx replies with backoff and never retrying 5xx replies (cases 23, 24).
///
/// Each worker thread owns one ``MailSession`` (one libcurl handle, one connection reused across
/// its messages). Every outcome is handed to `record` as soon as it is known, so the ledger is
/// written right after each 250 (case 26).
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
    ///     stays pending) and the run stops (``Report/buildError``).
    ///   - record: called once per attempt outcome, on a worker thread, before the session starts
    ///     its next message. `final` is `true` when no more attempts follow in this run. When it
    ///     throws, every session stops before its next message (``Report/recordingError``): only
    ///     the messages in flight are at risk.
    /// - Returns: the counts of accepted, permanently failed, deferred and uncertain deliveries, and why the
    ///   run stopped early, if it did.
    public func deliver(
        _ jobs: [Job],
        logger: Logger,
        compose: @escaping @Sendable (Job) throws -> [UInt8],
        record: @escaping @Sendable (_ job: Job, _ outcome: SMTPOutcome, _ final: Bool) throws -> Void
    ) -> Report {
        let pages = Mutex(Optional(jobs))
        return deliver(
            pages: {
                pages.withLock { page in
                    defer { page = nil }
                    return page ?? []
                }
            }, sessions: max(1, jobs.count),
            logger: logger, compose: compose, record: record)
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
        let shared = SharedState(pages: pages)
        let group = DispatchGroup()
        let workerCount = min(connections, max(1, sessions))
        for _ in 0..<workerCount {
            group.enter()
            let engine = self
            Thread.detachNewThread {
                defer { group.leave() }
                engine.work(shared, logger: logger, compose: compose, record: record)
            }
        }
        group.wait()
        return shared.report.withLock { $0 }
    }

    private func work(
        _ shared: SharedState,
        logger: Logger,
        compose: @Sendable (Job) throws -> [UInt8],
        record: @Sendable (Job, SMTPOutcome, Bool) throws -> Void
    ) {
        var session: any MailSession
        do {
            session = try transport.makeSession()
        } catch {
            shared.report.withLock { $0.fatalError = "cannot open an SMTP session: \(error)" }
            shared.queue.withLock { $0.stopped = true }
            return
        }
        while true {
            if stop?.isRequested == true {
                shared.report.withLock { $0.interrupted = true }
                shared.queue.withLock { $0.stopped = true }
                return
            }
            let next = shared.queue.withLock { $0.take(now: Date()) }
            switch next {
            case .done:
                return
            case .unreadable(let error):
                shared.report.withLock {
                    $0.recordingError = $0.recordingError ?? "cannot read the pending deliveries: \(error)"
                }
                return
            case .wait(let seconds):
                Thread.sleep(forTimeInterval: min(max(seconds, 0.01), 1))
                continue
            case .item(let item):
                waitForRateLimit(shared.limiter)
                let message: [UInt8]
                do {
                    message = try compose(item.job)
                } catch {
                    shared.report.withLock {
                        $0.buildError =
                            $0.buildError ?? "the message to \(item.job.recipient) could not be built: \(error)"
                    }
                    shared.queue.withLock { $0.stopped = true }
                    return
                }
                let outcome = session.send(
                    envelopeSender: envelopeSender, recipient: item.job.recipient, message: message)
                let final: Bool
                if case .temporaryFailure = outcome { final = item.retries >= retryDelays.count } else { final = true }
                do {
                    try record(item.job, outcome, final)
                } catch {
                    shared.report.withLock { $0.recordingError = $0.recordingError ?? "\(error)" }
                    shared.queue.withLock { $0.stopped = true }
                    return
                }
                switch outcome {
                case .accepted:
                    shared.report.withLock { $0.accepted += 1 }
                    logger.debug("accepted", metadata: ["reply": "\(outcome.reply)"])
                case .permanentFailure:
                    shared.report.withLock { $0.permanentFailures += 1 }
                case .uncertain:
                    shared.report.withLock { $0.uncertain += 1 }
                    // The connection may be out of step (a late 250 still to come): never reuse it.
                    do {
                        session = try transport.makeSession()
                    } catch {
                        shared.report.withLock { $0.fatalError = "cannot open an SMTP session: \(error)" }
                        shared.queue.withLock { $0.stopped = true }
                        return
                    }
                case .temporaryFailure:
                    let retry = !final
                    if retry {
                        let delay = retryDelays[item.retries]
                        shared.queue.withLock {
                            $0.requeue(
                                WorkItem(
                                    job: item.job, retries: item.retries + 1,
                                    notBefore: Date().addingTimeInterval(delay)))
                        }
                    } else {
                        shared.report.withLock { $0.deferred += 1 }
                    }
                case .fatal(let reply):
                    shared.report.withLock { $0.fatalError = reply }
                    shared.queue.withLock { $0.stopped = true }
                    return
                }
                shared.queue.withLock { $0.finish() }
            }
        }
    }

    private func waitForRateLimit(_ limiter: borrowing Mutex<Date>) {
        guard ratePerSecond > 0 else { return }
        let interval = 1 / ratePerSecond
        let slot = limiter.withLock { next -> Date in
            let slot = max(Date(), next)
            next = slot.addingTimeInterval(interval)
            return slot
        }
        let wait = slot.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }
}

/// What the worker threads share.
private final class SharedState: Sendable {
    let queue: Mutex<WorkQueue>
    let report = Mutex(DeliveryEngine.Report())
    /// The earliest time the next message may start (rate limit).
    let limiter = Mutex(Date.distantPast)

    init(pages: @escaping @Sendable () throws -> [DeliveryEngine.Job]) {
        queue = Mutex(WorkQueue(pages: pages))
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
        // Nothing queued; an in-flight job may still requeue a retry.
        return inFlight > 0 ? .wait(0.05) : .done
    }

    mutating func requeue(_ item: WorkItem) {
        retries.append(item)
    }

    mutating func finish() {
        inFlight -= 1
    }
}
