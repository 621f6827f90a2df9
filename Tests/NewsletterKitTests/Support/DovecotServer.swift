import Foundation
import Testing

/// Debian's Dovecot on free 127.0.0.1 ports (IMAP and POP3) with a throw-away configuration,
/// passwd-file and Maildir (Tests/Support/dovecot_server.py); mail is stored as `nobody`.
///
/// Stopped with SIGTERM on `stop()` or deinit.
final class DovecotServer: @unchecked Sendable {
    static let user = "bounces@news.example.com"
    static let password = "mailbox-secret"
    static let isAvailable =
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot")
        && FileManager.default.fileExists(atPath: "/usr/lib/dovecot/imap")
        && FileManager.default.fileExists(atPath: "/usr/lib/dovecot/pop3")

    let process = Process()
    let directory: URL
    let imapPort: Int
    let pop3Port: Int

    /// Writes `messages` (name → bytes) into the Maildir's `new/`, then starts Dovecot; with `tls`
    /// (PEM certificate and key files) it offers STARTTLS on both ports.
    init(
        folder: TemporaryFolder, messages: [(name: String, bytes: [UInt8])], tls: (cert: String, key: String)? = nil,
        deadline: Duration = .seconds(30)
    ) throws {
        directory = folder.file("dovecot-\(UUID().uuidString.prefix(8))")
        let new = directory.appendingPathComponent("Maildir/new")
        try FileManager.default.createDirectory(at: new, withIntermediateDirectories: true)
        for (index, message) in messages.enumerated() {
            try Data(message.bytes).write(
                to: new.appendingPathComponent("1559347200.M\(index)P1.\(message.name):2,"))
        }
        let ready = directory.appendingPathComponent("ready")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", RepoPaths.support.appendingPathComponent("dovecot_server.py").path, "--dir", directory.path,
            "--user", Self.user, "--password", Self.password, "--ready-file", ready.path, "--lifetime", "600",
            "--parent-pid", "\(ProcessInfo.processInfo.processIdentifier)",
        ]
        if let tls { process.arguments? += ["--tls-cert", tls.cert, "--tls-key", tls.key] }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let end = ContinuousClock.now.advanced(by: deadline)
        while true {
            if let text = try? String(contentsOf: ready, encoding: .utf8) {
                let ports = text.split(separator: " ").compactMap {
                    Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                if ports.count == 2 {
                    imapPort = ports[0]
                    pop3Port = ports[1]
                    return
                }
            }
            guard process.isRunning else {
                throw TestFailure("dovecot_server.py exited with status \(process.terminationStatus)")
            }
            guard ContinuousClock.now < end else {
                process.terminate()
                throw TestFailure("dovecot was not ready within \(deadline)")
            }
            usleep(20_000)
        }
    }

    /// File names in the Maildir's `cur/` and `new/` (flags are in the names: `:2,S` …; keywords as letters).
    func maildirNames() throws -> [String] {
        let base = directory.appendingPathComponent("Maildir")
        return try ["new", "cur"].flatMap {
            try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent($0).path)
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let end = ContinuousClock.now.advanced(by: .seconds(15))
        while process.isRunning, ContinuousClock.now < end { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
