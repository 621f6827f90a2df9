import Foundation
import NewsletterKit
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The subscriber list's token index, read again only when the file changed (another inode after
/// an atomic write, another size or modification time), so that page views and forged tokens cost
/// a `stat` and a hash lookup instead of reading the list.
final class ListCache: Sendable {
    private struct FileKey: Equatable {
        var inode: UInt
        var size: Int
        var seconds: Int
        var nanoseconds: Int
    }

    private struct State {
        var key: FileKey?
        var index: TokenIndex?
    }

    let file: URL
    private let state = Mutex(State())

    let tokens: SubscriberTokens

    init(file: URL, tokens: SubscriberTokens) {
        self.file = file
        self.tokens = tokens
    }

    /// The index as last read, without checking the file (`nil` before the first read). A token found
    /// here may be stale; the change queue checks it again against the file under the lock.
    var lastIndex: TokenIndex? { state.withLock { $0.index } }

    /// The current index.
    /// - Throws: ``SubscriberError`` when the list cannot be read.
    func index() throws -> TokenIndex {
        let key = Self.key(of: file.path)
        return try state.withLock { state in
            if let index = state.index, key != nil, key == state.key { return index }
            let index = TokenIndex(try SubscriberList.load(from: file, tokens: tokens))
            state.key = key
            state.index = index
            return index
        }
    }

    private static func key(of path: String) -> FileKey? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileKey(
            inode: UInt(info.st_ino), size: Int(info.st_size), seconds: Int(info.st_mtim.tv_sec),
            nanoseconds: Int(info.st_mtim.tv_nsec))
    }
}
