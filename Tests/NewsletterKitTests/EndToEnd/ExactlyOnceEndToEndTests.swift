import Foundation
import Testing

/// Issue 9: the ways "exactly once" broke, through the built executable against aiosmtpd on
/// 127.0.0.1 (faults injected by the server, the state file, the subscriber list or the config).
@Suite(.serialized)
struct ExactlyOnceEndToEndTests {
    static let now = DeliveryFaultEndToEndTests.now

    static func setUp(
        _ folder: TemporaryFolder, http: HTTPTestServer, smtpPort: Int, subscribers: [String], smtp: [String] = [],
        edit: (String) -> String = { $0 }
    ) throws -> URL {
        let file = try DeliveryFaultEndToEndTests.setUp(
            folder, http: http, smtpPort: smtpPort, subscribers: subscribers)
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "smtp:\n", with: "smtp:\n" + smtp.map { $0 + "\n" }.joined())
        try Data(edit(text).utf8).write(to: file)
        return file
    }

    static func pointSMTP(_ config: URL, to port: Int) throws {
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(
            of: #"smtp://127\.0\.0\.1:\d+"#, with: "smtp://127.0.0.1:\(port)", options: .regularExpression)
        try Data(text.utf8).write(to: config)
    }

    /// `envelope_sender` with CR/LF is refused when the configuration is read: no connection is
    /// opened, `RCPT TO:<evil@example.net>` never reaches the wire.
    @Test func envelopeSenderWithLineBreaksNeverReachesTheWire() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"]) {
            $0 + #"envelope_sender: "bounce@example.com>\r\nRCPT TO:<evil@example.net""# + "\n"
        }
        let result = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("envelope_sender"), "\(result.stderr)")
        let log = try String(contentsOf: smtp.maildir.appendingPathComponent("log.jsonl"), encoding: .utf8)
        #expect(!log.contains("evil@example.net"))
        #expect(try smtp.events().filter { $0["event"] as? String == "connect" }.isEmpty)
    }

    /// A list id or unsubscribe URL that no message could carry is refused before anything is
    /// frozen (also by `--dry-run`); once fixed, the issue goes to everyone.
    @Test(arguments: [
        ("list_id: weekly.news.example.com", "list_id: weekly news", "list_id"),
        (
            "list_id: weekly.news.example.com",
            "list_id: weekly.news.example.com\nunsubscribe_url: https://news.example.com/u?a=1,2&t={{token}}",
            "unsubscribe_url"
        ),
    ])
    func messageThatCannotBeBuiltIsCaughtBeforeFreezing(good: String, bad: String, key: String) throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let smtp = try SMTPTestServer(folder: folder)
        let recipients = ["a@example.com", "b@example.org"]
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: recipients) {
            $0.replacingOccurrences(of: good, with: bad)
        }
        let dry = try newsletter(["send", "--dry-run", "--config", config.path] + Self.now)
        #expect(dry.status == 1, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stderr.contains(key), "\(dry.stderr)")
        let real = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(real.status == 1, "\(real.stdout)\(real.stderr)")
        #expect(try smtp.messages().isEmpty)

        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: bad, with: good)
        try Data(text.utf8).write(to: config)
        let fixed = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect(fixed.stdout.contains("digest 1:"), "\(fixed.stdout)")
        #expect(try smtp.acceptedRecipients().sorted() == recipients)
    }

    /// The 250 comes after `timeout_seconds`: the message was delivered, so it is "uncertain",
    /// never retried or resent by a plain rerun; `--resend-uncertain` resends it once.
    @Test func replyAfterTheTimeoutIsUncertainAndNotResent() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let slow = try SMTPTestServer(folder: folder, faults: #"[{"delay_seconds": 3}]"#)
        let recipients = ["s1@example.com", "s2@example.com"]
        let config = try Self.setUp(
            folder, http: http, smtpPort: slow.port, subscribers: recipients, smtp: ["  timeout_seconds: 1"])
        let first = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(first.status == 3, "\(first.stdout)\(first.stderr)")
        // Problems go to standard error (issue 12), one line per uncertain delivery.
        for address in recipients { #expect(first.stderr.contains("uncertain: \(address)"), "\(first.stderr)") }
        #expect(!(first.stdout + first.stderr).contains("DATA failed"))
        // Each went out exactly once; a new connection for each (never reused out of step).
        #expect(try slow.acceptedRecipients().sorted() == recipients)
        #expect(try slow.events().filter { $0["event"] as? String == "connect" }.count == 2)

        let rerun = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(try slow.acceptedRecipients().sorted() == recipients)

        let fast = try SMTPTestServer(folder: folder)
        try Self.pointSMTP(config, to: fast.port)
        let resend = try newsletter(
            ["send", "--resend-uncertain", "--config", config.path, "--now", "2019-06-01T10:00:00+08:00"])
        #expect(resend.status == 0, "\(resend.stdout)\(resend.stderr)")
        #expect(resend.stdout.contains("resending 2 uncertain"), "\(resend.stdout)")
        #expect(try fast.acceptedRecipients().sorted() == recipients)
    }

    /// A server that greets and then never answers stops the run after one reply timeout (not one
    /// per recipient and retry); everyone stays pending and gets the issue from a healthy server.
    @Test func stallAfterGreetingStopsTheRunAndKeepsEveryonePending() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let stalled = try SMTPTestServer(folder: folder, faults: #"[{"stall_after_greeting": true}]"#)
        let recipients = (1...5).map { "s\($0)@example.com" }
        let config = try Self.setUp(
            folder, http: http, smtpPort: stalled.port, subscribers: recipients, smtp: ["  timeout_seconds: 1"])
        let failed = try run(
            [try RepoPaths.executable.path, "send", "--config", config.path] + Self.now, deadline: .seconds(60))
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stderr.contains("stopped answering"), "\(failed.stderr)")
        #expect(try stalled.events().filter { $0["event"] as? String == "connect" }.count == 1)

        let healthy = try SMTPTestServer(folder: folder)
        try Self.pointSMTP(config, to: healthy.port)
        let resumed = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(try healthy.acceptedRecipients().sorted() == recipients)
    }

    /// A resume while the subscriber list is missing, or saved with only its header row, stops (naming the
    /// file) instead of failing every pending delivery as "no longer an active subscriber"; restored, the list
    /// resumes the digest to everyone.
    @Test(arguments: ["missing", "header only"])
    func missingOrEmptiedSubscriberListStopsAResume(state: String) throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let gone = try SMTPTestServer(folder: folder)
        let port = gone.port
        gone.server.stop()
        let recipients = (1...4).map { "s\($0)@example.com" }
        let config = try Self.setUp(folder, http: http, smtpPort: port, subscribers: recipients)
        let failed = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")

        let list = folder.file("subscribers.csv")
        let aside = folder.file("subscribers.csv.aside")
        try FileManager.default.moveItem(at: list, to: aside)
        if state == "header only" { try Data("email,name,status\r\n".utf8).write(to: list) }
        let smtp = try SMTPTestServer(folder: folder)
        try Self.pointSMTP(config, to: smtp.port)
        let refused = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("subscribers.csv"), "\(refused.stderr)")
        #expect(try smtp.messages().isEmpty)

        if state == "header only" { try FileManager.default.removeItem(at: list) }
        try FileManager.default.moveItem(at: aside, to: list)
        let resumed = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T10:00:00+08:00"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming digest 1"))
        #expect(try smtp.acceptedRecipients().sorted() == recipients)
    }

    /// A newsletter folder copied without its hidden state folder (`cp -r *`) beside an archive of sent issues is
    /// refused by `send`, `fetch`, `preview` and `check` (naming the state file and the archive), instead of a
    /// fresh start that resends everything with new unsubscribe tokens; with the state back, nothing is resent.
    @Test func stateMissingBesideAnArchiveIsRefused() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"])
        let sent = try newsletter(["send", "--config", config.path] + Self.now)
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        let state = folder.file("state")
        let aside = folder.file("state-aside")
        try FileManager.default.moveItem(at: state, to: aside)
        // mailbox too (its server is never reached: a closed port).
        let closed = try SMTPTestServer(folder: folder)
        let closedPort = closed.port
        closed.server.stop()
        var yaml = try String(contentsOf: config, encoding: .utf8)
        yaml += """
            mailbox:
              url: imap://127.0.0.1:\(closedPort)/INBOX
              starttls: off
              username: bounces@example.com
              password_env: TEST_MAILBOX_PASSWORD

            """
        try Data(yaml.utf8).write(to: config)
        let commands = [
            ["send"], ["fetch"], ["preview", "--out", folder.file("preview").path], ["check"], ["mailbox"],
        ]
        for command in commands {
            let result = try newsletter(
                command + ["--config", config.path, "--now", "2019-06-01T09:00:00+08:00"],
                environment: ["TEST_MAILBOX_PASSWORD": "x"])
            #expect(result.status != 0, "\(command): \(result.stdout)\(result.stderr)")
            #expect(
                (result.stdout + result.stderr).contains("sent issue(s)"),
                "\(command): \(result.stdout)\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("state.sqlite").path))
        #expect(try smtp.messages().count == 1)

        try? FileManager.default.removeItem(at: state)
        try FileManager.default.moveItem(at: aside, to: state)
        let again = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T10:00:00+08:00"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try smtp.messages().count == 1)
    }

    /// An empty (0-byte) or corrupt state file is an error naming the file: never a fresh start
    /// (the whole digest again), never "every source failed".
    ///
    /// The file is left as it was.
    @Test(arguments: [("empty", Data()), ("corrupt", Data(String(repeating: "not a database ", count: 400).utf8))])
    func brokenStateFileIsAnErrorNamingIt(kind: String, bytes: Data) throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: DeliveryFaultEndToEndTests.site)
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setUp(folder, http: http, smtpPort: smtp.port, subscribers: ["a@example.com"])
        let state = folder.file("state/state.sqlite")
        try FileManager.default.createDirectory(
            at: state.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: state)
        for command in [["send"], ["fetch"]] {
            let result = try newsletter(command + ["--config", config.path] + Self.now)
            #expect(result.status == 1, "\(kind) \(command): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains(state.path), "\(result.stderr)")
            #expect(!result.stderr.contains("every source failed"), "\(result.stderr)")
        }
        #expect(try smtp.messages().isEmpty)
        #expect(try Data(contentsOf: state) == bytes)
    }
}
