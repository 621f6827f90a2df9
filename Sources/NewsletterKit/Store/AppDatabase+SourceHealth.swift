import Foundation
import GRDB

extension AppDatabase {
    /// Creates the `sourceHealth` table (migration `v3-source-health`).
    static func registerSourceHealthMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-source-health") { db in
            try db.create(table: "sourceHealth") { t in
                t.primaryKey("name", .text)
                t.column("lastSuccessAt", .datetime)
                t.column("lastFailureAt", .datetime)
                t.column("consecutiveFailures", .integer).notNull().defaults(to: 0)
                t.column("lastError", .text)
            }
        }
    }

    /// Records one run's outcome per source (`nil` error = it worked) and returns every source's
    /// health afterwards, in the order given.
    func recordSourceRun(_ outcomes: [(name: String, error: String?)], at date: Date) async throws -> [SourceHealth] {
        try await writer.write { db in
            try outcomes.map { outcome in
                var health =
                    try SourceHealth.fetchOne(db, key: outcome.name)
                    ?? SourceHealth(
                        name: outcome.name, lastSuccessAt: nil, lastFailureAt: nil, consecutiveFailures: 0,
                        lastError: nil)
                if let error = outcome.error {
                    health.lastFailureAt = date
                    health.consecutiveFailures += 1
                    health.lastError = error
                } else {
                    health.lastSuccessAt = date
                    health.consecutiveFailures = 0
                }
                try health.save(db)
                return health
            }
        }
    }

    /// Every source's recorded health, by name.
    public func sourceHealth() async throws -> [String: SourceHealth] {
        try await writer.read { db in
            Dictionary(try SourceHealth.fetchAll(db).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
