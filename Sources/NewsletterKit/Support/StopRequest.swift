import Synchronization

/// A request to stop a run early (SIGINT/SIGTERM), honoured between SMTP transactions: the
/// message in flight finishes and is recorded, the rest stay pending for the next run.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)
    private let delivering = Atomic<Bool>(false)

    public init() {}

    /// Whether a stop was requested.
    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Whether messages are being sent (a stop then waits for the transactions in flight).
    public var isDelivering: Bool { delivering.load(ordering: .acquiring) }

    /// Asks the run to stop after the transactions in flight.
    public func request() {
        requested.store(true, ordering: .releasing)
    }

    func setDelivering(_ value: Bool) {
        delivering.store(value, ordering: .releasing)
    }
}
