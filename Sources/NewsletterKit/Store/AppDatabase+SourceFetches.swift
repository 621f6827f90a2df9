import Foundation
import GRDB

extension AppDatabase {
    /// Creates the `sourceFetch` table (migration `sourceFetch`): one row per successful fetch of a source.
    ///
    /// Selection reads it to find, for an article first seen after an outage, the source's previous successful
    /// fetch (``ArticleSelector``). Existing state gets the first and last fetch times it already knows.
    static func registerSourceFetchMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("sourceFetch") { db in
            try db.create(table: "sourceFetch") { t in
                t.column("name", .text).notNull()
                t.column("fetchedAt", .datetime).notNull()
                t.primaryKey(["name", "fetchedAt"])
            }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO sourceFetch (name, fetchedAt) SELECT name, firstFetchedAt FROM sourceState;
                    INSERT OR IGNORE INTO sourceFetch (name, fetchedAt) SELECT name, lastFetchedAt FROM sourceState;
                    """)
        }
    }

    /// Notes a successful fetch of `source` at `date` (inside the caller's write).
    static func recordSourceFetch(_ db: Database, source: String, at date: Date) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO sourceFetch (name, fetchedAt) VALUES (?, ?)", arguments: [source, date])
    }

    /// Every source's successful fetch times, oldest first, by source name.
    static func sourceFetches(_ db: Database) throws -> [String: [Date]] {
        var result: [String: [Date]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, fetchedAt FROM sourceFetch ORDER BY fetchedAt") {
            result[row["name"] as String, default: []].append(row["fetchedAt"] as Date)
        }
        return result
    }
}
