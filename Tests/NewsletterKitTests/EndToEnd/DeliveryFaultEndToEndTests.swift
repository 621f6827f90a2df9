import Foundation
import Testing

/// Delivery faults through the built executable, against aiosmtpd on 127.0.0.1.
@Suite(.serialized)
struct DeliveryFaultEndToEndTests {
    /// A config for the fixture site (week 1: one article) and `subscribers`.
    static func setUp(
        _ folder: TemporaryFolder, http: HTTPTestServer, smtpPort: Int, subscribers: [String], connections: Int = 1
    ) throws -> URL {
        let file = try TestConfig.write(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")], smtpPort: smtpPort,
            smtp: ["  connections: \(connections)", "  rate_per_second: 0", "  retry_delays: [0, 0]"])
        try Data(("email\n" + subscribers.map { $0 + "\n" }.joined()).utf8).write(to: folder.file("subscribers.csv"))
        return file
    }

    static let site = RepoPaths.resources.appendingPathComponent("site/2019-06-01")
    static let now = ["--now", "2019-06-01T08:00:00+08:00"]

    /// `fetch` lists what the next digest holds after a colon; with nothing new its line ends without one (a trial
    /// saw `0 new for the next digest:` with nothing after it).
    @Test func fetchWithNothingNewEndsItsLineWithoutAColon() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"])
        let first = try newsletter(["fetch", "--config", config.path] + Self.now)
        #expect((first.stdout + first.stderr).contains(" new for the next digest:\n"), "\(first.stdout)")
        let sent = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        let again = try newsletter(["fetch", "--config", config.path] + Self.now)
        let output = again.stdout + again.stderr
        #expect(output.contains(" 0 new for the next digest\n") && !output.contains("digest:"), "\(output)")
    }

    /// Every source unreachable: the error names the sources and gives no SMTP advice (a first user with a
    /// healthy mail server was told to check smtp.url, because a source's "couldn't connect" read as the
    /// server's).
    @Test func everySourceFailingIsNotBlamedOnTheMailServer() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"])
        let closed = try SMTPTestServer(folder: folder)
        let closedPort = closed.port
        closed.server.stop()
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: http.base, with: "http://127.0.0.1:\(closedPort)").write(
            to: config, atomically: true, encoding: .utf8)
        let result = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("every source failed"), "\(result.stderr)")
        #expect(!result.stderr.contains("smtp.url"), "\(result.stderr)")
        #expect(try smtp.messages().isEmpty)
    }

    /// Case 23: one dead address: everyone else gets the digest once; exit 3 names the address.
    @Test func oneRejectedRecipient() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(
            folder: folder,
            faults: #"[{"rcpt": "gone@example.net", "phase": "rcpt", "code": 550, "message": "5.1.1 no such user"}]"#)
        let recipients = ["a@example.com", "gone@example.net", "b@example.org", "c@example.com"]
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: recipients)
        let result = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("failed: gone@example.net"))
        #expect(result.stdout.contains("3 accepted, 1 failed permanently"))
        // Standard output is a pipe here, as in cron's log: the stages' progress lines are there, stamped, before
        // the summary (not only the summary at the end).
        for stage in ["fetching 1/1", "delivering 1/4", "delivering 4/4"] {
            #expect(result.stdout.contains("Z \(stage)\n"), "\(stage): \(result.stdout)")
        }
        #expect(try smtp.acceptedRecipients().sorted() == ["a@example.com", "b@example.org", "c@example.com"])
        // Not retried on the next run.
        let again = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try smtp.acceptedRecipients().count == 3)
        let rcptAttempts = try smtp.events().filter { $0["event"] as? String == "reject" }.count
        #expect(rcptAttempts == 1)
    }

    /// Case 25: STARTTLS required but the server does not offer it: nothing is sent, no AUTH, no
    /// password on the wire; a one-line error names STARTTLS.
    @Test func missingSTARTTLSAbortsBeforeAuth() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(
            folder: folder, extra: ["--auth", "newsletter@example.com:test-password", "--no-starttls-advertised"])
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"])
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "starttls: off",
            with: "starttls: required\n  username: newsletter@example.com\n  password_env: TEST_SMTP_PASSWORD")
        try Data(text.utf8).write(to: config)
        let result = try newsletter(
            ["send", "--config", config.path] + Self.now, environment: ["TEST_SMTP_PASSWORD": "test-password"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("STARTTLS"), "\(result.stderr)")
        let verbs = try smtp.events().filter { $0["event"] as? String == "command" }.compactMap {
            ($0["verb"] as? String)?.uppercased()
        }
        #expect(!verbs.contains("AUTH") && !verbs.contains("MAIL"), "\(verbs)")
        #expect(
            !(try String(contentsOf: smtp.maildir.appendingPathComponent("log.jsonl"), encoding: .utf8)).contains(
                "test-password"))
        #expect(try smtp.messages().isEmpty)
    }

    /// Case 26 B: the relay drops the connection after the second accepted message; the run
    /// reconnects and everyone gets exactly one copy.
    @Test func droppedConnectionIsResumedInTheSameRun() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(folder: folder, faults: #"[{"phase": "data", "drop_after_accept": 2}]"#)
        let recipients = (1...5).map { "s\($0)@example.com" }
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: recipients)
        let result = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try smtp.acceptedRecipients().sorted() == recipients)
        #expect(try smtp.events().filter { $0["event"] as? String == "connect" }.count >= 2)
    }

    /// Case 26 A/C: the process is killed (SIGKILL) while the third message waits for its 250.
    ///
    /// The rerun resends the frozen digest to the rest only: s1 and s2 once, the one in flight at
    /// most twice (the documented window), nobody zero.
    @Test func killedRunIsResumed() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(folder: folder, faults: #"[{"delay_seconds": 1}]"#)
        let recipients = (1...5).map { "s\($0)@example.com" }
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: recipients)
        let process = try launchNewsletter(["send", "--config", config.path] + Self.now)
        // Wait (with a deadline) until the server has stored the third message.
        let end = ContinuousClock.now.advanced(by: .seconds(30))
        while try smtp.messages().count < 3, ContinuousClock.now < end, process.isRunning { usleep(10_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try smtp.messages().count >= 3)

        let rerun = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:30:00+08:00"])
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(rerun.stdout.contains("resuming digest 1"))
        let counts = Dictionary(try smtp.acceptedRecipients().map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(recipients))
        #expect(counts["s1@example.com"] == 1 && counts["s2@example.com"] == 1)
        #expect(counts.values.filter { $0 == 2 }.count <= 1)
        #expect(counts.values.allSatisfy { $0 <= 2 })
        // All copies carry the same Subject: the frozen digest.
        let subjects = Set(try ParsedMessage.parse(try smtp.messages()).compactMap(\.subject))
        #expect(subjects == ["党建周报 2019-06-01"])
    }

    /// SIGINT (Ctrl-C) or SIGTERM (shutdown) while sending: the message in flight finishes and is
    /// recorded, the run says so and exits 130 with its output flushed, and the next run sends the
    /// rest: everyone exactly once.
    @Test(arguments: [SIGINT, SIGTERM])
    func interruptedRunStopsCleanly(signalNumber: Int32) throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(folder: folder, faults: #"[{"delay_seconds": 1}]"#)
        let recipients = (1...5).map { "s\($0)@example.com" }
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: recipients)
        let out = folder.file("send.log")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let log = try FileHandle(forWritingTo: out)
        let process = try launchNewsletter(["send", "--config", config.path] + Self.now, output: log)
        let end = ContinuousClock.now.advanced(by: .seconds(30))
        while try smtp.messages().count < 2, ContinuousClock.now < end, process.isRunning { usleep(10_000) }
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        try log.close()
        #expect(process.terminationStatus == 130)
        let output = try String(contentsOf: out, encoding: .utf8)
        #expect(output.contains("digest 1:"), "\(output)")
        #expect(output.contains("interrupted"), "\(output)")
        let first = try smtp.acceptedRecipients()
        #expect(first.count >= 2 && first.count < 5)

        let rerun = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:30:00+08:00"])
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(try smtp.acceptedRecipients().sorted() == recipients)
    }

    /// Case 27: a second run while the first is sending exits 75 at once; each subscriber gets one copy.
    @Test func overlappingRunsSendOnce() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let smtp = try SMTPTestServer(folder: folder, faults: #"[{"delay_seconds": 1}]"#)
        let recipients = (1...3).map { "s\($0)@example.com" }
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: recipients)
        let first = try launchNewsletter(["send", "--config", config.path] + Self.now)
        let end = ContinuousClock.now.advanced(by: .seconds(30))
        while try smtp.events().filter({ $0["event"] as? String == "connect" }).isEmpty, ContinuousClock.now < end {
            usleep(10_000)
        }
        let second = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(second.status == 75, "\(second.stdout)\(second.stderr)")
        #expect(second.stderr.contains("another run holds the lock"))
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(try smtp.acceptedRecipients().sorted() == recipients)
    }

    /// No SMTP server: the run stops after the first attempt with one line and exit 1; the frozen
    /// digest goes to everyone on the next run.
    @Test func unreachableServerStopsAtOnceAndIsResumed() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let gone = try SMTPTestServer(folder: folder)
        let port = gone.port
        gone.server.stop()
        let recipients = (1...4).map { "s\($0)@example.com" }
        let config = try Self.setUp(folder, http: http, smtpPort: port, subscribers: recipients, connections: 2)
        let failed = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stderr.split(separator: "\n").count == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("cannot reach the SMTP server 127.0.0.1:\(port)"))

        let smtp = try SMTPTestServer(folder: folder)
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:\(smtp.port)")
        try Data(text.utf8).write(to: config)
        let resumed = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming digest 1"))
        #expect(try smtp.acceptedRecipients().sorted() == recipients)
    }

    @Test func badConfigIsOneLineNamingFileLineAndKey() throws {
        let folder = try TemporaryFolder()
        let file = folder.file("newsletter.yml")
        try Data("title: t\nfrom: a@example.com\nlookback_days: -3\n".utf8).write(to: file)
        let result = try newsletter(["fetch", "--config", file.path])
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("newsletter.yml:3: lookback_days:"))
    }
}
