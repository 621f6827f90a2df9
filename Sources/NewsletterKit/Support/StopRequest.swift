import Foundation
import Synchronization

/// A request to stop a run early (SIGINT/SIGTERM), honoured between SMTP transactions: the
/// message in flight finishes and is recorded, the rest stay pending for the next run.
///
/// Whoever waits (the delivery engine's rate limit and retry backoff) registers a waker with
/// ``onRequest(_:)``, so the wait ends at once rather than at its deadline.
public final class StopRequest: @unchecked Sendable {
    private let requested = Atomic<Bool>(false)
    private let delivering = Atomic<Bool>(false)
    /// Guards `wakers` and `nextWaker`.
    private let lock = NSLock()
    private var wakers: [Int: @Sendable () -> Void] = [:]
    private var nextWaker = 0

    public init() {}

    /// Whether a stop was requested.
    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Whether messages are being sent (a stop then waits for the transactions in flight).
    public var isDelivering: Bool { delivering.load(ordering: .acquiring) }

    /// Asks the run to stop after the transactions in flight, and wakes every registered waiter.
    public func request() {
        requested.store(true, ordering: .releasing)
        let wake = lock.withLock { Array(wakers.values) }
        for waker in wake { waker() }
    }

    /// Registers `wake`, called (on the requesting thread) when a stop is requested.
    /// - Returns: the key for ``removeWaker(_:)``.
    func onRequest(_ wake: @escaping @Sendable () -> Void) -> Int {
        lock.withLock {
            nextWaker += 1
            wakers[nextWaker] = wake
            return nextWaker
        }
    }

    /// Removes a waker registered with ``onRequest(_:)``.
    func removeWaker(_ key: Int) {
        _ = lock.withLock { wakers.removeValue(forKey: key) }
    }

    /// Withdraws the request once the run it stopped has ended, so the next run on the same
    /// ``Newsletter`` starts.
    func clear() {
        requested.store(false, ordering: .releasing)
    }

    func setDelivering(_ value: Bool) {
        delivering.store(value, ordering: .releasing)
    }
}
