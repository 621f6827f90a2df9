import Foundation
import Testing

/// Issue 9: kill -9 at random moments of a 500-recipient send, 20 times, then let it finish:
/// nobody is missed, and nobody gets a copy beyond one in-flight message per connection per kill.
///
/// With a server that offers PIPELINING (as Postfix, Exim and Exchange do), each kill may also cut a transaction
/// whose envelope went out behind the previous end of data: it must deliver nothing.
@Suite(.serialized)
struct CrashResumeEndToEndTests {
    @Test(arguments: [false, true])
    func killedAtRandomMomentsNothingLostAtMostOneRepeatPerConnectionPerKill(pipelining: Bool) throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let smtp = try SMTPTestServer(folder: folder, extra: pipelining ? ["--pipelining"] : [])
        let connections = 2
        let recipients = (1...500).map { "s\($0)@example.com" }
        let config = try DeliveryFaultEndToEndTests.setUp(
            folder, http: http, smtpPort: smtp.port, subscribers: recipients, connections: connections)
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(300))
        for run in 0..<20 {
            let before = try smtp.messages().count
            guard before < recipients.count else { break }
            let process = try launchNewsletter(
                ["send", "--config", config.path, "--now", "2019-06-01T08:\(String(format: "%02d", run)):00+08:00"])
            // A random moment while messages go out: after 1 to 40 more messages.
            let target = before + Int.random(in: 1...40, using: &generator)
            while try smtp.messages().count < target, process.isRunning, ContinuousClock.now < deadline {
                usleep(2_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let last = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(last.status == 0, "\(last.stdout)\(last.stderr)")
        let counts = Dictionary(try smtp.acceptedRecipients().map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(recipients), "missing: \(Set(recipients).subtracting(counts.keys).count)")
        let repeats = counts.values.reduce(0) { $0 + $1 - 1 }
        #expect(kills >= 10, "only \(kills) kills landed while sending")
        #expect(repeats <= kills * connections, "\(repeats) repeats after \(kills) kills")
    }
}

/// Issue 9, "disk filled during a send": the state folder is a small file system of its own (tmpfs) that another
/// program fills while the digest goes out, so the next outcome can be written neither to the outcome log nor to the
/// ledger.
///
/// Sending stops at once, `send` exits 1 naming the file in the state folder that could not be written; only the
/// message in flight went out unrecorded, and once there is room again the rerun sends the rest: nobody missed, at
/// most one repeat.
@Suite(.serialized)
struct DiskFullEndToEndTests {
    /// Mounts a 4 MiB tmpfs on `folder` (needs root, as CI has); `false` where mounting is not allowed, which is a
    /// failure under CI.
    static func mountSmallFileSystem(at folder: URL) throws -> Bool {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let mounted = try run(["/bin/mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", folder.path])
        if mounted.status != 0, ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("cannot mount a tmpfs for the full-disk test: \(mounted.stderr)")
        }
        return mounted.status == 0
    }

    /// Writes to `file` until the file system is full.
    static func fill(_ file: URL) {
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: file)
        else { return }
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
    }

    @Test(arguments: [false, true])
    func diskFilledMidSendStopsSendingAtOnce(pipelining: Bool) throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        // A little time per message, so that the disk fills while the digest goes out.
        let smtp = try SMTPTestServer(
            folder: folder, faults: #"[{"delay_seconds": 0.02}]"#, extra: pipelining ? ["--pipelining"] : [])
        let recipients = (1...100).map { "s\($0)@example.com" }
        let config = try DeliveryFaultEndToEndTests.setUp(
            folder, http: http, smtpPort: smtp.port, subscribers: recipients)
        let stateFolder = folder.file("state")
        guard try Self.mountSmallFileSystem(at: stateFolder) else { return }
        defer { _ = try? run(["/bin/umount", "-l", stateFolder.path]) }
        let fetched = try newsletter(["fetch", "--config", config.path] + DeliveryFaultEndToEndTests.now)
        #expect(fetched.status == 0, "\(fetched.stdout)\(fetched.stderr)")

        let output = folder.file("send.log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let log = try FileHandle(forWritingTo: output)
        let process = try launchNewsletter(
            ["send", "--config", config.path] + DeliveryFaultEndToEndTests.now, output: log)
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while try smtp.messages().count < 5, process.isRunning, ContinuousClock.now < deadline { usleep(2_000) }
        Self.fill(stateFolder.appendingPathComponent("filler"))
        process.waitUntilExit()
        try log.close()
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(process.terminationStatus == 1, "\(text)")
        #expect(
            text.contains("\(stateFolder.path)/state.sqlite") && text.contains("cannot record a delivery"), "\(text)")
        let sentWhileFull = try smtp.messages().count
        #expect(sentWhileFull >= 5 && sentWhileFull < recipients.count, "\(sentWhileFull) sent")
        let accepted = text.firstMatch(of: /delivered: (\d+) accepted/).flatMap { Int($0.1) } ?? -1
        #expect(sentWhileFull - accepted <= 1, "\(sentWhileFull) sent, \(accepted) recorded")

        try FileManager.default.removeItem(at: stateFolder.appendingPathComponent("filler"))
        let rerun = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        let counts = Dictionary(try smtp.acceptedRecipients().map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(recipients))
        #expect(counts.values.reduce(0, +) <= recipients.count + 1)
    }
}

extension DiskFullEndToEndTests {
    /// Issue 9, "state folder read-only": found before anything is sent (the error names the state
    /// file), not after messages went out unrecorded.
    ///
    /// Root ignores file modes, so as root the run
    /// is made as `nobody`, for whom the root-owned folder is read-only.
    @Test func readOnlyStateFolderIsRefusedBeforeSending() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let gone = try SMTPTestServer(folder: folder)
        let port = gone.port
        gone.server.stop()
        let recipients = (1...3).map { "s\($0)@example.com" }
        let config = try DeliveryFaultEndToEndTests.setUp(
            folder, http: http, smtpPort: port, subscribers: recipients)
        let frozen = try newsletter(["send", "--config", config.path] + DeliveryFaultEndToEndTests.now)
        #expect(frozen.status == 1, "\(frozen.stdout)\(frozen.stderr)")

        let smtp = try SMTPTestServer(folder: folder)
        try ExactlyOnceEndToEndTests.pointSMTP(config, to: smtp.port)
        let stateFolder = folder.file("state")
        var command = [
            try RepoPaths.executable.path, "send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00",
        ]
        if getuid() == 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.url.path)
            command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: stateFolder.path)
        }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stateFolder.path) }
        let refused = try run(command, deadline: .seconds(60))
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains(stateFolder.path), "\(refused.stderr)")
        #expect(try smtp.messages().isEmpty)
    }

    /// Runs `newsletter fetch` with the state folder's file modes in force.
    ///
    /// Root ignores file modes, so as root the state folder and its files are given to `nobody` and the run is made
    /// as `nobody`.
    static func fetchWithFileModesInForce(folder: TemporaryFolder, config: URL) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let stateFolder = folder.file("state")
        var command =
            [try RepoPaths.executable.path, "fetch", "--config", config.path] + DeliveryFaultEndToEndTests.now
        if getuid() == 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.url.path)
            for name in try FileManager.default.contentsOfDirectory(atPath: stateFolder.path) {
                try FileManager.default.setAttributes(
                    [.ownerAccountID: 65534, .groupOwnerAccountID: 65534],
                    ofItemAtPath: stateFolder.appendingPathComponent(name).path)
            }
            try FileManager.default.setAttributes(
                [.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: stateFolder.path)
            command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        }
        return try run(command, deadline: .seconds(60))
    }

    /// A read-only state file is named with SQLite's reason and what to change, without the statement GRDB was
    /// running when it found out (a trial saw `while executing 'CREATE TABLE grdb_issue_102 …'`).
    @Test func readOnlyStateFileIsNamedWithWhatToChange() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let smtp = try SMTPTestServer(folder: folder)
        let config = try DeliveryFaultEndToEndTests.setUp(
            folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"])
        let fetched = try newsletter(["fetch", "--config", config.path] + DeliveryFaultEndToEndTests.now)
        #expect(fetched.status == 0, "\(fetched.stdout)\(fetched.stderr)")
        let stateFolder = folder.file("state")
        let state = stateFolder.appendingPathComponent("state.sqlite")
        for name in try FileManager.default.contentsOfDirectory(atPath: stateFolder.path) where name != "state.sqlite" {
            try? FileManager.default.removeItem(at: stateFolder.appendingPathComponent(name))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: state.path)
        let refused = try Self.fetchWithFileModesInForce(folder: folder, config: config)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains(state.path), "\(refused.stderr)")
        #expect(refused.stderr.contains("writable"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("grdb_") && !refused.stderr.contains("while executing"), "\(refused.stderr)")
    }

    /// A shared-memory file left read-only beside a writable database (SQLite gives it the database's mode when
    /// the database was read-only) is named by the error, instead of "attempt to write a readonly database".
    ///
    /// The outcome log too, and it is never to be removed (it may hold deliveries not yet in the ledger).
    @Test(arguments: [
        ("state.sqlite-shm", "not writable"),
        ("state.sqlite-outcomes", "the outcome log is not writable (Permission denied): make it writable"),
    ])
    func readOnlySidecarFileIsNamed(name: String, said: String) throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let smtp = try SMTPTestServer(folder: folder)
        let config = try DeliveryFaultEndToEndTests.setUp(
            folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"])
        let fetched = try newsletter(["fetch", "--config", config.path] + DeliveryFaultEndToEndTests.now)
        #expect(fetched.status == 0, "\(fetched.stdout)\(fetched.stderr)")
        let stateFolder = folder.file("state")
        let sidecar = stateFolder.appendingPathComponent(name)
        #expect(
            FileManager.default.createFile(
                atPath: sidecar.path, contents: Data(), attributes: [.posixPermissions: 0o444]))
        let refused = try Self.fetchWithFileModesInForce(folder: folder, config: config)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("\(sidecar.path): \(said)"), "\(refused.stderr)")
    }
}
