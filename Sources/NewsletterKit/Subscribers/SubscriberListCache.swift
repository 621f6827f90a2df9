public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One subscriber list kept parsed in memory by a long-running process (`newsletter serve`), with its
/// token index, and read again only when the file changed.
///
/// "Changed" means another inode (an atomic write by the CLI, `send` or an editor that replaces the
/// file), another size or another modification time (an editor that writes in place): the file's
/// identity is taken with `stat(2)` *before* reading, so a write racing a read costs one more read,
/// never a stale list. Edits made through ``modify(_:)`` keep the list they wrote, so a burst of
/// changes costs one lock, one serialisation and one atomic write each, with no re-read and no new
/// token index (O(*n*) HMACs) between them.
///
/// Thread-safe: readers take a snapshot under a mutex that is never held during file I/O; writers are
/// serialised by the list's `FILE.lock`, the same lock as every other writer.
public final class SubscriberListCache: Sendable {
    /// A file's identity as `stat(2)` gives it.
    struct FileKey: Equatable, Sendable {
        var inode: UInt64
        var device: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    /// A parsed list, the file identity it was read from (or written as) and its token index.
    public struct Snapshot: Sendable {
        public let list: SubscriberList
        public let index: TokenIndex
        let key: FileKey?
    }

    /// The CSV file.
    public let file: URL
    /// The tokens rows are indexed under.
    public let tokens: SubscriberTokens?
    private let state = LockedValue<Snapshot?>(nil)

    /// A cache for `file`; nothing is read until the first call.
    public init(file: URL, tokens: SubscriberTokens?) {
        self.file = file
        self.tokens = tokens
    }

    /// The last snapshot, without looking at the file (`nil` before the first read).
    ///
    /// It may be stale: use it only for answers that are checked again under the lock.
    public var lastSnapshot: Snapshot? { state.withLock { $0 } }

    /// The list as the file holds it now: a `stat(2)` and the cached snapshot when the file is unchanged,
    /// else a fresh read and index.
    /// - Throws: ``SubscriberError`` when the list cannot be read.
    /// - Complexity: O(1) when unchanged; O(*n*) reading and HMACs otherwise.
    public func current() throws -> Snapshot {
        let key = Self.key(of: file.path)
        if let snapshot = state.withLock({ $0 }), key != nil, snapshot.key == key { return snapshot }
        let list = try SubscriberList.load(from: file, tokens: tokens)
        let snapshot = Snapshot(list: list, index: TokenIndex(list), key: key)
        state.withLock { $0 = snapshot }
        return snapshot
    }

    /// Edits the list under its `FILE.lock` like ``SubscriberList/modify(_:tokens:_:)``, starting from
    /// the cached list when the file is unchanged, and writes it atomically when `change` says so.
    ///
    /// - Parameter change: edits the list (the index holds its rows' tokens as read) and says whether to
    ///   write; nothing is written when it throws or returns `write: false`.
    /// - Returns: what `change` returned.
    /// - Throws: ``SubscriberError`` or a file error naming the path; whatever `change` throws.
    @discardableResult
    public func modify<T>(_ change: (inout SubscriberList, TokenIndex) throws -> (result: T, write: Bool)) throws -> T {
        let lock: RunLock
        do {
            lock = try RunLock(path: file.path + ".lock", wait: true)
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot lock the list: \(error)")
        }
        return try withExtendedLifetime(lock) {
            let snapshot = try current()
            var list = snapshot.list
            let (result, write) = try change(&list, snapshot.index)
            guard write else { return result }
            do {
                try list.save()
            } catch {
                // The file may or may not have been replaced: forget the snapshot so the next use re-reads.
                state.withLock { $0 = nil }
                throw error
            }
            let index = snapshot.index.following(list)
            let written = Snapshot(list: list, index: index, key: Self.key(of: file.path))
            state.withLock { $0 = written }
            return result
        }
    }

    static func key(of path: String) -> FileKey? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileKey(
            inode: UInt64(info.st_ino), device: UInt64(info.st_dev), size: Int64(info.st_size),
            seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
    }
}
