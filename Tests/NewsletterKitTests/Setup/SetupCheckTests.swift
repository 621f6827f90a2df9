import Foundation
import GRDB
import Testing

@testable import NewsletterKit

/// `newsletter check` against the real loopback SMTP (aiosmtpd) and HTTP servers: each failure kind
/// is reported as failed with its reason and fix, nothing is sent, and the state is not touched.
@Suite(.serialized)
struct SetupCheckTests {
    static let site = RepoPaths.resources.appendingPathComponent("site/2019-06-08")
    static let now = ISO8601DateFormatter().date(from: "2019-06-08T00:00:00Z") ?? Date()

    /// A config beside a subscriber list with one active address, for `smtp` lines and `sources`.
    static func setup(
        in folder: TemporaryFolder, sources: [(name: String, url: String)], smtp: [String], extra: [String] = []
    ) throws -> URL {
        let file = folder.file("newsletter.yml")
        var lines = [
            "title: 党建周报", "from: \"党建周报 <digest@news.example.com>\"", "timezone: Asia/Shanghai", "sources:",
        ]
        for source in sources { lines += ["  - name: \(source.name)", "    url: \(source.url)"] }
        lines += ["smtp:"] + smtp
        lines +=
            [
                "subscribers: subscribers.csv", "state: state/state.sqlite",
                "unsubscribe_url: https://news.example.com/u?t={{token}}", "unsubscribe_one_click: true",
            ] + extra
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        try Data("email,name,status,token,added\r\nreader@example.com,,active,t1,2019-05-01\r\n".utf8).write(
            to: folder.file("subscribers.csv"))
        return file
    }

    static func certificate(in folder: TemporaryFolder) throws -> (cert: String, key: String) {
        let certs = folder.file("certs")
        let made = try run(["/bin/sh", RepoPaths.support.appendingPathComponent("make_cert.sh").path, certs.path])
        try #require(made.status == 0, "\(made.stderr)")
        return (certs.appendingPathComponent("cert.pem").path, certs.appendingPathComponent("key.pem").path)
    }

    static func item(_ items: [SetupCheck.Item], _ name: String) throws -> SetupCheck.Item {
        try #require(items.first { $0.name == name }, "no \(name) in \(items.map(\.name))")
    }

    static func commands(_ server: SMTPTestServer) throws -> [String] {
        try server.events().filter { $0["event"] as? String == "command" }.compactMap {
            ($0["verb"] as? String)?.uppercased()
        }
    }

    /// "0 new" is blamed on future dates only when an article that has not gone out is dated ahead: one dated
    /// minutes ahead goes out at once, and a trial's check then said its articles were waiting.
    @Test(arguments: [(true, "already went out"), (false, "dated in the future")])
    func nothingNewIsBlamedOnFutureDatesOnlyWhenOneWaits(sent: Bool, reason: String) async throws {
        let folder = try TemporaryFolder()
        let config = try NewsletterConfig.load(
            from: Self.setup(
                in: folder, sources: [("博客", "https://blog.example.com/feed")],
                smtp: ["  url: smtp://127.0.0.1:2525", "  starttls: off"]))
        let source = try #require(config.sources.first)
        let database = try AppDatabase()
        let articles = [("old", -86_400.0), ("ahead", 900.0)].map { key, offset in
            StoredArticle(
                key: key, sourceName: source.name, url: "https://blog.example.com/\(key)", title: key,
                publishedAt: Self.now.addingTimeInterval(offset), category: nil, origin: nil, author: nil,
                bodyText: "", bodyHTML: "", fingerprint: key, firstSeenAt: Self.now, isExtracted: true,
                publishedDateOnly: false)
        }
        try await database.storeArticles(articles, source: source.name, fetchedAt: Self.now)
        let content = DigestContent(title: "t", subject: "s", issueDate: "d", items: [])
        let digest = try await database.freezeDigest(
            content, recipients: [], messageID: { "<a@example.com>" }, at: Self.now)
        let keys = sent ? ["old", "ahead"] : ["old"]
        try await database.writer.write { db in
            for (position, key) in keys.enumerated() {
                try DigestArticle(digestId: digest.id ?? 0, articleKey: key, position: position).insert(db)
            }
        }
        let diagnosis = await SetupCheck.diagnoseNothingNew(source, database: database, now: Self.now, config: config)
        #expect(diagnosis.contains(reason), "\(diagnosis)")
    }

    @Test func everythingRightPassesAndSendsNothing() async throws {
        let folder = try TemporaryFolder()
        let (cert, key) = try Self.certificate(in: folder)
        let smtp = try SMTPTestServer(
            folder: folder,
            extra: ["--tls-cert", cert, "--tls-key", key, "--require-starttls", "--auth", "digest@example.com:secret"])
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let config = try Self.setup(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")],
            smtp: [
                "  url: smtp://localhost:\(smtp.port)", "  username: digest@example.com",
                "  password_env: TEST_SMTP_PASSWORD", "  ca_file: \(cert)",
            ])
        let items = await SetupCheck(configFile: config, environment: ["TEST_SMTP_PASSWORD": "secret"]).run(
            now: Self.now)
        #expect(items.allSatisfy { $0.status == .ok }, "\(items)")
        let source = try Self.item(items, "source 党建政法")
        #expect(source.detail.contains("new for the next digest"), "\(source.detail)")
        // The commands by verb, never the AUTH exchange's lines (the base64 user name and password).
        let smtpDetail = try Self.item(items, "smtp").detail
        #expect(smtpDetail.contains("(EHLO, STARTTLS, EHLO, AUTH, NOOP"), "\(smtpDetail)")
        let credentials = Data("\0digest@example.com\0secret".utf8).base64EncodedString()
        for secret in [credentials, Data("secret".utf8).base64EncodedString(), "secret"] {
            #expect(!smtpDetail.uppercased().contains(secret.uppercased()), "\(smtpDetail)")
        }
        #expect(try Self.item(items, "subscribers").detail.contains("1 active"))
        // Up to AUTH and out again: no mail transaction.
        let commands = try Self.commands(smtp)
        #expect(commands == ["EHLO", "STARTTLS", "EHLO", "AUTH", "NOOP", "QUIT"], "\(commands)")
        #expect(try smtp.messages().isEmpty)
        // Fetched into a scratch copy: no state file was created.
        #expect(!FileManager.default.fileExists(atPath: folder.file("state/state.sqlite").path))
    }

    @Test func deadPortNoStartTLSAndRefusedLoginAreFailuresNamingServerUserAndSetting() async throws {
        let folder = try TemporaryFolder()
        let (cert, key) = try Self.certificate(in: folder)
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let sources = [("党建政法", "\(http.base)/djzf/index.html")]

        // A port nobody listens on (a server's, after it stopped).
        let gone = try SMTPTestServer(folder: folder)
        let deadPort = gone.port
        gone.server.stop()
        let dead = try Self.setup(in: folder, sources: sources, smtp: ["  url: smtp://127.0.0.1:\(deadPort)"])
        let deadItem = try Self.item(await SetupCheck(configFile: dead, environment: [:]).run(now: Self.now), "smtp")
        #expect(deadItem.status == .failed)
        #expect(deadItem.detail.contains("cannot reach the SMTP server smtp://127.0.0.1:\(deadPort)"), "\(deadItem)")
        #expect(deadItem.fix?.contains("smtp.url") == true)

        // STARTTLS required, but the server does not offer it: no AUTH is attempted.
        let stripping = try SMTPTestServer(
            folder: folder, extra: ["--auth", "digest@example.com:secret", "--no-starttls-advertised"])
        let noTLS = try Self.setup(
            in: folder, sources: sources,
            smtp: [
                "  url: smtp://127.0.0.1:\(stripping.port)", "  username: digest@example.com",
                "  password_env: TEST_SMTP_PASSWORD",
            ])
        let noTLSItem = try Self.item(
            await SetupCheck(configFile: noTLS, environment: ["TEST_SMTP_PASSWORD": "secret"]).run(now: Self.now),
            "smtp")
        #expect(noTLSItem.status == .failed)
        #expect(noTLSItem.detail.contains("does not offer STARTTLS"), "\(noTLSItem)")
        #expect(noTLSItem.fix?.contains("smtps://") == true && noTLSItem.fix?.contains("smtp.starttls") == true)
        #expect(try !Self.commands(stripping).contains("AUTH"))

        // A wrong password: the server, the user and the settings to look at.
        let strict = try SMTPTestServer(
            folder: folder,
            extra: ["--tls-cert", cert, "--tls-key", key, "--require-starttls", "--auth", "digest@example.com:secret"])
        let refused = try Self.setup(
            in: folder, sources: sources,
            smtp: [
                "  url: smtp://localhost:\(strict.port)", "  username: digest@example.com",
                "  password_env: TEST_SMTP_PASSWORD", "  ca_file: \(cert)",
            ])
        let refusedItem = try Self.item(
            await SetupCheck(configFile: refused, environment: ["TEST_SMTP_PASSWORD": "wrong"]).run(now: Self.now),
            "smtp")
        #expect(refusedItem.status == .failed)
        #expect(refusedItem.detail.contains("refused the login of user digest@example.com"), "\(refusedItem)")
        #expect(refusedItem.detail.contains("smtp://localhost:\(strict.port)"))
        #expect(refusedItem.detail.contains("535"), "\(refusedItem)")
        #expect(
            refusedItem.fix?.contains("smtp.password_env") == true && refusedItem.fix?.contains("smtp.username") == true
        )
        #expect(!refusedItem.detail.contains("wrong"))
        #expect(try strict.messages().isEmpty)

        // The password variable not set at all: said before anything is contacted.
        let unset = try Self.item(await SetupCheck(configFile: refused, environment: [:]).run(now: Self.now), "smtp")
        #expect(unset.status == .failed && unset.detail.contains("TEST_SMTP_PASSWORD is not set"))

        // No username: no login, so password_env is not read even when it names an unset variable (as send).
        let open = try SMTPTestServer(folder: folder)
        let anonymous = try Self.setup(
            in: folder, sources: sources,
            smtp: ["  url: smtp://127.0.0.1:\(open.port)", "  starttls: off", "  password_env: TEST_SMTP_PASSWORD"])
        let anonymousItem = try Self.item(
            await SetupCheck(configFile: anonymous, environment: [:]).run(now: Self.now), "smtp")
        #expect(anonymousItem.status == .ok, "\(anonymousItem)")
    }

    /// One-click asked for with an http link: the header is left out (RFC 8058 §3.1), and check says so
    /// instead of listing one-click as if it were sent.
    @Test func oneClickWithAnHTTPLinkIsSaidToBeLeftOut() throws {
        let folder = try TemporaryFolder()
        let file = try Self.setup(
            in: folder, sources: [("栏目", "http://127.0.0.1:9/")], smtp: ["  url: smtp://127.0.0.1:2525"])
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
            of: "https://news.example.com/u", with: "http://news.example.com/u")
        try Data(text.utf8).write(to: file)
        let item = SetupCheck(configFile: file).checkUnsubscribe(try NewsletterConfig.load(from: file))
        #expect(item.status == .warning)
        #expect(item.detail.contains("one-click header NOT sent: the link is not https"), "\(item)")
        #expect(!item.detail.contains("one-click (RFC 8058)"))
        #expect(item.fix?.contains("RFC 8058") == true)
    }

    /// A relay without AUTH: no `username`, so `password_env` (left in from the starter file) is
    /// not read and an unset variable is no failure.
    @Test func noUsernameMeansNoPasswordNeeded() throws {
        var settings = NewsletterConfig.SMTP(
            url: try #require(URL(string: "smtp://127.0.0.1:2525")), starttls: .off, username: nil,
            passwordEnvironmentVariable: "UNSET_SMTP_PASSWORD", caFile: nil, connections: 1, ratePerSecond: 0,
            timeoutSeconds: 5, retryDelays: [], giveUpAfterHours: 48)
        let config = URL(fileURLWithPath: "/srv/newsletter/newsletter.yml")
        let transport = try CurlSMTPTransport(
            settings: settings, heloDomain: "example.com", configFile: config, environment: [:])
        #expect(transport.password == nil && transport.username == nil)
        settings.username = "digest@example.com"
        #expect(throws: NewsletterError.self) {
            try CurlSMTPTransport(settings: settings, heloDomain: "example.com", configFile: config, environment: [:])
        }
    }

    @Test func missingPageAndEmptyListingAreFailuresNamingSourceAndURL() async throws {
        let folder = try TemporaryFolder()
        let pages = folder.file("pages")
        try FileManager.default.createDirectory(at: pages, withIntermediateDirectories: true)
        try Data("<html><head><title>栏目</title></head><body><p>暂无内容</p></body></html>".utf8).write(
            to: pages.appendingPathComponent("empty.html"))
        try Data(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>https://www.example.com/</link></channel></rss>"
                .utf8
        ).write(to: pages.appendingPathComponent("feed.xml"))
        let http = try HTTPTestServer(folder: folder, root: pages)
        let config = try Self.setup(
            in: folder,
            sources: [
                ("gone", "\(http.base)/missing/index.html"), ("empty", "\(http.base)/empty.html"),
                ("feed", "\(http.base)/feed.xml"),
            ],
            smtp: ["  url: smtp://127.0.0.1:1", "  starttls: off"])
        var check = SetupCheck(configFile: config, environment: [:])
        check.probeSMTP = false
        let items = await check.run(now: Self.now)
        let gone = try Self.item(items, "source gone")
        #expect(gone.status == .failed)
        #expect(gone.detail == "\(http.base)/missing/index.html: HTTP status 404", "\(gone)")
        #expect(gone.fix?.contains("sources[0].url") == true)
        let empty = try Self.item(items, "source empty")
        #expect(empty.status == .failed)
        #expect(empty.detail.contains("\(http.base)/empty.html: no article links"), "\(empty)")
        #expect(empty.fix?.contains("sources[1].url") == true)
        let feed = try Self.item(items, "source feed")
        #expect(feed.status == .warning && feed.detail.contains("no entries"), "\(feed)")
    }

    /// A source that works but has nothing new says why.
    @Test func nothingNewIsDiagnosed() async throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.site)
        let config = try Self.setup(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")],
            smtp: ["  url: smtp://127.0.0.1:1", "  starttls: off"], extra: ["lookback_days: 1"])
        var check = SetupCheck(configFile: config, environment: [:])
        check.probeSMTP = false
        // A year later, everything on the site is older than the window.
        let later = Self.now.addingTimeInterval(365 * 86_400)
        let item = try Self.item(await check.run(now: later), "source 党建政法")
        #expect(item.status == .warning)
        #expect(item.detail.contains("0 new"), "\(item)")
        #expect(item.detail.contains("before the lookback window of 1 days"), "\(item)")
    }

    @Test func brokenTemplateAndMissingUnsubscribeFailAndTheCommandExitsNonZero() throws {
        let folder = try TemporaryFolder()
        let config = try Self.setup(
            in: folder, sources: [("local", Self.site.appendingPathComponent("djzf/index.html").path)],
            smtp: ["  url: smtp://127.0.0.1:1", "  starttls: off"])
        try FileManager.default.createDirectory(at: folder.file("Templates"), withIntermediateDirectories: true)
        try Data("<html>\n{{#articles}}\n{{title}}\n</html>\n".utf8).write(
            to: folder.file("Templates/digest.html.mustache"))
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "unsubscribe_url: https://news.example.com/u?t={{token}}\n", with: "")
        try Data(text.utf8).write(to: config)
        let result = try newsletter(["check", "--config", config.path, "--now", "2019-06-08T08:00:00+08:00"])
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(
            result.stdout.contains("FAILED  templates: \(folder.file("Templates/digest.html.mustache").path):"),
            "\(result.stdout)")
        #expect(result.stdout.contains("FAILED  unsubscribe:"))
        #expect(result.stdout.contains("fix: "))
        #expect(result.stdout.contains("check(s) failed"))
    }
}
