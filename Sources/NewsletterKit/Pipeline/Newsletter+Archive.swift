import Foundation

extension Newsletter {
    /// The digests that went out (at least one delivery accepted), oldest first, with their frozen
    /// content.
    /// - Throws: database errors.
    public func sentIssues() async throws -> [ArchiveWriter.Issue] {
        try await database.sentDigests().map { ArchiveWriter.Issue(content: $0.content, date: $0.createdAt) }
    }

    /// Writes the web archive (`archive_dir`) of every digest that went out; see ``ArchiveWriter``.
    /// - Throws: database errors; ``AtomicFile/WriteError`` naming a file that cannot be written.
    @discardableResult
    public func writeArchive() async throws -> ArchiveWriter.Summary {
        try ArchiveWriter(config: config, renderer: composer.renderer).write(try await sentIssues())
    }
}
