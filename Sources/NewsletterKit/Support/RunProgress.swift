public import Foundation

/// How far a run has got, for a live progress line (`newsletter send` and `fetch` on a terminal).
///
/// `done` of `total` units of `stage`: sources fetched, or deliveries recorded (accepted,
/// failed, deferred or uncertain: every outcome counts, since each one is final for this pass).
public struct RunProgress: Sendable, Equatable {
    public enum Stage: String, Sendable {
        /// Units are sources (a listing page with its article pages, or a feed).
        case fetching
        /// Units are deliveries of one digest (one per recipient).
        case delivering
    }

    public var stage: Stage
    public var done: Int
    public var total: Int

    public init(stage: Stage, done: Int, total: Int) {
        self.stage = stage
        self.done = done
        self.total = total
    }

    /// The live line: `delivering 1,200/10,000 · 310/s · ETA 0:28`; the rate (units per second)
    /// and the ETA (minutes:seconds, or hours:minutes:seconds) appear once `elapsed` (seconds since
    /// the stage began) reaches one second.
    public func line(elapsed: TimeInterval) -> String {
        let count = "\(stage.rawValue) \(Self.grouped(done))/\(Self.grouped(total))"
        guard elapsed >= 1, done > 0 else { return count }
        let rate = Double(done) / elapsed
        let left = Double(max(total - done, 0)) / rate
        let rateText = rate >= 10 ? "\(Self.grouped(Int(rate.rounded())))/s" : String(format: "%.1f/s", rate)
        guard done < total else { return "\(count) · \(rateText)" }
        return "\(count) · \(rateText) · ETA \(Self.duration(left))"
    }

    private static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    private static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}

/// Called with every step of a run; may be called from several threads at once, never with a
/// `done` smaller than an earlier call's for the same stage and total.
public typealias ProgressHandler = @Sendable (RunProgress) -> Void

/// Counts steps from any thread and reports each count once.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let stage: RunProgress.Stage
    private let total: Int
    private let handler: ProgressHandler?

    init(_ stage: RunProgress.Stage, total: Int, handler: ProgressHandler?) {
        self.stage = stage
        self.total = total
        self.handler = handler
    }

    /// Counts one step and reports the new count (under the lock, so counts arrive in order).
    func step() {
        guard let handler else { return }
        lock.withLock {
            done += 1
            handler(RunProgress(stage: stage, done: done, total: total))
        }
    }
}
