import Foundation
import NewsletterKit

#if canImport(Glibc)
import Glibc
#endif

/// Where a command's lines go: progress to standard output, problems to standard error.
///
/// When a stream is not a terminal (cron, a log file) each line starts with a UTC timestamp, so a
/// log of many runs says when each thing happened. `quiet` drops progress lines (problems stay).
/// A live progress line (`\r`-rewritten) is drawn only on a terminal.
final class Console: @unchecked Sendable {
    static let shared = Console()

    /// Drop progress lines.
    var quiet = false
    /// Prefix lines written to a non-terminal with a timestamp (log-like commands: send, fetch).
    var timestamps = false
    private let lock = NSLock()
    private var liveLineShown = false

    let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    private func stamp(_ terminal: Bool) -> String {
        guard timestamps, !terminal else { return "" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date()) + " "
    }

    /// A progress line (standard output).
    func progress(_ line: String) {
        guard !quiet else { return }
        lock.withLock {
            clearLiveLine()
            FileHandle.standardOutput.write(Data((stamp(stdoutIsTerminal) + line + "\n").utf8))
        }
    }

    /// A problem (standard error).
    func problem(_ line: String) {
        lock.withLock {
            clearLiveLine()
            FileHandle.standardError.write(Data((stamp(stderrIsTerminal) + line + "\n").utf8))
        }
    }

    /// Output that is the command's result (JSON, CSV): standard output, never stamped or dropped.
    func result(_ text: String) {
        lock.withLock {
            clearLiveLine()
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    /// Rewrites the live progress line on a terminal (nothing otherwise, and nothing when quiet).
    func live(_ line: String) {
        guard stdoutIsTerminal, !quiet else { return }
        lock.withLock {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
            liveLineShown = true
        }
    }

    private var liveStage: (stage: RunProgress.Stage, total: Int, started: Date)?
    private var liveDrawnAt = Date.distantPast

    /// Draws `progress` as the live line: `delivering 1,200/10,000 · 310/s · ETA 0:28`, at most
    /// ten times a second (always the last step).
    ///
    /// A new stage or total restarts the rate.
    func live(_ progress: RunProgress, now: Date = Date()) {
        guard !quiet else { return }
        guard stdoutIsTerminal else {
            // A log (cron's `>>send.log`): a progress line when a stage starts, every 30 s, and when it ends, so
            // that a long run shows where it is (a new-user trial saw an empty log until the end).
            if let line = liveLine(progress, now: now, every: 30) { self.progress(line) }
            return
        }
        guard let line = liveLine(progress, now: now) else { return }
        live(line)
    }

    /// The progress line's text when a stage starts, when it ends and at most once per `every` seconds in
    /// between (0.1 s for the live line, 30 s for a log); nil otherwise.
    func liveLine(_ progress: RunProgress, now: Date, every interval: TimeInterval = 0.1) -> String? {
        lock.withLock {
            if liveStage?.stage != progress.stage || liveStage?.total != progress.total {
                liveStage = (progress.stage, progress.total, now)
                liveDrawnAt = .distantPast
            }
            guard progress.done >= progress.total || now.timeIntervalSince(liveDrawnAt) >= interval else { return nil }
            liveDrawnAt = now
            return progress.line(elapsed: now.timeIntervalSince(liveStage?.started ?? now))
        }
    }

    private func clearLiveLine() {
        guard liveLineShown else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
        liveLineShown = false
    }
}
