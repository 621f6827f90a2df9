public import Foundation
public import GRDB

/// The state of one newsletter in SQLite: articles seen, digests, deliveries, HTTP validators.
///
/// Every write is a transaction, so a crash leaves the previous state intact.
public struct AppDatabase: Sendable {
    /// The underlying connection (a `DatabaseQueue`: one writer, safe from any thread).
    public let writer: DatabaseQueue

    /// Opens (creating if needed) the state file and migrates it to the current schema.
    /// - Parameter file: the SQLite file; its folder is created if missing.
    /// - Throws: ``NewsletterError`` naming the path, with the SQLite or file-system error.
    public init(file: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            writer = try DatabaseQueue(path: file.path, configuration: configuration)
            try Self.migrator.migrate(writer)
        } catch {
            throw NewsletterError(description: "\(file.path): cannot open the state database (\(error))")
        }
    }

    /// An in-memory database (tests).
    public init() throws {
        writer = try DatabaseQueue()
        try Self.migrator.migrate(writer)
    }

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
        return migrator
    }
}
