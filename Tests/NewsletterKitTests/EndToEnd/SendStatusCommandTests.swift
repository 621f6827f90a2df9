import Foundation
import Testing

/// `send`'s exit statuses and output streams, `send --json`, the source-failure alert and
/// `newsletter status` (text and JSON), through the built executable with the loopback servers.
@Suite(.serialized)
struct SendStatusCommandTests {
    static func setup(in folder: TemporaryFolder, http: HTTPTestServer, smtpPort: Int, extra: [String] = [])
        throws -> URL
    {
        let file = try TestConfig.write(
            in: folder,
            sources: [("党建政法", "\(http.base)/djzf/index.html"), ("博客", "\(http.base)/missing/feed.xml")],
            smtpPort: smtpPort, smtp: ["  retry_delays: []"],
            // No alert_after_failed_runs: the default (2, case 30) raises the ALERT in the second week.
            extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"] + extra)
        try Data("email,name,token\r\nreader1@example.com,,t1\r\ngone@example.net,,t2\r\n".utf8).write(
            to: folder.file("subscribers.csv"))
        return file
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    /// The library's log lines come out as the command's own lines do.
    ///
    /// Here a notice about an empty feed: one stamped line on standard error, `LEVEL: MESSAGE (KEY: VALUE, …)`. A
    /// new-user trial saw them in swift-log's format beside ours (`…+0000 notice newsletter: source=…
    /// [NewsletterKit] …`), and some twice.
    @Test func libraryLogLinesHaveTheCommandsFormat() throws {
        let folder = try TemporaryFolder()
        let site = folder.url.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>空的博客</title><link>https://news.example.com/</link>
            <description>nothing yet</description></channel></rss>
            """.utf8
        ).write(to: site.appendingPathComponent("feed.xml"))
        let http = try HTTPTestServer(folder: folder, root: site)
        let config = try TestConfig.write(in: folder, sources: [("空的博客", "\(http.base)/feed.xml")])
        let fetch = try newsletter(["fetch", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(fetch.status == 0, "\(fetch.stdout)\n\(fetch.stderr)")
        let stamp = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /#
        let lines = Self.lines(fetch.stderr)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(stamp) }, "\(fetch.stderr)")
        let notice = "Z notice: the feed has no entries (source: 空的博客, url: \(http.base)/feed.xml)"
        #expect(lines.filter { $0.hasSuffix(notice) }.count == 1, "\(fetch.stderr)")
        #expect(!fetch.stderr.contains("[NewsletterKit]"), "\(fetch.stderr)")
    }

    @Test func exitCodesStreamsAlertAndStatus() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(
            folder: folder,
            faults: #"[{"rcpt": "gone@example.net", "phase": "rcpt", "code": 550, "message": "5.1.1 no such user"}]"#)
        let config = try Self.setup(in: folder, http: http, smtpPort: smtp.port)

        // Week 1: one source fails (404), one recipient refused: 3 wins over 2.
        let week1 = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(week1.status == 3, "\(week1.stdout)\n\(week1.stderr)")
        // Problems on standard error, progress on standard output, both stamped (not a terminal).
        let stamp = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /#
        #expect(Self.lines(week1.stdout).allSatisfy { $0.contains(stamp) }, "\(week1.stdout)")
        #expect(Self.lines(week1.stderr).allSatisfy { $0.contains(stamp) }, "\(week1.stderr)")
        #expect(week1.stderr.contains("source failed: 博客: \(http.base)/missing/feed.xml"))
        #expect(week1.stderr.contains("failed: gone@example.net"))
        #expect(!week1.stdout.contains("source failed") && !week1.stdout.contains("failed: gone"))
        // No live (rewritten) line when the output is not a terminal: stamped progress lines instead.
        #expect(!week1.stdout.contains("\r") && !week1.stdout.contains("\u{1B}["))
        #expect(week1.stdout.contains("Z delivering 2/2\n"), "\(week1.stdout)")
        #expect(week1.stdout.contains("delivered: 1 accepted, 1 failed permanently, 0 pending for the next run"))
        #expect(!week1.stderr.contains("ALERT"))

        // Week 2 with the same broken source, and --json: exit 2 (sent, but a source failed), second
        // failure in a row → ALERT.
        try http.serve(WeeklyDigestEndToEndTests.snapshot("2019-06-08"))
        try Data("email,name,token\r\nreader1@example.com,,t1\r\n".utf8).write(to: folder.file("subscribers.csv"))
        let week2 = try newsletter(["send", "--config", config.path, "--now", "2019-06-08T08:00:00+08:00", "--json"])
        #expect(week2.status == 2, "\(week2.stdout)\n\(week2.stderr)")
        #expect(
            week2.stderr.contains("ALERT: source 博客 has failed in 2 runs in a row (never worked)"), "\(week2.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(week2.stdout.utf8)) as? [String: Any], "\(week2.stdout)")
        #expect(summary["exit_status"] as? Int == 2)
        #expect(summary["accepted"] as? Int == 1)
        #expect(summary["sources_alerting"] as? [String] == ["博客"])
        #expect((summary["subject"] as? String)?.hasSuffix("2019-06-08") == true)

        // The same week again: nothing new; the source still fails → 2; --quiet prints nothing on stdout.
        let again = try newsletter(["send", "--config", config.path, "--now", "2019-06-08T09:00:00+08:00", "--quiet"])
        #expect(again.status == 2, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.contains("ALERT: source 博客 has failed in 3 runs in a row"))

        // status: text and JSON.
        let status = try newsletter(["status", "--config", config.path])
        #expect(status.status == 2, "\(status.stdout)\n\(status.stderr)")  // a source is alerting
        #expect(status.stdout.contains("1 accepted, 1 failed, 0 deferred, 0 pending"), "\(status.stdout)")
        #expect(status.stdout.contains("ALERT  博客: failed in the last 3 run(s), never worked"))
        #expect(status.stdout.contains("ok     党建政法: last worked 2019-06-08 09:00"))
        // The zone those times are in is said once, at the top (times are not UTC like the log's).
        #expect(status.stdout.hasPrefix("times in Asia/Shanghai (`timezone` in newsletter.yml)\n"), "\(status.stdout)")
        #expect(status.stdout.contains("gone@example.net  failed  550 "), "\(status.stdout)")
        #expect(status.stdout.contains("subscribers: 1 active, 0 pending, 0 unsubscribed, 0 bounced"))
        let json = try newsletter(["status", "--config", config.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let digests = try #require(object["digests"] as? [[String: Any]])
        #expect(digests.count == 2)
        #expect(digests.first?["accepted"] as? Int == 1 && digests.last?["failed"] as? Int == 1)
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect(sources.map { $0["consecutive_failures"] as? Int } == [0, 3])
        #expect(sources.map { $0["alert"] as? Bool } == [false, true])
        let failed = try #require(object["failed"] as? [[String: Any]])
        #expect(failed.map { $0["email"] as? String } == ["gone@example.net"])
        #expect(failed.first?["code"] as? Int == 550)
        #expect((failed.first?["reply"] as? String)?.contains("no such user") == true)
        #expect((object["subscribers"] as? [String: Int])?["active"] == 1)
    }

    /// The whole site down: the second `send` in a row says `ALERT` for each source (a new-user trial saw only
    /// "nothing sent: every source failed"), while `preview`, which marks nothing, never counts as a failed run
    /// (two previews during a short outage raised the alert).
    @Test func wholeSiteDownAlertsAndPreviewsCountNothing() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let file = try TestConfig.write(
            in: folder,
            sources: [("党建政法", "\(http.base)/gone/index.html"), ("博客", "\(http.base)/missing/feed.xml")],
            smtpPort: smtp.port, extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        try Data("email,name,token\r\nreader1@example.com,,t1\r\n".utf8).write(to: folder.file("subscribers.csv"))
        for minute in ["00", "10"] {
            let preview = try newsletter(
                [
                    "preview", "--config", file.path, "--now", "2019-06-01T07:\(minute):00+08:00", "--out",
                    folder.file("preview").path,
                ])
            #expect(preview.status == 1, "\(preview.stdout)\n\(preview.stderr)")
            #expect(preview.stderr.contains("every source failed") && !preview.stderr.contains("nothing sent"))
        }
        let status = try newsletter(["status", "--config", file.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let sources = (object["sources"] as? [[String: Any]]) ?? []
        #expect(sources.allSatisfy { ($0["consecutive_failures"] as? Int ?? 0) == 0 }, "\(status.stdout)")

        let week1 = try newsletter(["send", "--config", file.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(week1.status == 1, "\(week1.stdout)\n\(week1.stderr)")
        #expect(week1.stderr.contains("every source failed") && !week1.stderr.contains("ALERT"), "\(week1.stderr)")
        // Said once ("nothing sent: every source failed, nothing sent: …" before), and `preview` never says it.
        #expect(week1.stderr.components(separatedBy: "nothing sent").count == 2, "\(week1.stderr)")
        let week2 = try newsletter(["send", "--config", file.path, "--now", "2019-06-08T08:00:00+08:00"])
        #expect(week2.status == 1, "\(week2.stdout)\n\(week2.stderr)")
        #expect(week2.stderr.contains("ALERT: source 党建政法 has failed in 2 runs in a row"), "\(week2.stderr)")
        #expect(week2.stderr.contains("ALERT: source 博客 has failed in 2 runs in a row"), "\(week2.stderr)")
    }

    /// `fetch` gives the true reason for articles it holds back although they are dated inside the window (here
    /// beyond a first fetch's `first_run_max_items`; likewise duplicates of another source's article): not "outside
    /// the lookback window", what a new-user trial was told for them.
    @Test func fetchDoesNotCallHeldBackArticlesOld() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let file = try TestConfig.write(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")],
            extra: ["lookback_days: 30", "first_run_max_items: 1"])
        let fetch = try newsletter(["fetch", "--config", file.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(fetch.status == 0, "\(fetch.stdout)\n\(fetch.stderr)")
        #expect(fetch.stdout.contains("1 new for the next digest"), "\(fetch.stdout)")
        #expect(fetch.stdout.contains("inside the window held back as the same article"), "\(fetch.stdout)")
        #expect(!fetch.stdout.contains("outside the lookback window"), "\(fetch.stdout)")
    }

    /// A busy week trimmed to `html_budget_bytes`: `send --dry-run` says how many articles the message leaves
    /// out, and without `archive_url` warns that subscribers cannot reach them (a new-user trial's 150-article
    /// week silently became 66 articles and "另有 84 篇。").
    @Test func aTrimmedDigestWithoutArchiveURLIsWarned() throws {
        let folder = try TemporaryFolder()
        try ListingPaginationDepthTests.writeSite(in: folder.file("site"))
        let http = try HTTPTestServer(folder: folder, root: folder.file("site"))
        let smtp = try SMTPTestServer(folder: folder)
        let file = try TestConfig.write(
            in: folder, sources: [("通知公告", "\(http.base)/tzgg/index.html")], smtpPort: smtp.port,
            extra: [
                "unsubscribe_url: https://news.example.com/u?t={{token}}", "lookback_days: 40",
                "first_run_max_items: 50", "html_budget_bytes: 10000",
            ])
        try Data("email,name,token\r\nreader1@example.com,,t1\r\n".utf8).write(to: folder.file("subscribers.csv"))
        let now = "2026-10-12T08:00:00+08:00"
        let run = try newsletter(["send", "--dry-run", "--config", file.path, "--now", now])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(
            run.stdout.contains("of them not listed in the message (trimmed to html_budget_bytes)"), "\(run.stdout)")
        #expect(run.stderr.contains("WARNING: ") && run.stderr.contains("without archive_url"), "\(run.stderr)")
    }

    @Test func lockedAndUnreachableAndAllGood() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        // Unreachable SMTP: nothing sent, exit 1, the message names server and setting; the deliveries
        // are pending, and status says so.
        let gone = try SMTPTestServer(folder: folder)
        let deadPort = gone.port
        gone.server.stop()
        let file = try TestConfig.write(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")], smtpPort: deadPort,
            extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        try Data("email,name,token\r\nreader1@example.com,,t1\r\nreader2@example.com,,t2\r\n".utf8).write(
            to: folder.file("subscribers.csv"))
        let dead = try newsletter(["send", "--config", file.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(dead.status == 1, "\(dead.stdout)\n\(dead.stderr)")
        #expect(
            dead.stderr.contains("smtp://127.0.0.1:\(deadPort)") && dead.stderr.contains("smtp.url"), "\(dead.stderr)")
        #expect(dead.stdout.contains("2 pending for the next run"), "\(dead.stdout)")
        let status = try newsletter(["status", "--config", file.path])
        #expect(status.stdout.contains("0 accepted, 0 failed, 0 deferred, 2 pending"), "\(status.stdout)")
        #expect(status.stdout.contains("unfinished"))

        // A server again: the resumed digest goes out, and says so; exit 0.
        let smtp = try SMTPTestServer(folder: folder)
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "127.0.0.1:\(deadPort)", with: "127.0.0.1:\(smtp.port)")
        try Data(text.utf8).write(to: file)
        let resumed = try newsletter(["send", "--config", file.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        // Said once, on standard output, before its deliveries' progress (a new-user trial saw it only after them,
        // and a second time on standard error in swift-log's format).
        let resuming = try #require(
            resumed.stdout.range(of: "resuming digest 1 (\"党建周报 2019-06-01\"), left unfinished by an earlier run"),
            "\(resumed.stdout)")
        let delivering = try #require(resumed.stdout.range(of: "delivering "), "\(resumed.stdout)")
        #expect(resuming.lowerBound < delivering.lowerBound, "\(resumed.stdout)")
        #expect(!resumed.stderr.contains("resum"), "\(resumed.stderr)")
        #expect(
            resumed.stdout.contains("nothing new since the last digest: no new digest (only the resumed one above)"))
        #expect(resumed.stdout.contains("delivered: 2 accepted"))

        // Locked: 75 at once.
        let lockFile = folder.file("state/state.sqlite.lock")
        let descriptor = open(lockFile.path, O_RDWR | O_CREAT, 0o644)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        defer { close(descriptor) }
        let locked = try newsletter(["send", "--config", file.path, "--now", "2019-06-01T10:00:00+08:00"])
        #expect(locked.status == 75, "\(locked.stdout)\n\(locked.stderr)")
        #expect(locked.stderr.contains("another run holds the lock"))
    }

    /// On a terminal `send` draws a live line (sources fetched, then deliveries recorded) that each
    /// later line replaces, and no line is stamped.
    @Test func liveProgressLineOnATerminal() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setup(in: folder, http: http, smtpPort: smtp.port)
        let command = [
            try RepoPaths.executable.path, "send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00",
        ]
        // script(1) runs the command with a pseudo-terminal as its standard output and error.
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
        let result = try run(["/usr/bin/script", "-qfec", quoted, "/dev/null"], deadline: .seconds(120))
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")  // the feed source is missing
        let clear = "\r\u{1B}[K"
        #expect(result.stdout.contains(clear + "fetching 2/2"), "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains(clear + "delivering 2/2"), "\(result.stdout.debugDescription)")
        // The next line (here the failed source) replaces the live line; nothing is stamped.
        #expect(
            result.stdout.contains("delivering 2/2" + clear + "source failed: 博客"), "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains("\ndelivered: 2 accepted"), "\(result.stdout.debugDescription)")
        #expect(!result.stdout.contains(#/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /#))
    }
}
