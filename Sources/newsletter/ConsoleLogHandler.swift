import Logging

/// The command's log handler: each log event becomes one problem line through ``Console`` — the same stream,
/// timestamp and shape as the command's own lines (`warning: listing page skipped (error: …, source: 党建政法)`),
/// where swift-log's `StreamLogHandler` wrote a second format beside them (its own timestamp, level, label and
/// module).
///
/// The level prefix says how serious the line is; metadata follows in parentheses, keys sorted, so that two runs
/// print the same line the same way. An event is always one line: control characters in the message or a value
/// (a feed title, a server's reply) are written as escapes (`\n`, `\r`, `\u{1B}`), so that a remote
/// page cannot forge lines of the log (`…\n2026-12-07T00:00:00Z ALERT: …`) or send terminal escapes.
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
        guard !metadata.isEmpty else { return "\(level): \(oneLine(message))" }
        let pairs = metadata.sorted { $0.key < $1.key }.map { "\(oneLine($0.key)): \(oneLine("\($0.value)"))" }
        return "\(level): \(oneLine(message)) (\(pairs.joined(separator: ", ")))"
    }

    /// `text` with every C0 control character but tab, DEL and the Unicode line and paragraph separators escaped.
    static func oneLine(_ text: String) -> String {
        func isControl(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F || scalar == "\u{2028}"
                || scalar == "\u{2029}"
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            case "\r": escaped.append(contentsOf: "\\r".unicodeScalars)
            case _ where isControl(scalar):
                escaped.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    private func merged(_ event: Logger.Metadata?) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let event { all.merge(event) { _, new in new } }
        return all
    }
}
