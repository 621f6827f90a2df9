import Foundation
import Testing

/// Where the repository's files are, from this source file's path.
enum RepoPaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // NewsletterKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
    static let support = root.appendingPathComponent("Tests/Support")
    static let resources = root.appendingPathComponent("Tests/NewsletterKitTests/Resources")

    /// The built `newsletter` executable beside the test bundle, or the one named by the environment variable
    /// `NEWSLETTER_EXECUTABLE` (CI runs the end-to-end tests against the installed release binary too).
    static var executable: URL {
        get throws {
            var candidates: [URL] = []
            if let named = ProcessInfo.processInfo.environment["NEWSLETTER_EXECUTABLE"], !named.isEmpty {
                candidates.append(URL(fileURLWithPath: named))
            }
            if let first = CommandLine.arguments.first {
                candidates.append(
                    URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("newsletter"))
            }
            candidates.append(Bundle.main.bundleURL.appendingPathComponent("newsletter"))
            candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("newsletter"))
            candidates.append(root.appendingPathComponent(".build/debug/newsletter"))
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw TestFailure("the newsletter executable was not found (looked in \(candidates.map(\.path)))")
            }
            return found
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh temporary folder, removed when the value is no longer used.
final class TemporaryFolder: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("newsletter-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// A Python test server (Tests/Support) bound to 127.0.0.1, stopped with SIGTERM on `stop()` or deinit.
final class PythonServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    /// Starts `script` and waits (polling, with a deadline) until it wrote its port to the ready file.
    init(script: String, arguments: [String], folder: TemporaryFolder, deadline: Duration = .seconds(20)) throws {
        let ready = folder.file("\(script).\(UUID().uuidString).ready")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", RepoPaths.support.appendingPathComponent(script).path]
            + arguments + [
                "--ready-file", ready.path, "--lifetime", "600", "--parent-pid",
                "\(ProcessInfo.processInfo.processIdentifier)",
            ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        while true {
            if let text = try? String(contentsOf: ready, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                self.port = port
                return
            }
            guard process.isRunning else {
                throw TestFailure("\(script) exited with status \(process.terminationStatus) before it was ready")
            }
            guard clock.now < end else {
                process.terminate()
                throw TestFailure("\(script) was not ready within \(deadline)")
            }
            usleep(20_000)
        }
    }

    /// Sends SIGTERM, then SIGKILL if the server is still running after five seconds.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let end = ContinuousClock.now.advanced(by: .seconds(5))
        while process.isRunning, ContinuousClock.now < end { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// aiosmtpd on 127.0.0.1 that stores every accepted message (Tests/Support/smtp_server.py).
final class SMTPTestServer: Sendable {
    let server: PythonServer
    let maildir: URL

    init(folder: TemporaryFolder, faults: String? = nil, extra: [String] = []) throws {
        maildir = folder.file("mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: maildir, withIntermediateDirectories: true)
        var arguments = ["--maildir", maildir.path]
        if let faults {
            let file = folder.file("faults-\(UUID().uuidString).json")
            try Data(faults.utf8).write(to: file)
            arguments += ["--faults", file.path]
        }
        server = try PythonServer(script: "smtp_server.py", arguments: arguments + extra, folder: folder)
    }

    var port: Int { server.port }

    /// The stored messages, in arrival order.
    func messages() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: maildir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The server's event log (`log.jsonl`), one dictionary per event.
    func events() throws -> [[String: Any]] {
        let url = maildir.appendingPathComponent("log.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Accepted messages by envelope recipient.
    func acceptedRecipients() throws -> [String] {
        try events().filter { $0["event"] as? String == "message" && ($0["dropped"] as? Bool ?? false) == false }
            .flatMap { $0["rcpt_tos"] as? [String] ?? [] }
    }
}

/// A static file server on 127.0.0.1 whose root can be switched while it runs.
final class HTTPTestServer: Sendable {
    let server: PythonServer
    let rootFile: URL

    init(folder: TemporaryFolder, root: URL, config: String? = nil) throws {
        rootFile = folder.file("root-\(UUID().uuidString).txt")
        try Data(root.path.utf8).write(to: rootFile)
        var arguments = ["--root-file", rootFile.path]
        if let config {
            let file = folder.file("http-\(UUID().uuidString).json")
            try Data(config.utf8).write(to: file)
            arguments += ["--config", file.path]
        }
        server = try PythonServer(script: "http_server.py", arguments: arguments, folder: folder)
    }

    var port: Int { server.port }
    var base: String { "http://127.0.0.1:\(port)" }

    func serve(_ root: URL) throws {
        try Data(root.path.utf8).write(to: rootFile)
    }
}

/// Python's `email` package's view of messages (Tests/Support/check_message.py).
struct ParsedMessage: Decodable {
    struct Part: Decodable {
        let contentType: String
        let charset: String?
        let transferEncoding: String?
        let content: String

        enum CodingKeys: String, CodingKey {
            case contentType = "content_type"
            case charset
            case transferEncoding = "transfer_encoding"
            case content
        }
    }

    let subject: String?
    let from: String?
    let to: String?
    let date: String?
    let messageID: String?
    let listID: String?
    let listUnsubscribe: String?
    let listUnsubscribePost: String?
    let contentType: String?
    let defects: [String]
    let parts: [Part]
    let bareLF: Bool
    let maxLineOctets: Int
    let endsWithCRLF: Bool

    enum CodingKeys: String, CodingKey {
        case subject, from, to, date, defects, parts
        case messageID = "message_id"
        case listID = "list_id"
        case listUnsubscribe = "list_unsubscribe"
        case listUnsubscribePost = "list_unsubscribe_post"
        case contentType = "content_type"
        case bareLF = "bare_lf"
        case maxLineOctets = "max_line_octets"
        case endsWithCRLF = "ends_with_crlf"
    }

    static func parse(_ files: [URL]) throws -> [ParsedMessage] {
        guard !files.isEmpty else { return [] }
        let result = try run(
            ["/usr/bin/env", "python3", RepoPaths.support.appendingPathComponent("check_message.py").path]
                + files.map(\.path))
        return try JSONDecoder().decode([ParsedMessage].self, from: Data(result.stdout.utf8))
    }

    /// The decoded text of the first part of `type` (`text/plain`, `text/html`), CRLF turned to LF.
    func part(_ type: String) -> String? {
        parts.first { $0.contentType == type }?.content.replacingOccurrences(of: "\r\n", with: "\n")
    }
}

/// Runs a program to completion and returns its status and output.
///
/// Output goes to temporary files, not pipes: a server started concurrently by another test could
/// inherit a pipe's write end and keep it open, and reading to end-of-file would then wait for it.
/// With a `deadline`, a program still running then is killed and the call throws.
@discardableResult
func run(
    _ command: [String], environment: [String: String]? = nil, in directory: URL? = nil, deadline: Duration? = nil
) throws -> (
    status: Int32, stdout: String, stderr: String
) {
    let folder = try TemporaryFolder()
    let outURL = folder.file("stdout")
    let errURL = folder.file("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer {
        try? out.close()
        try? err.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    if let deadline {
        let end = ContinuousClock.now.advanced(by: deadline)
        while process.isRunning, ContinuousClock.now < end { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("\(command[0]) did not finish within \(deadline)")
        }
    }
    process.waitUntilExit()
    let stdout = try String(contentsOf: outURL, encoding: .utf8)
    let stderr = try String(contentsOf: errURL, encoding: .utf8)
    return (process.terminationStatus, stdout, stderr)
}

/// Runs the built `newsletter` executable.
@discardableResult
func newsletter(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> (
    status: Int32, stdout: String, stderr: String
) {
    try run([try RepoPaths.executable.path] + arguments, environment: environment, in: directory)
}

/// Starts the built `newsletter` executable in the background (output to `output`, default nowhere).
func launchNewsletter(_ arguments: [String], output: FileHandle = FileHandle.nullDevice) throws -> Process {
    let process = Process()
    process.executableURL = try RepoPaths.executable
    process.arguments = arguments
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
}
