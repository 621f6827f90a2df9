import ArgumentParser
import Foundation
import Logging
import NewsletterKit

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long, help: "The configuration file (default: ./newsletter.yml).",
        completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @Flag(name: .shortAndLong, help: "Print progress details.")
    var verbose = false

    /// Reads the configuration; relative paths in it are relative to its folder.
    func loadConfig() throws -> NewsletterConfig {
        let path = config ?? NewsletterConfig.defaultFileName
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CommandFailure("\(path): no such configuration file (pass --config PATH)")
        }
        return try NewsletterConfig.load(from: url)
    }

    func makeLogger() -> Logger {
        var logger = Logger(label: "newsletter") { _ in ConsoleLogHandler() }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }
}

/// `--now` for commands that depend on the clock.
struct ClockOptions: ParsableArguments {
    @Option(name: .long, help: "Fix the clock (ISO 8601, e.g. 2019-06-08T08:00:00+08:00) for tests and replays.")
    var now: String?

    /// Rejects a malformed `--now` while parsing, so the usage shown is the subcommand's.
    func validate() throws {
        _ = try resolve()
    }

    func resolve() throws -> Date {
        guard let now else { return Date() }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: now) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: now) { return date }
        throw ValidationError("--now: expected ISO 8601 with a zone, e.g. 2019-06-08T08:00:00+08:00, got '\(now)'")
    }
}

/// A failure whose message is the whole story: printed as `Error: <message>`, exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Exit statuses beyond 0 (success) and 1 (failure).
enum ExitStatus {
    /// Some deliveries failed permanently or were deferred; the rest went out.
    static let partial = ExitCode(3)
    /// Another run holds the lock (EX_TEMPFAIL).
    static let locked = ExitCode(75)
}

/// Writes one line to standard output.
func say(_ line: String) {
    print(line)
}
