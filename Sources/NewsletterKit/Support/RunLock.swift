import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (`flock`) on a file in the state folder, held for a whole run so
/// that two runs of one newsletter never send at once (case 27).
///
/// The kernel drops the lock when the process dies, so a file left by a killed run blocks nothing.
/// Different state folders have different locks.
public final class RunLock: Sendable {
    private let descriptor: Int32
    /// The lock file's path.
    public let path: String

    /// Takes the lock.
    ///
    /// - Parameters:
    ///   - path: the lock file's path; it and its missing parent folders are created.
    ///   - wait: block until the lock is free (`true`), or fail at once when it is held.
    /// - Throws: ``RunLockError`` with `isHeld` when another process holds it and `wait` is `false`;
    ///   a ``RunLockError`` naming the path when the lock file cannot be opened; Foundation's `CocoaError`
    ///   when the parent folder cannot be created.
    public init(path: String, wait: Bool = false) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunLockError(path: path, reason: String(cString: strerror(errno)), isHeld: false)
        }
        var result: Int32
        repeat {
            result = flock(descriptor, wait ? LOCK_EX : LOCK_EX | LOCK_NB)
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let held = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw RunLockError(path: path, reason: held ? "another run holds the lock" : reason, isHeld: held)
        }
        self.descriptor = descriptor
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The run lock could not be taken.
public struct RunLockError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// `true` when another process holds the lock (exit status 75, EX_TEMPFAIL).
    public let isHeld: Bool

    public var description: String { "\(path): \(reason)" }
}
