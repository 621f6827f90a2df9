public import Foundation

/// The one clock of a run: every time the run records or compares (delivery times, the give-up
/// cutoff, "failed in this run") comes from here.
///
/// It starts at the run's time (`--now`, or the wall clock) and advances with the monotonic
/// clock, so a run told `--now 2019-06-01T08:00:00Z` records 08:00:00 plus the seconds it took.
public struct RunClock: Sendable {
    /// The run's start.
    public let start: Date
    private let elapsed: @Sendable () -> TimeInterval

    /// A clock starting at `start` and advancing in real time.
    public init(start: Date) {
        self.start = start
        let origin = ContinuousClock.now
        elapsed = {
            let duration = ContinuousClock.now - origin
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }

    /// A clock that always says `date` (tests).
    public init(fixed date: Date) {
        start = date
        elapsed = { 0 }
    }

    /// The current time of the run.
    public func now() -> Date {
        start.addingTimeInterval(elapsed())
    }
}
