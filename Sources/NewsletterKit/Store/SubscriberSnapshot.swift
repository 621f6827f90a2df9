public import Foundation
import GRDB

/// The subscriber list as a send reads it: streamed once from the CSV file into a private temporary
/// SQLite database, so that a run's memory does not grow with the list.
///
/// Rows are read and checked one at a time (``SubscriberRowScanner``) and never kept in memory: each valid
/// row goes into the snapshot (address key, line, address, name, status, stored token), each skipped row is
/// reported at once as a ``SubscriberError`` naming file and line, exactly as ``SubscriberList`` reports it
/// (invalid rows, unclosed quotes, unknown statuses, and duplicates, the first spelling of an address kept).
/// Lookups by address and the pass over active rows read the snapshot; SQLite keeps at most its page cache
/// (``cacheKiB``) in memory and the rest in a temporary file, deleted when the snapshot is released. What
/// stays in memory per row is nothing: a 100,000-row list costs its file's bytes while it is read, then a
/// fixed page cache.
///
/// The snapshot is what the list said when the run read it; a send watches the file for unsubscribes made
/// during the run (``SubscriberListWatch``, which starts from ``stamp``).
public final class SubscriberSnapshot: Sendable {
    /// The CSV file.
    public let file: URL
    /// Whether the file existed when it was read (a missing list reads as empty).
    public let exists: Bool
    /// Valid rows (first spelling of each address), of any status.
    public let count: Int
    /// Rows with the status `active`: the digest's recipients.
    public let activeCount: Int
    /// Derives each subscriber's token; `nil` where no secret is needed.
    public let tokens: SubscriberTokens?
    /// The file's inode, size and modification time just before it was read; `nil` when it did not exist.
    let stamp: SubscriberListCache.FileKey?
    private let queue: DatabaseQueue

    /// SQLite's page cache for the snapshot, in KiB: the memory it may hold whatever the list's size.
    static let cacheKiB = 1024

    /// Reads the configured list with the configured tokens.
    ///
    /// - Parameters:
    ///   - config: names the list (`subscribers`) and the state folder that holds the token secret.
    ///   - problem: told each row that was skipped, in file order.
    /// - Returns: the snapshot of the list.
    /// - Throws: as ``init(file:tokens:problem:)``; ``SubscriberError`` when the token secret cannot be read.
    public static func read(config: NewsletterConfig, problem: (SubscriberError) -> Void) throws
        -> SubscriberSnapshot
    {
        try SubscriberSnapshot(file: config.subscribersFile, tokens: SubscriberTokens(config: config), problem: problem)
    }

    /// Reads `file` into a new snapshot, one row at a time.
    ///
    /// - Parameters:
    ///   - file: the subscriber list (any encoding and separator ``SubscriberList`` reads); a missing file
    ///     reads as an empty list with ``exists`` false.
    ///   - tokens: derives the subscribers' tokens.
    ///   - problem: told each row that was skipped (invalid, duplicate, unknown status), in file order.
    /// - Throws: ``SubscriberError`` naming the file when it cannot be read, decoded, has no email column,
    ///   or the temporary database cannot be written (its folder full or not writable).
    /// - Complexity: O(*n* log *n*) for *n* rows; memory for the file's bytes while reading, then
    ///   ``cacheKiB``.
    public init(file: URL, tokens: SubscriberTokens?, problem: (SubscriberError) -> Void) throws {
        self.file = file
        self.tokens = tokens
        stamp = SubscriberListCache.key(of: file.path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Nothing here needs to survive a crash: no journal, no fsync, a fixed cache.
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
        }
        do {
            // An empty path: SQLite's private temporary database, deleted when it is closed.
            queue = try DatabaseQueue(path: "", configuration: configuration)
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE subscriber (
                            key TEXT NOT NULL UNIQUE, line INTEGER NOT NULL, email TEXT NOT NULL,
                            name TEXT NOT NULL, status TEXT NOT NULL, token TEXT NOT NULL)
                        """)
            }
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot make a temporary copy to send from (\(error))")
        }
        guard FileManager.default.fileExists(atPath: file.path) else {
            (exists, count, activeCount) = (false, 0, 0)
            return
        }
        exists = true
        var bytes = try SubscriberList.readBytes(of: file)
        guard !bytes.isEmpty else {
            (count, activeCount) = (0, 0)
            return
        }
        let scanner: SubscriberRowScanner
        do {
            scanner = try SubscriberRowScanner(bytes: bytes, fileName: file.path)
        } catch let error as SpreadsheetTable.ReadError {
            throw SubscriberError(file: file.path, reason: error.description, prefixed: true)
        }
        bytes = []  // the scanner keeps the decoded text only
        var (count, active) = (0, 0)
        do {
            try queue.write { db in
                let insert = try db.makeStatement(
                    sql:
                        "INSERT OR IGNORE INTO subscriber (key, line, email, name, status, token) VALUES (?, ?, ?, ?, ?, ?)"
                )
                let firstLine = try db.makeStatement(sql: "SELECT line FROM subscriber WHERE key = ?")
                func duplicate(_ row: SubscriberRowScanner.Row, key: String, email: String) throws -> Bool {
                    guard let first = try Int.fetchOne(firstLine, arguments: [key]) else { return false }
                    problem(
                        SubscriberRows.duplicateError(file: file.path, line: row.line, firstLine: first, email: email))
                    return true
                }
                try scanner.forEachRow { row in
                    switch row.check {
                    case .blank:
                        break
                    case .rejected(let reason):
                        problem(SubscriberError(file: file.path, line: row.line, reason: reason))
                    case .address(let cleaned, let key):
                        switch row.subscriber(cleaned) {
                        case .failure(let unknown):
                            if try !duplicate(row, key: key, email: cleaned.email) {
                                problem(SubscriberError(file: file.path, line: row.line, reason: unknown.reason))
                            }
                        case .success(let subscriber):
                            try insert.execute(arguments: [
                                key, row.line, subscriber.email, subscriber.name, subscriber.status.rawValue,
                                subscriber.storedToken,
                            ])
                            if db.changesCount == 0 {
                                _ = try duplicate(row, key: key, email: cleaned.email)
                            } else {
                                count += 1
                                if subscriber.status == .active { active += 1 }
                            }
                        }
                    }
                    return true
                }
            }
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot make a temporary copy to send from (\(error))")
        }
        (self.count, activeCount) = (count, active)
    }

    /// The row of `email` (any spelling with the same ``SubscriberAddress/key(_:)``), with ``tokens``,
    /// or `nil` when the list has no such address.
    ///
    /// - Parameter email: the address to look up.
    /// - Returns: the subscriber as the list had it, whatever its status.
    /// - Throws: ``SubscriberError`` when the temporary database cannot be read.
    /// - Complexity: O(log *n*).
    public func subscriber(_ email: String) throws -> Subscriber? {
        try subscribers([email])[email]
    }

    /// The rows of several addresses in one read of the snapshot (a page of deliveries), as
    /// ``subscriber(_:)`` finds each.
    ///
    /// - Parameter emails: the addresses to look up, in any spelling.
    /// - Returns: each address that the list has, spelled as given, with its subscriber (whatever its status);
    ///   addresses the list does not have are left out.
    /// - Throws: ``SubscriberError`` when the temporary database cannot be read.
    /// - Complexity: O(*k* log *n*) for *k* addresses, one statement per 500 of them.
    public func subscribers(_ emails: [String]) throws -> [String: Subscriber] {
        // Spellings by key: two spellings of one address share its row.
        var spellings: [String: [String]] = [:]
        spellings.reserveCapacity(emails.count)
        for email in emails { spellings[SubscriberAddress.key(email.trimmingSpaces()), default: []].append(email) }
        let keys = Array(spellings.keys)
        return try read { db in
            var found: [String: Subscriber] = [:]
            found.reserveCapacity(emails.count)
            // One statement per `lookupChunk` keys (SQLite's own index lookups, one cursor), not one per key.
            var start = 0
            while start < keys.count {
                let chunk = keys[start..<min(start + Self.lookupChunk, keys.count)]
                start += chunk.count
                let statement = try db.cachedStatement(
                    sql: "SELECT email, name, status, token, key FROM subscriber WHERE key IN ("
                        + repeatElement("?", count: chunk.count).joined(separator: ",") + ")")
                let rows = try Row.fetchCursor(statement, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    let key: String = row[4]
                    let subscriber = makeSubscriber(row)
                    for email in spellings[key] ?? [] { found[email] = subscriber }
                }
            }
            return found
        }
    }

    /// Keys looked up per statement in ``subscribers(_:)``: below SQLite's oldest limit on bound parameters (999).
    static let lookupChunk = 500

    /// Hands every `active` row to `body`, in file order.
    ///
    /// - Parameter body: takes each subscriber (with ``tokens``); what it throws stops the pass.
    /// - Throws: what `body` throws; ``SubscriberError`` when the temporary database cannot be read.
    /// - Complexity: O(*n*); memory for one row.
    public func forEachActive(_ body: (Subscriber) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT email, name, status, token FROM subscriber WHERE status = ? ORDER BY rowid",
                arguments: [Subscriber.Status.active.rawValue])
            while let row = try rows.next() { try body(makeSubscriber(row)) }
        }
    }

    private func makeSubscriber(_ row: Row) -> Subscriber {
        var subscriber = Subscriber(
            email: row[0], name: row[1], status: Subscriber.Status(rawValue: row[2]) ?? .active, token: row[3])
        subscriber.tokens = tokens
        return subscriber
    }

    /// A read of the snapshot; SQLite's errors name the list.
    ///
    /// Outside a transaction: the snapshot is this process's own temporary database and nothing writes it
    /// after it is built, while `DatabaseQueue.read`'s transaction and read-only switch cost more than the
    /// one-row lookups the send path makes per recipient.
    private func read<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try queue.inDatabase(work)
        } catch let error as DatabaseError {
            throw SubscriberError(file: file.path, reason: "cannot read the temporary copy to send from (\(error))")
        }
    }
}
