import Foundation
import Testing

@testable import NewsletterKit
@testable import NewsletterServer

/// `newsletter serve` through the built executable on a free 127.0.0.1 port: RFC 8058 one-click
/// POSTs with curl, the page in headless Chromium, forged tokens, and clicks racing a `send`.
@Suite(.serialized)
struct SubscriptionServerTests {
    /// Case 20's two subscribers.
    static let twoSubscribers =
        "email,name,status,token,added\r\na@example.com,读者甲,active,9f8e7d6c,\r\nb@example.com,,active,1a2b3c4d,\r\n"

    static func setUp(
        _ folder: TemporaryFolder, csv: String = twoSubscribers,
        unsubscribeURL: String = "https://news.example.com/u?l=weekly&t={{token}}", smtpPort: Int = 1,
        sources: [(name: String, url: String)] = [("党建政法", "http://127.0.0.1:1/none.html")]
    ) throws -> URL {
        try Data(csv.utf8).write(to: folder.file("subscribers.csv"))
        return try TestConfig.write(
            in: folder, sources: sources, smtpPort: smtpPort,
            smtp: ["  connections: 2", "  rate_per_second: 0", "  retry_delays: []"],
            extra: ["unsubscribe_url: \"\(unsubscribeURL)\"", "unsubscribe_mailto: unsubscribe@news.example.com"])
    }

    static func statuses(_ folder: TemporaryFolder) throws -> [String: Subscriber.Status] {
        let list = try SubscriberList.load(from: folder.file("subscribers.csv"), tokens: nil)
        #expect(list.problems.isEmpty, "the list no longer parses cleanly: \(list.problems)")
        return Dictionary(list.subscribers.map { ($0.email, $0.status) }, uniquingKeysWith: { first, _ in first })
    }

    static func csvBytes(_ folder: TemporaryFolder) throws -> Data {
        try Data(contentsOf: folder.file("subscribers.csv"))
    }

    /// Case 20: the RFC 8058 POST (and an empty-body POST) unsubscribes at once with 200, no
    /// redirect and no form; the other subscriber stays.
    @Test(arguments: ["List-Unsubscribe=One-Click", ""])
    func oneClickPostUnsubscribesAtOnce(body: String) throws {
        let folder = try TemporaryFolder()
        let server = try ServeProcess(config: try Self.setUp(folder), folder: folder)
        let answer = try CurlExchange.perform("POST", "\(server.base)/u?l=weekly&t=9f8e7d6c", body: body)
        #expect(answer.status == 200, "\(answer.headers)\(answer.body)")
        #expect(answer.location.isEmpty)
        #expect(!answer.body.contains("<form"))
        #expect(answer.body.contains("已退订") && answer.body.contains("unsubscribed"))
        #expect(try Self.statuses(folder) == ["a@example.com": .unsubscribed, "b@example.com": .active])
        // A second click (mail providers retry) is still 200 and changes nothing more.
        let again = try CurlExchange.perform("POST", "\(server.base)/u?l=weekly&t=9f8e7d6c", body: body)
        #expect(again.status == 200)
        #expect(try Self.statuses(folder) == ["a@example.com": .unsubscribed, "b@example.com": .active])
    }

    /// While the list file is missing (moved away for editing), a genuine link gets 503 and the log names the
    /// file, instead of "unknown or invalid unsubscribe link" and a lost unsubscribe (a new-user trial); once the
    /// file is back, the same POST unsubscribes.
    @Test func missingListIsUnavailableNotAnInvalidLink() throws {
        let folder = try TemporaryFolder()
        let server = try ServeProcess(config: try Self.setUp(folder), folder: folder)
        let list = folder.file("subscribers.csv")
        let aside = folder.file("subscribers.csv.editing")
        // Once read with the file there (the cached index knows the token), once never read.
        let first = try CurlExchange.perform("GET", "\(server.base)/u?l=weekly&t=1a2b3c4d")
        #expect(first.status == 200)
        try FileManager.default.moveItem(at: list, to: aside)
        for (method, token) in [("POST", "9f8e7d6c"), ("POST", "1a2b3c4d"), ("GET", "9f8e7d6c")] {
            let answer = try CurlExchange.perform(
                method, "\(server.base)/u?l=weekly&t=\(token)",
                body: method == "POST" ? "List-Unsubscribe=One-Click" : nil)
            #expect(answer.status == 503, "\(method) \(token): \(answer.status) \(answer.body)")
        }
        #expect(!FileManager.default.fileExists(atPath: list.path), "a request started a new list")
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(log.contains("no such subscriber list") && log.contains(list.path), "\(log)")
        try FileManager.default.moveItem(at: aside, to: list)
        let back = try CurlExchange.perform(
            "POST", "\(server.base)/u?l=weekly&t=9f8e7d6c", body: "List-Unsubscribe=One-Click")
        #expect(back.status == 200)
        #expect(try Self.statuses(folder) == ["a@example.com": .unsubscribed, "b@example.com": .active])
    }

    /// GETs (mail scanners, link previews, HEAD) show the page and never unsubscribe: the file
    /// stays byte-identical.
    @Test func getNeverUnsubscribes() throws {
        let folder = try TemporaryFolder()
        let server = try ServeProcess(config: try Self.setUp(folder), folder: folder)
        let before = try Self.csvBytes(folder)
        for _ in 0..<3 {
            let page = try CurlExchange.perform("GET", "\(server.base)/u?l=weekly&t=9f8e7d6c")
            #expect(page.status == 200)
            #expect(page.body.contains("退订《党建周报》") && page.body.contains("Unsubscribe"))
            #expect(page.body.contains("a@example.com"))
            #expect(page.body.contains(#"<form method="post" action="/u?l=weekly&amp;t=9f8e7d6c">"#))
            #expect(page.headers.lowercased().contains("cache-control: no-store"))
            #expect(page.headers.lowercased().contains("referrer-policy: no-referrer"))
        }
        // HEAD (link checkers): the page's status and headers, no page, nothing changed; it was a 404 "not found".
        let head = try CurlExchange.perform("HEAD", "\(server.base)/u?l=weekly&t=9f8e7d6c", extra: ["-I"])
        #expect(head.status == 200, "\(head.headers)")
        #expect(head.headers.lowercased().contains("content-type: text/html"), "\(head.headers)")
        #expect(head.headers.lowercased().contains("cache-control: no-store"), "\(head.headers)")
        #expect(!head.body.contains("<form"))
        let unknown = try CurlExchange.perform("HEAD", "\(server.base)/u?l=weekly&t=00000000", extra: ["-I"])
        #expect(unknown.status == 404)
        #expect(try Self.csvBytes(folder) == before)
    }

    /// Forged, unknown, empty and oversized requests: a plain refusal, and nothing changes.
    @Test func forgedTokensChangeNothing() throws {
        let folder = try TemporaryFolder()
        let server = try ServeProcess(config: try Self.setUp(folder), folder: folder)
        let before = try Self.csvBytes(folder)
        let forged = [
            "9f8e7d6d", "9F8E7D6C", "9f8e7d6", "9f8e7d6c0", "", "%00", "9f8e7d6c%20",
            String(repeating: "a", count: 300),
            "a%40example.com",
        ]
        for token in forged {
            let post = try CurlExchange.perform(
                "POST", "\(server.base)/u?l=weekly&t=\(token)", body: "List-Unsubscribe=One-Click")
            #expect(post.status == 404, "token '\(token)': \(post.status)")
            #expect(post.location.isEmpty)
            let get = try CurlExchange.perform("GET", "\(server.base)/u?l=weekly&t=\(token)")
            #expect(get.status == 404)
            #expect(get.body.contains("链接无效") && get.body.contains("not valid"))
            #expect(!get.body.contains("<form"))
        }
        // No token at all, another path, an oversized body.
        #expect(try CurlExchange.perform("POST", "\(server.base)/u?l=weekly", body: "").status == 404)
        #expect(try CurlExchange.perform("POST", "\(server.base)/unsubscribe?t=9f8e7d6c", body: "").status == 404)
        let big = try CurlExchange.perform(
            "POST", "\(server.base)/u?l=weekly&t=9f8e7d6c", body: String(repeating: "x", count: 100_000))
        #expect(big.status == 413)
        #expect(try Self.csvBytes(folder) == before)
    }

    /// A token in a path segment (`/unsubscribe/{{token}}`) is routed the same way.
    @Test func tokenInThePath() throws {
        let folder = try TemporaryFolder()
        let config = try Self.setUp(folder, unsubscribeURL: "https://news.example.com/news/unsubscribe/{{token}}")
        let server = try ServeProcess(config: config, folder: folder)
        #expect(try CurlExchange.perform("GET", "\(server.base)/news/unsubscribe/1a2b3c4d").status == 200)
        #expect(try CurlExchange.perform("POST", "\(server.base)/news/unsubscribe/1a2b3c4e", body: "").status == 404)
        #expect(try Self.statuses(folder)["b@example.com"] == .active)
        let post = try CurlExchange.perform(
            "POST", "\(server.base)/news/unsubscribe/1a2b3c4d", body: "List-Unsubscribe=One-Click")
        #expect(post.status == 200)
        #expect(try Self.statuses(folder) == ["a@example.com": .active, "b@example.com": .unsubscribed])
    }

    /// A subscriber added by the CLI while the server runs is found at once (the cached index
    /// follows the file), and a row edited by hand to `unsubscribed` shows the done page.
    @Test func listChangesAreSeenWithoutRestart() throws {
        let folder = try TemporaryFolder()
        let config = try Self.setUp(folder)
        let server = try ServeProcess(config: config, folder: folder)
        #expect(try CurlExchange.perform("GET", "\(server.base)/u?t=c0ffee00").status == 404)
        try Data((Self.twoSubscribers + "c@example.com,,active,c0ffee00,\r\n").utf8).write(
            to: folder.file("subscribers.csv"))
        #expect(try CurlExchange.perform("GET", "\(server.base)/u?t=c0ffee00").status == 200)
        #expect(try CurlExchange.perform("POST", "\(server.base)/u?t=c0ffee00", body: "").status == 200)
        #expect(try Self.statuses(folder)["c@example.com"] == .unsubscribed)
        let done = try CurlExchange.perform("GET", "\(server.base)/u?t=c0ffee00")
        #expect(done.status == 200 && done.body.contains("已退订") && !done.body.contains("<form"))
    }

    /// Fifty simultaneous one-click POSTs and CLI edits while `send` is delivering: every click is
    /// kept, every CLI edit is kept, the send finishes normally, and the list parses afterwards.
    @Test func fiftyConcurrentClicksDuringSendLoseNothing() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(
            folder: folder, root: RepoPaths.resources.appendingPathComponent("site/2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder, faults: #"[{"delay_seconds": 0.05}]"#)
        let subscribers = (0..<80).map {
            (email: "reader\($0)@example.com", token: String(format: "%016x", 0xabc000 + $0))
        }
        var csv = "email,name,status,token,added\r\n"
        for subscriber in subscribers { csv += "\(subscriber.email),,active,\(subscriber.token),\r\n" }
        let config = try Self.setUp(
            folder, csv: csv, smtpPort: smtp.port, sources: [("党建政法", "\(http.base)/djzf/index.html")])
        let server = try ServeProcess(config: config, folder: folder)

        let sendLog = folder.file("send.log")
        _ = FileManager.default.createFile(atPath: sendLog.path, contents: nil)
        let send = try launchNewsletter(
            ["send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"],
            output: try FileHandle(forWritingTo: sendLog))
        // Wait (with a deadline) until the send is delivering.
        let end = ContinuousClock.now.advanced(by: .seconds(60))
        while try smtp.messages().isEmpty, send.isRunning, ContinuousClock.now < end { usleep(10_000) }
        let early = (try? String(contentsOf: sendLog, encoding: .utf8)) ?? ""
        #expect(send.isRunning, "send finished before the clicks: \(early)")

        let clicked = Array(subscribers.suffix(50))
        var clicks: [(Process, URL)] = []
        for subscriber in clicked {
            let out = folder.file("click-\(subscriber.token)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", "-X", "POST", "-H",
                "Content-Type: application/x-www-form-urlencoded", "--data", "List-Unsubscribe=One-Click",
                "\(server.base)/u?l=weekly&t=\(subscriber.token)",
            ]
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            clicks.append((process, out))
        }
        let added = (0..<5).map { "new\($0)@example.org" }
        for (process, _) in clicks { try process.run() }
        let adds = try added.map {
            try launchNewsletter(["subscribers", "add", $0, "--config", config.path])
        }
        for (process, _) in clicks { process.waitUntilExit() }
        for process in adds { process.waitUntilExit() }
        let codes = try clicks.map { try String(contentsOf: $0.1, encoding: .utf8) }
        #expect(codes == Array(repeating: "200", count: 50))
        #expect(adds.allSatisfy { $0.terminationStatus == 0 })

        let sendEnd = ContinuousClock.now.advanced(by: .seconds(120))
        while send.isRunning, ContinuousClock.now < sendEnd { usleep(20_000) }
        if send.isRunning { kill(send.processIdentifier, SIGKILL) }
        send.waitUntilExit()
        let sendOutput = try String(contentsOf: sendLog, encoding: .utf8)
        #expect(send.terminationStatus == 0, "\(sendOutput)")

        let statuses = try Self.statuses(folder)
        #expect(statuses.count == 85)
        for subscriber in clicked { #expect(statuses[subscriber.email] == .unsubscribed, "\(subscriber.email)") }
        for subscriber in subscribers.prefix(30) { #expect(statuses[subscriber.email] == .active) }
        for email in added { #expect(statuses[email] == .active) }
        // Nobody got the digest twice.
        let received = try smtp.acceptedRecipients()
        #expect(Set(received).count == received.count)
        #expect(Set(subscribers.prefix(30).map(\.email)).isSubset(of: Set(received)))
    }

    /// The page in a real browser: opening the link changes nothing; pressing its one button
    /// unsubscribes and shows the Chinese and English confirmation.
    @Test(.enabled(if: Browser.isAvailable || Browser.isCI, "chromium, chromium-driver or selenium missing"))
    func readerPressesTheButtonInChromium() throws {
        let folder = try TemporaryFolder()
        let server = try ServeProcess(config: try Self.setUp(folder), folder: folder)
        let link = "\(server.base)/u?l=weekly&t=9f8e7d6c"
        let opened = try Browser.drive(["open", link])
        #expect(opened.before.heading == "退订《党建周报》")
        #expect(opened.before.text.contains("Press the button below"))
        #expect(opened.forms == ["post"])
        #expect(opened.buttons == ["确认退订 · Unsubscribe"])
        #expect(try Self.statuses(folder)["a@example.com"] == .active)

        let pressed = try Browser.drive(["unsubscribe", link])
        #expect(pressed.after?.heading == "已退订")
        #expect(pressed.after?.text.contains("has been unsubscribed") == true)
        #expect(pressed.after?.url == link)
        #expect(try Self.statuses(folder) == ["a@example.com": .unsubscribed, "b@example.com": .active])
    }

    @Test func repositoryTemplatesEqualTheBuiltInPages() throws {
        for (file, builtIn) in [
            ("unsubscribe.html.mustache", ServerTemplates.unsubscribe),
            ("subscribe.html.mustache", ServerTemplates.subscribe),
            ("confirm-subscription.txt.mustache", ServerTemplates.confirmationText),
        ] {
            let text = try String(
                contentsOf: RepoPaths.root.appendingPathComponent("Templates/\(file)"), encoding: .utf8)
            #expect(text == builtIn, "\(file) differs from ServerTemplates: run scripts/update-default-templates.py")
        }
    }
}

/// Which path and parameter `serve` answers, from `unsubscribe_url`.
struct UnsubscribeRouteTests {
    @Test(arguments: [
        ("https://news.example.com/u?l=weekly&t={{token}}", "/u", UnsubscribeRoute.TokenPlace.query("t"), "/"),
        ("https://news.example.com/news/u?t={{token}}&l=weekly", "/news/u", .query("t"), "/news/"),
        ("https://news.example.com/unsubscribe/{{token}}", "/unsubscribe/:token", .pathSegment, "/"),
        ("https://news.example.com/news/unsubscribe/{{token}}", "/news/unsubscribe/:token", .pathSegment, "/news/"),
        ("https://news.example.com/{{token}}/leave", "/:token/leave", .pathSegment, "/"),
        ("http://127.0.0.1:8058/u?token={{token}}", "/u", .query("token"), "/"),
    ])
    func routeFollowsTheConfiguredURL(url: String, path: String, place: UnsubscribeRoute.TokenPlace, base: String)
        throws
    {
        let route = try UnsubscribeRoute(unsubscribeURL: url)
        #expect(route.routePath == path)
        #expect(route.tokenPlace == place)
        #expect(route.basePath == base)
    }

    @Test(arguments: [
        "mailto:unsubscribe@news.example.com?subject={{token}}", "https://news.example.com/u?t=x{{token}}",
        "https://news.example.com/u-{{token}}", "not a url {{token}}",
    ])
    func unusableURLsAreRefusedByName(url: String) {
        #expect(throws: ServerError.self) { try UnsubscribeRoute(unsubscribeURL: url) }
    }

    @Test func formActionIsRelativeAndEncoded() throws {
        let route = try UnsubscribeRoute(unsubscribeURL: "https://news.example.com/u?l=weekly&t={{token}}")
        #expect(route.relativeLink(token: "9f8e7d6c") == "/u?l=weekly&t=9f8e7d6c")
        #expect(route.relativeLink(token: "a/b?c") == "/u?l=weekly&t=a%2Fb%3Fc")
    }
}
