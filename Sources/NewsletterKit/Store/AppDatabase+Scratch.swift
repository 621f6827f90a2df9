public import Foundation
import GRDB

extension AppDatabase {
    /// An in-memory copy of the state file (or an empty database when there is none), for work
    /// that must not change the real state, such as `newsletter check` fetching every source.
    /// - Throws: ``StoreError`` naming the file when it exists but cannot be read.
    public init(scratchCopyOf file: URL) throws {
        try self.init()
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let source = try DatabaseQueue(path: file.path, configuration: configuration)
            try source.backup(to: writer)
            try Self.migrator.migrate(writer)
        } catch {
            throw StoreError(path: file.path, reason: "cannot read the state database (\(error))")
        }
        // Outcomes that a running send has logged and not yet applied, or that a stopped one left for the next: the
        // copy shows them (the file itself is only read; the next send applies it to the state database).
        try applyLoggedOutcomes(OutcomeLog.read(path: file.path + "-outcomes"), sync: false)
    }
}
