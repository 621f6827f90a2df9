import Logging

/// The command's log handler: each log event becomes one problem line through ``Console`` — the same stream,
/// timestamp and shape as the command's own lines (`warning: listing page skipped (error: …, source: 党建政法)`),
/// where swift-log's `StreamLogHandler` wrote a second format beside them (its own timestamp, level, label and
/// module).
///
/// The level prefix says how serious the line is; metadata follows in parentheses, keys sorted, so that two runs
/// print the same line the same way.
struct ConsoleLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .notice

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Console.shared.problem(Self.line(event.level, event.message.description, metadata: merged(event.metadata)))
    }

    /// The line for one event: `LEVEL: MESSAGE (KEY: VALUE, …)`.
    static func line(_ level: Logger.Level, _ message: String, metadata: Logger.Metadata) -> String {
        guard !metadata.isEmpty else { return "\(level): \(message)" }
        let pairs = metadata.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        return "\(level): \(message) (\(pairs.joined(separator: ", ")))"
    }

    private func merged(_ event: Logger.Metadata?) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let event { all.merge(event) { _, new in new } }
        return all
    }
}
