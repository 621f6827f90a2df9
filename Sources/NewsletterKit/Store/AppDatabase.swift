public import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The state of one newsletter in SQLite: articles seen, the HTTP cache, digests and the
/// delivery ledger.
///
/// The GRDB writer stays inside `Store/`: callers use the domain operations in
/// `AppDatabase+Articles.swift` and `AppDatabase+DeliveryLedger.swift`.
///
/// ## Durability
/// The file is in WAL mode with `synchronous = FULL` by default: a committed transaction is fsynced
/// to the write-ahead log before the commit returns (freezing a digest, finishing it, articles).
/// Delivery outcomes during a send are the exception: ``DeliveryRecorder`` appends each to the
/// outcome log (``OutcomeLog``, `STATE-outcomes`), which survives a process kill at once (it is in the
/// operating system's page cache) but not necessarily a power cut, fsyncs it every second or every
/// 1,000 outcomes, and applies it to the ledger in batches at `synchronous = NORMAL` (the last one
/// fsynced). So a kill -9 costs at most the one message in flight per connection; a
/// power cut at most the last second's (at most 1,000) records, whose people get a second copy.
public struct AppDatabase: Sendable {
    /// The connection pool (WAL) or queue (in memory).
    ///
    /// Only `Store/` uses it.
    let writer: any DatabaseWriter
    /// The state file, for error messages (`:memory:` for tests).
    public let path: String
    /// The outcome log (``OutcomeLog``): `STATE-outcomes` beside the state file; for an in-memory database, a file of
    /// its own in the temporary folder.
    let outcomeLogPath: String
    /// The writer connection's `synchronous` setting, as the ledger's commits left it.
    let writerSynchronous = WriterSynchronous()

    /// Opens (creating if needed) the state file and migrates it to the current schema.
    ///
    /// - Parameters:
    ///   - file: the SQLite file; its folder is created if missing.
    ///   - busyTimeout: how long a write waits for another process's lock, in seconds.
    /// - Throws: ``StoreError`` naming the path: an empty (0-byte) or corrupt file is an error,
    ///   never a fresh start.
    public init(file: URL, busyTimeout: TimeInterval = 10) throws {
        path = file.path
        outcomeLogPath = file.path + "-outcomes"
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw StoreError(path: file.path, reason: "cannot create its folder (\(error))")
        }
        var info = stat()
        if stat(file.path, &info) == 0, info.st_size == 0 {
            throw StoreError(
                path: file.path,
                reason:
                    "the state database is empty (0 bytes), not a fresh start: restore it from a backup, or remove it to start afresh (everything counts as new again)"
            )
        }
        try Self.checkSidecarsWritable(of: file)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let pool = try DatabasePool(path: file.path, configuration: configuration)
            let check = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
            guard check == "ok" else {
                throw StoreError(path: file.path, reason: "the state database is corrupt (\(check ?? "no answer"))")
            }
            try Self.migrator.migrate(pool)
            // GRDB's pool sets its writer to `synchronous = NORMAL` once it has switched to WAL, after
            // `prepareDatabase` ran: the store's writes are FULL (fsynced at each commit) only from here on.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            writer = pool
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            // SQLite's own words, without the statement GRDB was running (its internal check table).
            var reason =
                "cannot open the state database (SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "\(error.resultCode)"))"
            if error.resultCode == .SQLITE_READONLY {
                reason += ": make the file and its folder writable by the user that runs newsletter"
            }
            throw StoreError(path: file.path, reason: reason)
        } catch {
            throw StoreError(path: file.path, reason: "cannot open the state database (\(error))")
        }
    }

    /// An in-memory database (tests).
    public init() throws {
        path = ":memory:"
        outcomeLogPath =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("newsletter-outcomes-\(UUID().uuidString)").path
        let queue = try DatabaseQueue()
        try Self.migrator.migrate(queue)
        writer = queue
    }

    /// Checks that the state folder accepts a new file and has room (at least `minimumFreeBytes`).
    /// - Throws: ``StoreError`` naming the folder and why, before anything is sent.
    public func checkWritable(minimumFreeBytes: UInt64 = 1 << 20) throws {
        guard path != ":memory:" else { return }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let probe = folder.appendingPathComponent(".write-check-\(getpid())")
        let descriptor = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(
                path: folder.path, reason: "the state folder is not writable (\(String(cString: strerror(errno))))")
        }
        close(descriptor)
        unlink(probe.path)
        guard access(path, W_OK) == 0 || errno == ENOENT else {
            throw StoreError(path: path, reason: "the state database is not writable")
        }
        var stats = statvfs()
        if statvfs(folder.path, &stats) == 0 {
            let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
            guard free >= minimumFreeBytes else {
                throw StoreError(
                    path: folder.path, reason: "the state folder's disk is full (\(free) bytes free)")
            }
        }
    }

    /// The write-ahead log and shared-memory files beside the database must be writable when they exist.
    ///
    /// SQLite gives them the database file's mode when it creates them, and a run that fails on a read-only
    /// database leaves them behind read-only: after `chmod u+w state.sqlite` the next run still failed with
    /// "attempt to write a readonly database", naming neither file (a new-user trial).
    /// - Throws: ``StoreError`` naming the file that is not writable and what to do.
    static func checkSidecarsWritable(of file: URL) throws {
        for suffix in ["-wal", "-shm", "-outcomes"] {
            let path = file.path + suffix
            guard access(path, W_OK) != 0, errno != ENOENT else { continue }
            let why = String(cString: strerror(errno))
            guard suffix != "-outcomes" else {
                // It may hold delivery outcomes not yet in the ledger: removing it could send people the digest again.
                throw StoreError(
                    path: path,
                    reason:
                        "the outcome log is not writable (\(why)): make it writable by the user that runs newsletter (chmod u+w); do not remove it, it may hold deliveries not yet recorded in the state database"
                )
            }
            throw StoreError(
                path: path,
                reason:
                    "not writable (\(why)): SQLite gave it the database's mode while the database was read-only; make it writable (chmod u+w) or remove it while no newsletter command runs"
            )
        }
    }

    /// The schema, one migration per version.
    ///
    /// Never edit a registered migration: add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "sourceState") { t in
                t.primaryKey("name", .text)
                t.column("firstFetchedAt", .datetime).notNull()
                t.column("lastFetchedAt", .datetime).notNull()
            }
            try db.create(table: "httpCache") { t in
                t.primaryKey("url", .text)
                t.column("etag", .text)
                t.column("lastModified", .text)
                t.column("body", .blob).notNull()
                t.column("fetchedAt", .datetime).notNull()
            }
            try db.create(table: "article") { t in
                t.primaryKey("key", .text)
                t.column("sourceName", .text).notNull()
                t.column("url", .text).notNull()
                t.column("title", .text).notNull()
                t.column("publishedAt", .datetime)
                t.column("category", .text)
                t.column("origin", .text)
                t.column("author", .text)
                t.column("bodyText", .text).notNull()
                t.column("bodyHTML", .text).notNull()
                t.column("fingerprint", .text).notNull().indexed()
                t.column("firstSeenAt", .datetime).notNull()
                t.column("isExtracted", .boolean).notNull()
            }
            try db.create(table: "digest") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("createdAt", .datetime).notNull()
                t.column("subject", .text).notNull()
                t.column("contentJSON", .text).notNull()
                t.column("status", .text).notNull()
            }
            try db.create(table: "digestArticle") { t in
                t.column("digestId", .integer).notNull().references("digest", onDelete: .cascade)
                t.column("articleKey", .text).notNull().references("article")
                t.column("position", .integer).notNull()
                t.primaryKey(["digestId", "articleKey"])
            }
            try db.create(table: "delivery") { t in
                t.column("digestId", .integer).notNull().references("digest", onDelete: .cascade)
                t.column("email", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("replyCode", .integer)
                t.column("reply", .text)
                t.column("messageID", .text).notNull()
                t.column("firstAttemptAt", .datetime)
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["digestId", "email"])
            }
        }
        // v2: the ledger's lookups (pending deliveries of a digest, an address's history) by index.
        migrator.registerMigration("v2") { db in
            try db.create(index: "delivery_on_digestId_status", on: "delivery", columns: ["digestId", "status"])
            try db.create(index: "delivery_on_email", on: "delivery", columns: ["email"])
        }
        // Issue 10 (extraction): a publish time known only to the day is kept as a date.
        migrator.registerMigration("articlePublishedDateOnly") { db in
            try db.alter(table: "article") { t in
                t.add(column: "publishedDateOnly", .boolean).notNull().defaults(to: false)
            }
        }
        // v3-mailbox: bounces read from the mailbox, and which mailbox messages were processed.
        migrator.registerMigration("v3-mailbox") { db in
            try db.create(index: "delivery_on_messageID", on: "delivery", columns: ["messageID"])
            try db.create(table: "bounce") { t in
                t.column("reportKey", .text).notNull()
                t.column("email", .text).notNull().indexed()
                t.column("digestId", .integer).notNull()
                t.column("permanent", .boolean).notNull()
                t.column("status", .text).notNull()
                t.column("diagnostic", .text)
                t.column("receivedAt", .datetime).notNull()
                t.primaryKey(["reportKey", "email"])
            }
            try db.create(table: "mailboxMessage") { t in
                t.primaryKey("key", .text)
                t.column("processedAt", .datetime).notNull()
                t.column("outcome", .text).notNull()
            }
        }
        registerSourceHealthMigration(&migrator)
        // Issue 10, case 35: a publisher date more than 24 h ahead is kept beside the effective date.
        migrator.registerMigration("articleStatedPublishedAt") { db in
            try db.alter(table: "article") { t in t.add(column: "statedPublishedAt", .datetime) }
        }
        // Issue 10: successful fetch times, for the window of a source back from an outage.
        registerSourceFetchMigration(&migrator)
        // Issue 9: the outcome log's last entry applied to the delivery ledger.
        registerOutcomeLogMigration(&migrator)
        return migrator
    }
}

/// A state database that cannot be opened, read or written: names the file and why.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The state file (or its folder).
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// The `synchronous` setting of a store's writer connection: `FULL` (its default, every write fsynced) or
/// `NORMAL`, which the delivery ledger's commits leave in place between them (``DeliveryRecorder``) instead of
/// switching to it and back around each one.
///
/// Read and changed only inside the writer's closures, which the writer runs one at a time.
final class WriterSynchronous: @unchecked Sendable {
    var isFull = true
}
