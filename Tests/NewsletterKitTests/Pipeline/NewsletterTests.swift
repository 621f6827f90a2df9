import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import NewsletterKit

/// The pipeline in-process: fixture site through a folder-backed fetcher, messages to a recording transport.
struct NewsletterTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let week1 = Date(timeIntervalSince1970: 1_559_347_200)  // 2019-06-01T08:00:00+08:00
    static let week2 = Date(timeIntervalSince1970: 1_559_952_000)  // 2019-06-08T08:00:00+08:00

    static func snapshot(_ name: String) -> URL { RepoPaths.resources.appendingPathComponent("site/\(name)") }

    static func make(folder: TemporaryFolder, subscribers: Int = 3) throws -> (Newsletter, FolderFetcher) {
        let file = try TestConfig.write(
            in: folder, sources: [("党建政法", "http://site.example.com/djzf/index.html")],
            extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        let csv = "email\n" + (1...subscribers).map { "s\($0)@example.com\n" }.joined()
        try Data(csv.utf8).write(to: folder.file("subscribers.csv"))
        let config = try NewsletterConfig.load(from: file)
        let fetcher = FolderFetcher(root: snapshot("2019-06-01"))
        return (try Newsletter(config: config, fetcher: fetcher, logger: logger), fetcher)
    }

    @Test func selectsTheFixtureArticlesWeekByWeek() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, fetcher) = try Self.make(folder: folder)
        let transport = RecordingTransport()
        let first = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        #expect(first.articleCount == 1)
        #expect(transport.recipients.count == 3)
        fetcher.root.withLock { $0 = Self.snapshot("2019-06-08") }
        let before = fetcher.requests.withLock { $0.count }
        let fetched = await newsletter.fetchAll(now: Self.week2)
        #expect(fetched.newArticles.filter(\.isExtracted).count == 2)
        // The seed article's page changed (上一篇/下一篇) but is the same article: not fetched again. Page 2 is
        // read because page 1 still reaches into the late_days grace before the window (back-dated articles);
        // its older links are recorded as seen, not fetched.
        let week2Requests = fetcher.requests.withLock { Array($0[before...]) }
        #expect(
            week2Requests.sorted() == [
                "/djzf/2019/0603/1290.html", "/djzf/2019/0604/1293.html", "/djzf/index.html", "/djzf/index_2.html",
            ])
        let titles = try await newsletter.selectNew(now: Self.week2).map(\.title)
        #expect(titles == ["习近平接受俄罗斯主流媒体联合采访", "6月开始,全党上下开展“不忘初心、牢记使命”主题教育!"])
        let second = try await newsletter.send(now: Self.week2, dryRun: false, transport: transport)
        #expect(second.articleCount == 2)
        #expect(transport.recipients.count == 6)
        let third = try await newsletter.send(
            now: Self.week2.addingTimeInterval(3600), dryRun: false, transport: transport)
        #expect(third.nothingNew)
    }

    /// Whoever unsubscribes while a digest is being sent is not sent it after that.
    ///
    /// Serve's one-click POST rewrites the list. A new-user trial unsubscribed four people two seconds into a send,
    /// and all four got the digest seconds later, after the page had told them "no further issues". Their
    /// deliveries are settled as not sent (no attempt), the digest finishes, and nobody counts as a failure.
    @Test func unsubscribedDuringTheSendIsNotSentTheDigest() async throws {
        let folder = try TemporaryFolder()
        let file = try TestConfig.write(
            in: folder, sources: [("党建政法", "http://site.example.com/djzf/index.html")],
            smtp: ["  retry_delays: []", "  connections: 1"],
            extra: ["unsubscribe_url: https://news.example.com/u?t={{token}}"])
        let list = folder.file("subscribers.csv")
        try Data("email,status\ns1@example.com,active\ns2@example.com,active\ns3@example.com,active\n".utf8)
            .write(to: list)
        let config = try NewsletterConfig.load(from: file)
        var newsletter = try Newsletter(
            config: config, fetcher: FolderFetcher(root: Self.snapshot("2019-06-01")), logger: Self.logger)
        newsletter.listCheckInterval = .zero
        // While the first message goes out, s3 unsubscribes: the list is replaced as serve replaces it.
        let transport = RecordingTransport(atDelivery: { recipient in
            guard recipient == "s1@example.com" else { return }
            try? Data(
                "email,status\ns1@example.com,active\ns2@example.com,active\ns3@example.com,unsubscribed\n".utf8
            ).write(to: list, options: .atomic)
        })
        let report = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        #expect(transport.recipients == ["s1@example.com", "s2@example.com"])
        #expect(report.delivery.accepted == 2 && report.delivery.notSent == 1)
        #expect(report.delivery.permanentFailures == 0 && report.failedRecipients.isEmpty && report.pending == 0)
        let rows = try newsletter.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT email, status, attempts, reply FROM delivery ORDER BY email")
        }
        #expect(rows.map { $0[1] as String } == ["accepted", "accepted", "failed"])
        #expect(rows[2][2] as Int == 0)
        #expect((rows[2][3] as String).contains("unsubscribed while the digest was being sent"))
    }

    /// Someone who left between a stopped send and its resume is settled when their page is claimed, and the
    /// resumed send counts them as not sent (a new-user trial's resume said "0 failed" while `status` showed the
    /// settled delivery).
    @Test func leftBeforeTheResumeIsCountedAsNotSent() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, _) = try Self.make(folder: folder)
        let stopped = RecordingTransport(script: ["s1@example.com": [.fatal(reply: "connection refused")]])
        let first = try await newsletter.send(now: Self.week1, dryRun: false, transport: stopped)
        #expect(first.pending == 3)
        // A dry run now names the unfinished digest that a real send resumes first (a trial's dry run after a killed
        // send said only "nothing new", and the real send then delivered 1,900 messages).
        let dry = try await newsletter.send(now: Self.week1.addingTimeInterval(300), dryRun: true, transport: stopped)
        #expect(dry.unfinishedDigests.map(\.id) == [first.digestID].compactMap { $0 })
        #expect(dry.unfinishedDigests.map(\.subject) == [first.subject].compactMap { $0 })
        try Data("email,status\ns1@example.com,active\ns2@example.com,unsubscribed\ns3@example.com,active\n".utf8)
            .write(to: folder.file("subscribers.csv"), options: .atomic)
        let healthy = RecordingTransport()
        let resumed = try await newsletter.send(
            now: Self.week1.addingTimeInterval(600), dryRun: false, transport: healthy)
        #expect(healthy.recipients.sorted() == ["s1@example.com", "s3@example.com"])
        #expect(resumed.delivery.accepted == 2 && resumed.delivery.notSent == 1 && resumed.pending == 0)
        #expect(resumed.delivery.permanentFailures == 0 && resumed.failedRecipients.isEmpty)
        // `status` agrees with `send` (a new-user trial saw "1 failed" there).
        let (digests, failed) = try await newsletter.database.statusOverview(limit: 1)
        #expect(digests.map(\.failed) == [0] && digests.map(\.notSent) == [1] && digests.map(\.accepted) == [2])
        #expect(failed.isEmpty, "\(failed)")
    }

    /// A second issue on the same day gets its own Subject (` (2)`), so that mail programs do not thread it under
    /// the first (a new-user trial got two issues called 党建周报 2019-06-01).
    @Test func secondIssueOfADayHasItsOwnSubject() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, fetcher) = try Self.make(folder: folder)
        let transport = RecordingTransport()
        let first = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        #expect(first.subject == "党建周报 2019-06-01")
        fetcher.root.withLock { $0 = Self.snapshot("2019-06-08") }
        let later = Self.week1.addingTimeInterval(2 * 3600)
        let dryRun = try await newsletter.send(now: later, dryRun: true, transport: transport)
        #expect(dryRun.subject == "党建周报 2019-06-01 (2)")
        let second = try await newsletter.send(now: later, dryRun: false, transport: transport)
        #expect(second.subject == "党建周报 2019-06-01 (2)")
        let subjects = try transport.sent.withLock { $0.map(\.bytes) }.map {
            try PythonEmail.parse($0).headers["Subject"]
        }
        #expect(Set(subjects) == [["党建周报 2019-06-01"], ["党建周报 2019-06-01 (2)"]])
    }

    /// Case 10: nothing new opens no SMTP session; every source failing sends nothing, changes nothing
    /// and is an error.
    @Test func nothingNewAndAllSourcesFailed() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, fetcher) = try Self.make(folder: folder)
        let transport = RecordingTransport()
        _ = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        let sessions = transport.sessions.withLock { $0 }
        let again = try await newsletter.send(
            now: Self.week1.addingTimeInterval(60), dryRun: false, transport: transport)
        #expect(again.nothingNew)
        #expect(transport.sessions.withLock { $0 } == sessions)

        fetcher.root.withLock { $0 = Self.snapshot("2019-06-08") }
        fetcher.failures.withLock { $0 = ["/djzf/index.html"] }
        let stateBefore = try Data(contentsOf: folder.file("state/state.sqlite"))
        await #expect(throws: NewsletterError.self) {
            _ = try await newsletter.send(now: Self.week2, dryRun: false, transport: transport)
        }
        #expect(transport.recipients.count == 3)
        #expect(try Data(contentsOf: folder.file("state/state.sqlite")) == stateBefore)
        // The failed week's articles come the next time the source works.
        fetcher.failures.withLock { $0 = [] }
        let recovered = try await newsletter.send(
            now: Self.week2.addingTimeInterval(3600), dryRun: false, transport: transport)
        #expect(recovered.articleCount == 2)
    }

    /// Case 26: a run stopped after two acceptances is resumed with the same frozen digest; the
    /// others get it exactly once, the first two not again.
    @Test func resumeSendsOnlyToTheRestWithTheFrozenContent() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, fetcher) = try Self.make(folder: folder, subscribers: 5)
        let failing = RecordingTransport(script: ["s3@example.com": [.fatal(reply: "process died")]])
        let sequential = try Newsletter(
            config: {
                var c = newsletter.config
                c.smtp?.connections = 1
                return c
            }(), fetcher: fetcher, database: newsletter.database, logger: Self.logger)
        let first = try await sequential.send(now: Self.week1, dryRun: false, transport: failing)
        #expect(first.delivery.fatalError == "process died")
        #expect(failing.recipients == ["s1@example.com", "s2@example.com"])
        // The site moves on before the rerun; the resumed digest must not change.
        fetcher.root.withLock { $0 = Self.snapshot("2019-06-08") }
        let healthy = RecordingTransport()
        let rerun = try await sequential.send(
            now: Self.week1.addingTimeInterval(600), dryRun: false, transport: healthy)
        #expect(rerun.resumedDigests == [first.digestID!])
        let resumedSubjects = healthy.sent.withLock { $0 }.prefix(3).map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(healthy.recipients.prefix(3).sorted() == ["s3@example.com", "s4@example.com", "s5@example.com"])
        for text in resumedSubjects {
            #expect(text.contains("1287.html"))
            #expect(!text.contains("1290.html"))
        }
        let deliveries = try await newsletter.database.deliveries(digestID: first.digestID!)
        #expect(deliveries.allSatisfy { $0.status == .accepted })
        #expect(deliveries.count == 5)
    }

    @Test func permanentFailureIsRecordedAndNotRetried() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, _) = try Self.make(folder: folder)
        let transport = RecordingTransport(script: [
            "s2@example.com": [.permanentFailure(code: 550, reply: "550 5.1.1 no such user")]
        ])
        let report = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        #expect(report.failedRecipients == ["s2@example.com"])
        #expect(report.delivery.permanentFailures == 1)
        let delivery = try await newsletter.database.delivery(digestID: report.digestID!, email: "s2@example.com")
        #expect(delivery?.status == .failed)
        #expect(delivery?.replyCode == 550)
        #expect(delivery?.reply == "550 5.1.1 no such user")
        let again = try await newsletter.send(
            now: Self.week1.addingTimeInterval(60), dryRun: false, transport: transport)
        #expect(again.nothingNew)
        #expect(transport.recipients.sorted() == ["s1@example.com", "s3@example.com"])
    }

    @Test func dryRunRecordsNothing() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, _) = try Self.make(folder: folder)
        let transport = RecordingTransport()
        let dry = try await newsletter.send(now: Self.week1, dryRun: true, transport: transport)
        #expect(dry.articleCount == 1)
        #expect(transport.sessions.withLock { $0 } == 0)
        let real = try await newsletter.send(now: Self.week1, dryRun: false, transport: transport)
        #expect(real.articleCount == 1)
    }

    /// Case 27: a second run while the lock is held fails at once with a distinct error.
    @Test func secondRunIsRefusedWhileTheLockIsHeld() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, _) = try Self.make(folder: folder)
        let held = try RunLock(path: newsletter.config.stateFile.path + ".lock")
        let error = await #expect(throws: RunLockError.self) {
            _ = try await newsletter.send(now: Self.week1, dryRun: false, transport: RecordingTransport())
        }
        #expect(error?.isHeld == true)
        withExtendedLifetime(held) {}
    }
}

extension NewsletterTests {
    /// Case 23: an address whose last three digests all failed with 5xx is disabled (status bounced).
    @Test func repeatedPermanentFailuresDisableTheAddress() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, _) = try Self.make(folder: folder)
        try await newsletter.database.writer.write { db in
            for id in 1...3 {
                try db.execute(
                    sql:
                        "INSERT INTO digest (id, createdAt, subject, contentJSON, status) VALUES (?, ?, 's', '{}', 'sent')",
                    arguments: [id, Self.week1])
                try db.execute(
                    sql: """
                        INSERT INTO delivery (digestId, email, status, attempts, replyCode, reply, messageID, updatedAt)
                        VALUES (?, 's2@example.com', 'failed', 1, 550, '550 no such user', '<m\\(id)@example.com>', ?),
                               (?, 's3@example.com', ?, 1, ?, 'x', '<n\\(id)@example.com>', ?)
                        """,
                    arguments: [id, Self.week1, id, id == 3 ? "accepted" : "failed", id == 3 ? 250 : 550, Self.week1])
            }
        }
        let disabled = try await newsletter.disableBouncing(["s2@example.com", "s3@example.com"])
        #expect(disabled == ["s2@example.com"])
        let list = try SubscriberList.load(from: newsletter.config.subscribersFile, tokens: nil)
        #expect(list.subscribers.first { $0.email == "s2@example.com" }?.status == .bounced)
        #expect(list.active.map(\.email) == ["s1@example.com", "s3@example.com"])
    }
}

extension NewsletterTests {
    @Test func noActiveSubscribersSendsAndMarksNothing() async throws {
        let folder = try TemporaryFolder()
        let (newsletter, _) = try Self.make(folder: folder)
        try Data("email,status\ns1@example.com,unsubscribed\n".utf8).write(to: folder.file("subscribers.csv"))
        await #expect(throws: NewsletterError.self) {
            _ = try await newsletter.send(now: Self.week1, dryRun: false, transport: RecordingTransport())
        }
        #expect(try await newsletter.selectNew(now: Self.week1).count == 1)
    }
}

extension NewsletterTests {
    /// Listing pagination is followed while the page still reaches into the lookback window and its `late_days`
    /// grace (on a source's first fetch too, so that the back catalogue later runs read is recorded as seen now), and
    /// entries older than the window are recorded as seen without fetching their pages.
    @Test(arguments: [(7, false), (30, true)])
    func paginationStopsAtTheLookbackWindow(lookbackDays: Int, fetchesPageTwosArticle: Bool) async throws {
        let folder = try TemporaryFolder()
        let (made, fetcher) = try Self.make(folder: folder)
        var config = made.config
        config.lookbackDays = lookbackDays
        let newsletter = try Newsletter(config: config, fetcher: fetcher, database: made.database, logger: Self.logger)
        _ = await newsletter.fetchAll(now: Self.week1)
        let requests = fetcher.requests.withLock { $0 }
        // Page 1 ends 2019-05-20, inside both windows' grace.
        #expect(requests.contains("/djzf/index_2.html"))
        // 1250 (2019-04-28, on page 2) is older than both windows: never fetched.
        #expect(!requests.contains("/djzf/2019/0428/1250.html"))
        #expect(requests.contains("/djzf/2019/0520/1275.html") == fetchesPageTwosArticle)
        let stored = try await newsletter.database.allArticles().map(\.url)
        #expect(stored.contains { $0.hasSuffix("/djzf/2019/0428/1250.html") }, "page 2 recorded as seen")
    }
}
