import Foundation
import Testing

/// `newsletter serve` started by a test on a free 127.0.0.1 port (`--port 0 --ready-file`),
/// stopped with SIGTERM on `stop()` or deinit.
///
/// Its output goes to `log`.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL

    init(config: URL, folder: TemporaryFolder, deadline: Duration = .seconds(30)) throws {
        let ready = folder.file("serve-\(UUID().uuidString).ready")
        log = folder.file("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process = try launchNewsletter(
            ["serve", "--config", config.path, "--port", "0", "--ready-file", ready.path], output: output)
        let end = ContinuousClock.now.advanced(by: deadline)
        while true {
            if let text = try? String(contentsOf: ready, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                self.port = port
                return
            }
            guard process.isRunning else {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw TestFailure("serve exited with status \(process.terminationStatus): \(output)")
            }
            guard ContinuousClock.now < end else {
                process.terminate()
                throw TestFailure("serve was not ready within \(deadline)")
            }
            usleep(20_000)
        }
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// What the server printed so far.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL after five seconds.
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

/// One HTTP exchange made with the curl command-line tool.
struct CurlExchange {
    var status: Int
    /// The `Location` header, if any (redirects are never followed).
    var location: String
    var body: String
    var headers: String

    /// Runs `curl` once: `method` to `url` with `body` (form-encoded unless `contentType` says otherwise).
    static func perform(
        _ method: String, _ url: String, body: String? = nil,
        contentType: String = "application/x-www-form-urlencoded", extra: [String] = []
    ) throws -> CurlExchange {
        let folder = try TemporaryFolder()
        let bodyFile = folder.file("body")
        let headerFile = folder.file("headers")
        var command = [
            "/usr/bin/curl", "-s", "-X", method, "-o", bodyFile.path, "-D", headerFile.path, "-w",
            "%{http_code}", "--max-time", "30",
        ]
        if let body {
            let upload = folder.file("upload")
            try Data(body.utf8).write(to: upload)
            command += ["-H", "Content-Type: \(contentType)", "--data-binary", "@\(upload.path)"]
        }
        let result = try run(command + extra + [url], deadline: .seconds(40))
        guard result.status == 0 else { throw TestFailure("curl \(method) \(url) failed: \(result.status)") }
        let headers = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
        let location =
            headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }
            .map { String($0.dropFirst("location:".count)).trimmingCharacters(in: .whitespaces) } ?? ""
        return CurlExchange(
            status: Int(result.stdout) ?? 0, location: location,
            body: (try? String(contentsOf: bodyFile, encoding: .utf8)) ?? "", headers: headers)
    }
}

/// The headless Chromium driver script (Tests/Support/browser.py) as a reader would use a page.
enum Browser {
    static let isAvailable =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        && (try? run(["/usr/bin/env", "python3", "-c", "import selenium"]).status) == 0
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    struct Page: Decodable {
        var url: String
        var heading: String?
        var text: String
    }

    struct Result: Decodable {
        var before: Page
        var after: Page?
        var forms: [String]
        var buttons: [String]
    }

    /// Runs `browser.py ACTION ARGUMENTS…` with a deadline.
    static func drive(_ arguments: [String]) throws -> Result {
        let result = try run(
            [
                "/usr/bin/timeout", "-k", "5", "90", "/usr/bin/env", "python3",
                RepoPaths.support.appendingPathComponent("browser.py").path,
            ] + arguments,
            deadline: .seconds(110))
        guard result.status == 0 else { throw TestFailure("browser.py \(arguments) failed: \(result.stderr)") }
        return try JSONDecoder().decode(Result.self, from: Data(result.stdout.utf8))
    }
}
