import Foundation
public import Logging

/// A `LogHandler` that keeps the messages of warnings and worse, so that a caller can report
/// them as its own findings (``SetupCheck`` lists a template that falls back to the built-in copy).
public final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    public init() {}

    /// The messages of warning level or above, in order.
    public var warnings: [String] {
        lock.withLock { collected }
    }

    /// A logger that records into this collector.
    public var logger: Logger {
        Logger(label: "newsletter.check") { _ in Handler(collector: self) }
    }

    fileprivate func append(_ message: String) {
        lock.withLock { collected.append(message) }
    }

    private struct Handler: LogHandler {
        let collector: LogCollector
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            collector.append("\(event.message)")
        }
    }
}
