public import Foundation

/// Unsubscribes made while a send runs: the subscriber list file, looked at again during the send.
///
/// A send reads the list once into a ``SubscriberSnapshot``; a 10,000-person list at the default 10 messages a
/// second then takes 17 minutes, and someone who unsubscribes in that time (`newsletter serve`'s one-click POST,
/// `subscribers unsubscribe`) was told "no further issues" and still got this one minutes later (a new-user
/// trial). The watch looks at the file's modification time, size and inode at most once per `interval`; when
/// they changed, it reads the list again (into a new snapshot: memory does not grow with the list) and from then
/// on answers from that reading.
///
/// Only an explicit status other than `active` (`unsubscribed`, `bounced`, …) counts as having left. A row that
/// is missing from the new reading, a file that is missing or cannot be read (an editor saving it in place, a
/// half-written copy) changes nothing: the send goes on as it started, and the next run sees the file as it
/// is then.
public final class SubscriberListWatch: @unchecked Sendable {
    public let file: URL
    private let tokens: SubscriberTokens?
    private let interval: Duration
    // Guarded by `lock` (a pthread mutex, which ThreadSanitizer sees; `Synchronization.Mutex` it cannot, on Linux:
    // scripts/sanitizer-notes/tsan-mutex/). The sessions of a send ask from their own threads.
    private let lock = NSLock()
    private var checkedAt: ContinuousClock.Instant?
    private var stamp: SubscriberListCache.FileKey?
    private var latest: SubscriberSnapshot?

    /// Starts watching `snapshot`'s file from the moment it was read.
    ///
    /// - Parameters:
    ///   - snapshot: the list as the send read it (``SubscriberSnapshot/stamp`` is the starting point).
    ///   - interval: the file is looked at (one `stat`) at most this often.
    public init(_ snapshot: SubscriberSnapshot, interval: Duration) {
        file = snapshot.file
        tokens = snapshot.tokens
        self.interval = interval
        stamp = snapshot.stamp
    }

    /// Whether `email` has left the list since the send read it: the latest reading of the file gives it a
    /// status other than `active`.
    ///
    /// - Complexity: O(1) while the file is unchanged (a clock read; a `stat` once per interval); one lookup in
    ///   the latest reading once it changed; reading the file again, O(*n*), when it changes, while the other
    ///   sessions wait for their answer.
    public func hasLeft(_ email: String) -> Bool {
        lock.withLock {
            let now = ContinuousClock.now
            if checkedAt.map({ now - $0 >= interval }) ?? true {
                checkedAt = now
                if let current = SubscriberListCache.key(of: file.path), current != stamp,
                    let reading = try? SubscriberSnapshot(file: file, tokens: tokens, problem: { _ in }), reading.exists
                {
                    stamp = current
                    latest = reading
                }
            }
            guard let latest, let row = try? latest.subscriber(email) else { return false }
            return row.status != .active
        }
    }
}
