import Foundation

/// A value guarded by a pthread mutex (`NSLock`), with the same `withLock` as `Synchronization.Mutex`.
///
/// On Linux, `Mutex` is a futex lock inside the standard library, which ThreadSanitizer does not see: every
/// access under it is reported as a race (`scripts/sanitizer-notes/tsan-mutex/`), and a send over two
/// connections made `scripts/sanitize.sh thread` fail on `DigestSender`'s claimed rows at random. State that
/// threads share goes in one of these, so that the sanitizer run stays a test.
public final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, exclusively.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
