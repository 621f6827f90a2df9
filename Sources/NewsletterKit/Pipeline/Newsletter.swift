public import Foundation
public import Logging

/// One newsletter's whole job, as a thin façade over its three parts: building the digest
/// (``DigestBuilder``: fetch, select, content), composing messages (``MessageComposer``) and
/// sending (``DigestSender``: delivery engine, ledger, bounce policy).
///
/// Commands build one of these from the configuration and call ``fetchAll(now:)``,
/// ``preview(now:to:)`` or ``send(now:dryRun:transport:resendUncertain:)``.
public struct Newsletter: Sendable {
    public typealias FetchSummary = NewsletterKit.FetchSummary
    public typealias SendReport = NewsletterKit.SendReport
    public typealias PreviewResult = NewsletterKit.PreviewResult

    public let config: NewsletterConfig
    public let database: AppDatabase
    public let fetcher: any HTTPFetching
    public let logger: Logger
    public let composer: MessageComposer
    /// Set by the command on SIGINT/SIGTERM; sending stops between transactions.
    public var stop = StopRequest()
    /// Told as sources are fetched and deliveries recorded (the command draws a live progress line).
    public var onProgress: ProgressHandler?
    /// Told when `send` starts on a digest left unfinished by an earlier run, before its deliveries: its id and
    /// Subject (the command prints it then, so that the delivery progress that follows is read as that digest's).
    public var onResume: (@Sendable (_ digestID: Int64, _ subject: String) -> Void)?
    /// How often `send` looks at the subscriber list for unsubscribes made while it runs
    /// (``DigestSender/listCheckInterval``).
    public var listCheckInterval: Duration = .milliseconds(500)

    /// After this many consecutive digests failing permanently (5xx), an address is disabled.
    public static var bounceLimit: Int { DigestSender.bounceLimit }

    /// Opens the state database and loads the templates.
    /// - Throws: ``RenderError`` for a template that does not parse; ``StoreError`` naming the state file.
    public init(
        config: NewsletterConfig, fetcher: any HTTPFetching = CurlHTTPFetcher(), database: AppDatabase? = nil,
        logger: Logger
    ) throws {
        self.config = config
        self.fetcher = fetcher
        self.logger = logger
        if database == nil { try Self.refuseFreshStateBesideAnArchive(config) }
        self.database = try database ?? AppDatabase(file: config.stateFile)
        let renderer = try DigestRenderer(
            directory: config.templatesDirectory, htmlBudgetBytes: config.htmlBudgetBytes,
            archiveURL: config.archiveURL, logger: logger)
        composer = MessageComposer(config: config, renderer: renderer)
    }

    /// A missing state database beside an archive of sent issues is a folder copied without its hidden state
    /// folder (`cp -r *` skips `.newsletter/`), not a first run: opening it would start afresh, send every
    /// article again and derive new unsubscribe tokens from a new secret (a new-user trial did exactly this).
    /// - Throws: ``StoreError`` naming the state file and the archive.
    public static func refuseFreshStateBesideAnArchive(_ config: NewsletterConfig) throws {
        guard !FileManager.default.fileExists(atPath: config.stateFile.path) else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: config.archiveDirectory.path)) ?? []
        let issues = names.filter { $0.hasSuffix(".html") && $0 != "index.html" }.count
        guard issues > 0 else { return }
        throw StoreError(
            path: config.stateFile.path,
            reason:
                "no state database, but \(config.archiveDirectory.path) holds \(issues) sent issue(s): a copied or moved newsletter folder must bring its state folder \(config.stateFile.deletingLastPathComponent().path) (the ledger and the token secret; `cp -r *` leaves hidden folders behind). To start over on purpose, move the archive folder away first"
        )
    }

    /// Fetching, selecting and the digest's content.
    public var builder: DigestBuilder {
        DigestBuilder(config: config, database: database, fetcher: fetcher, logger: logger, onProgress: onProgress)
    }

    /// Freezing, delivering, recording, bounce policy.
    public var sender: DigestSender {
        var sender = DigestSender(
            config: config, database: database, composer: composer, logger: logger, stop: stop, onProgress: onProgress)
        sender.listCheckInterval = listCheckInterval
        return sender
    }

    /// See ``DigestBuilder/fetchAll(now:)``.
    public func fetchAll(now: Date) async -> FetchSummary {
        await builder.fetchAll(now: now)
    }

    /// See ``DigestBuilder/selectNew(now:)``.
    public func selectNew(now: Date) async throws -> [StoredArticle] {
        try await builder.selectNew(now: now)
    }

    /// See ``DigestBuilder/makeContent(_:now:failedSources:)``.
    public func makeContent(_ articles: [StoredArticle], now: Date, failedSources: [String] = []) -> DigestContent {
        builder.makeContent(articles, now: now, failedSources: failedSources)
    }

    /// See ``DigestSender/disableBouncing(_:)``.
    func disableBouncing(_ candidates: [String]) async throws -> [String] {
        try await sender.disableBouncing(candidates)
    }
}
