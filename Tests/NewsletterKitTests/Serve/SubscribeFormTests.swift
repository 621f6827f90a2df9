import Foundation
import Testing

@testable import NewsletterKit
@testable import NewsletterServer

/// The subscribe form and double opt-in of `newsletter serve`: the built executable on a free 127.0.0.1
/// port, the confirmation mail through aiosmtpd on 127.0.0.1, the pages with curl and in headless Chromium,
/// and `send` afterwards.
@Suite(.serialized)
struct SubscribeFormTests {
    /// A list with one active reader; `send` is pointed at `sources` when a test sends.
    static func setUp(
        _ folder: TemporaryFolder, smtp: SMTPTestServer, csv: String = SubscriptionServerTests.twoSubscribers,
        sources: [(name: String, url: String)] = [("党建政法", "http://127.0.0.1:1/none.html")]
    ) throws -> URL {
        try SubscriptionServerTests.setUp(folder, csv: csv, smtpPort: smtp.port, sources: sources)
    }

    /// The confirmation mails the SMTP server accepted for `email`, parsed by Python's `email` package.
    static func confirmationMails(_ smtp: SMTPTestServer, to email: String) throws -> [PythonEmail.Parsed] {
        try smtp.messages().map { try PythonEmail.parse(Array(try Data(contentsOf: $0))) }
            .filter { ($0.headers["To"] ?? []).contains { $0.lowercased().contains(email.lowercased()) } }
            .filter { ($0.headers["Subject"] ?? []).contains { $0.contains("请确认订阅") } }
    }

    /// The confirmation link in the last confirmation mail to `email`, as a path on the test server.
    static func confirmationPath(_ smtp: SMTPTestServer, to email: String) throws -> String? {
        guard let mail = try confirmationMails(smtp, to: email).last,
            let text = mail.parts.first(where: { $0.contentType == "text/plain" })?.content,
            let link = text.split(whereSeparator: \.isNewline).map(String.init).first(where: {
                $0.contains("/confirm?t=")
            })
        else { return nil }
        #expect(link.hasPrefix("https://news.example.com/confirm?t="), "\(link)")
        return String(link.trimmingCharacters(in: .whitespaces).dropFirst("https://news.example.com".count))
    }

    static func form(_ email: String, name: String = "") -> String {
        let allowed = CharacterSet.alphanumerics
        return "email=" + (email.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "&name="
            + (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }

    /// The form adds the address as `pending` and mails a confirmation link through the configured SMTP
    /// server; opening the link changes nothing, its button activates the row, and the link works once.
    @Test func formAddsPendingAndTheMailedLinkActivates() throws {
        let folder = try TemporaryFolder()
        let smtp = try SMTPTestServer(folder: folder)
        let server = try ServeProcess(config: try Self.setUp(folder, smtp: smtp), folder: folder)
        let form = try CurlExchange.perform("GET", "\(server.base)/subscribe")
        #expect(form.status == 200 && form.body.contains("订阅《党建周报》") && form.body.contains("Subscribe"))
        #expect(form.body.contains(#"<form method="post" action="/subscribe">"#))

        let posted = try CurlExchange.perform(
            "POST", "\(server.base)/subscribe", body: Self.form("New@Example.org", name: "新读者"))
        #expect(posted.status == 200, "\(posted.body)")
        #expect(posted.location.isEmpty)
        #expect(posted.body.contains("请查收确认邮件") && posted.body.contains("confirmation mail is on its way"))
        let list = try SubscriberList.load(from: folder.file("subscribers.csv"), tokens: nil)
        #expect(list.subscriber("new@example.org")?.status == .pending)
        #expect(list.subscriber("new@example.org")?.name == "新读者")
        #expect(try SubscriptionServerTests.statuses(folder)["a@example.com"] == .active)

        let mails = try Self.confirmationMails(smtp, to: "New@Example.org")
        #expect(mails.count == 1)
        let mail = try #require(mails.first)
        #expect(mail.defects.isEmpty)
        #expect(mail.headers["Auto-Submitted"] == ["auto-generated"])
        #expect(mail.headers["From"]?.first?.contains("digest@news.example.com") == true)
        let path = try #require(try Self.confirmationPath(smtp, to: "New@Example.org"))
        let html = try #require(mail.parts.first { $0.contentType == "text/html" }?.content)
        #expect(html.contains(#"<a href="https://news.example.com\#(path)">"#))

        // GET shows the page with one button and changes nothing (mail scanners fetch links).
        let before = try SubscriptionServerTests.csvBytes(folder)
        let page = try CurlExchange.perform("GET", server.base + path)
        #expect(page.status == 200 && page.body.contains("确认订阅《党建周报》"))
        #expect(page.body.contains(#"<form method="post" action=""#) && page.body.contains("New@Example.org"))
        #expect(try SubscriptionServerTests.csvBytes(folder) == before)

        let confirmed = try CurlExchange.perform("POST", server.base + path, body: "")
        #expect(confirmed.status == 200 && confirmed.body.contains("订阅成功"))
        #expect(confirmed.location.isEmpty)
        #expect(try SubscriptionServerTests.statuses(folder)["New@Example.org"] == .active)
        // Used once: a second POST (or GET) finds no pending row.
        #expect(try CurlExchange.perform("POST", server.base + path, body: "").status == 404)
        #expect(try CurlExchange.perform("GET", server.base + path).status == 404)
        // The form for an active address changes nothing and mails nothing, with the same answer.
        let again = try CurlExchange.perform("POST", "\(server.base)/subscribe", body: Self.form("new@example.org"))
        #expect(again.status == 200 && again.body.contains("请查收确认邮件"))
        #expect(try Self.confirmationMails(smtp, to: "new@example.org").count == 1)
        #expect(try SubscriptionServerTests.statuses(folder)["New@Example.org"] == .active)
    }

    /// Forged, moved, malformed and other addresses' confirmation tokens change nothing.
    @Test func forgedConfirmationTokensChangeNothing() throws {
        let folder = try TemporaryFolder()
        let smtp = try SMTPTestServer(folder: folder)
        let server = try ServeProcess(config: try Self.setUp(folder, smtp: smtp), folder: folder)
        for email in ["p@example.org", "q@example.org"] {
            #expect(
                try CurlExchange.perform("POST", "\(server.base)/subscribe", body: Self.form(email)).status == 200)
        }
        let path = try #require(try Self.confirmationPath(smtp, to: "p@example.org"))
        let token = String(path.dropFirst("/confirm?t=".count))
        let parts = token.split(separator: "-").map(String.init)
        let before = try SubscriptionServerTests.csvBytes(folder)
        let forged = [
            String(try #require(Int64(parts[0])) - 60) + "-" + parts[1],  // expiry moved
            parts[0] + "-" + String(repeating: "a", count: 24),
            parts[1], "", String(repeating: "9", count: 300), token.uppercased(), token + "a",
            "1-" + parts[1],  // expired long ago
        ]
        for (number, candidate) in forged.enumerated() {
            // Each from another client (as the web server in front says), so that no rate limit answers.
            let post = try CurlExchange.perform(
                "POST", "\(server.base)/confirm?t=\(candidate)", body: "",
                extra: ["-H", "X-Real-IP: 203.0.113.\(number)"])
            #expect(post.status == 404, "'\(candidate)': \(post.status)")
            #expect(post.body.contains("链接无效") && !post.body.contains("<form"))
        }
        #expect(try SubscriptionServerTests.csvBytes(folder) == before)
        #expect(try CurlExchange.perform("POST", server.base + path, body: "").status == 200)
        #expect(try SubscriptionServerTests.statuses(folder)["p@example.org"] == .active)
        #expect(try SubscriptionServerTests.statuses(folder)["q@example.org"] == .pending)
    }

    /// Someone who unsubscribed or bounced is re-subscribed by the form only through the confirmation:
    /// until then the row is `pending` and gets nothing.
    @Test(arguments: [Subscriber.Status.unsubscribed, .bounced])
    func resubscribingThroughTheFormNeedsTheConfirmation(status: Subscriber.Status) throws {
        let folder = try TemporaryFolder()
        let smtp = try SMTPTestServer(folder: folder)
        let csv = "email,name,status,token,added\r\nleft@example.com,读者,\(status.rawValue),,2024-01-01\r\n"
        let server = try ServeProcess(config: try Self.setUp(folder, smtp: smtp, csv: csv), folder: folder)
        let posted = try CurlExchange.perform("POST", "\(server.base)/subscribe", body: Self.form("left@example.com"))
        #expect(posted.status == 200)
        #expect(try SubscriptionServerTests.statuses(folder)["left@example.com"] == .pending)
        let path = try #require(try Self.confirmationPath(smtp, to: "left@example.com"))
        #expect(try CurlExchange.perform("POST", server.base + path, body: "").status == 200)
        #expect(try SubscriptionServerTests.statuses(folder)["left@example.com"] == .active)
    }

    /// An address that has not confirmed never gets a digest: `send` mails the active readers and the
    /// confirmed one only.
    @Test func pendingAddressesNeverReceiveADigest() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(
            folder: folder, root: RepoPaths.resources.appendingPathComponent("site/2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setUp(folder, smtp: smtp, sources: [("党建政法", "\(http.base)/djzf/index.html")])
        let server = try ServeProcess(config: config, folder: folder)
        for email in ["pending@example.org", "confirmed@example.org"] {
            #expect(
                try CurlExchange.perform("POST", "\(server.base)/subscribe", body: Self.form(email)).status == 200)
        }
        let path = try #require(try Self.confirmationPath(smtp, to: "confirmed@example.org"))
        #expect(try CurlExchange.perform("POST", server.base + path, body: "").status == 200)
        let mailsBefore = try smtp.messages().count

        let sent = try run(
            [try RepoPaths.executable.path, "send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"],
            deadline: .seconds(120))
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        let digests = try smtp.messages().dropFirst(mailsBefore).map {
            try PythonEmail.parse(Array(try Data(contentsOf: $0)))
        }
        let recipients = digests.compactMap { $0.headers["To"]?.first }.sorted()
        #expect(recipients.count == 3, "\(recipients)")
        #expect(recipients.contains { $0.contains("confirmed@example.org") })
        #expect(
            recipients.contains { $0.contains("a@example.com") } && recipients.contains { $0.contains("b@example.com") }
        )
        #expect(!recipients.contains { $0.contains("pending@example.org") })
        #expect(try SubscriptionServerTests.statuses(folder)["pending@example.org"] == .pending)
    }

    /// Per address: the fourth submission within the hour gets 429 with a page and no mail.
    ///
    /// Per client: the eleventh POST within ten minutes gets 429 and adds nothing; another client (`X-Real-IP` from
    /// the web
    /// server on loopback) is not limited by it.
    @Test func rateLimitedPerAddressAndPerClient() throws {
        let folder = try TemporaryFolder()
        let smtp = try SMTPTestServer(folder: folder)
        let server = try ServeProcess(config: try Self.setUp(folder, smtp: smtp), folder: folder)
        var codes: [Int] = []
        for _ in 0..<(SubscriptionServer.addressLimit + 1) {
            let answer = try CurlExchange.perform(
                "POST", "\(server.base)/subscribe", body: Self.form("again@example.org"))
            codes.append(answer.status)
            if answer.status == 429 { #expect(answer.body.contains("请稍后再试") && answer.body.contains("Too many")) }
        }
        #expect(codes == Array(repeating: 200, count: SubscriptionServer.addressLimit) + [429])
        #expect(try Self.confirmationMails(smtp, to: "again@example.org").count == SubscriptionServer.addressLimit)

        let used = codes.count
        var more: [Int] = []
        for index in used..<(SubscriptionServer.clientLimit + 1) {
            more.append(
                try CurlExchange.perform("POST", "\(server.base)/subscribe", body: Self.form("c\(index)@example.org"))
                    .status)
        }
        #expect(more == Array(repeating: 200, count: SubscriptionServer.clientLimit - used) + [429])
        let statuses = try SubscriptionServerTests.statuses(folder)
        #expect(statuses["c\(SubscriptionServer.clientLimit)@example.org"] == nil)
        // Confirmation POSTs count too; another client is let in.
        #expect(try CurlExchange.perform("POST", "\(server.base)/confirm?t=1-x", body: "").status == 429)
        let other = try CurlExchange.perform(
            "POST", "\(server.base)/subscribe", body: Self.form("other@example.org"),
            extra: ["-H", "X-Real-IP: 203.0.113.9"])
        #expect(other.status == 200)
        #expect(try SubscriptionServerTests.statuses(folder)["other@example.org"] == .pending)
    }

    /// Invalid addresses get the form again with an error (400); oversized bodies 413; nothing is added.
    @Test func invalidAndOversizedFormsChangeNothing() throws {
        let folder = try TemporaryFolder()
        let smtp = try SMTPTestServer(folder: folder)
        let server = try ServeProcess(config: try Self.setUp(folder, smtp: smtp), folder: folder)
        let before = try SubscriptionServerTests.csvBytes(folder)
        for body in [
            Self.form("not-an-address"), Self.form(""), "name=x", "email=a%40example.com%0D%0ABcc%3A%20x%40example.net",
            Self.form(String(repeating: "a", count: 250) + "@example.org"),
        ] {
            let answer = try CurlExchange.perform("POST", "\(server.base)/subscribe", body: body)
            #expect(answer.status == 400, "\(body): \(answer.status)")
            #expect(answer.body.contains("请填写有效的电子邮箱") && answer.body.contains("<form"))
        }
        let big = try CurlExchange.perform(
            "POST", "\(server.base)/subscribe",
            body: "email=x%40example.org&name=" + String(repeating: "x", count: 100_000))
        #expect(big.status == 413)
        #expect(try SubscriptionServerTests.csvBytes(folder) == before)
        #expect(try smtp.messages().isEmpty)
    }

    /// A reader fills in the form in Chromium, gets the mail, opens the link and presses its button.
    @Test(.enabled(if: Browser.isAvailable || Browser.isCI, "chromium, chromium-driver or selenium missing"))
    func readerSubscribesAndConfirmsInChromium() throws {
        let folder = try TemporaryFolder()
        let smtp = try SMTPTestServer(folder: folder)
        let server = try ServeProcess(config: try Self.setUp(folder, smtp: smtp), folder: folder)
        let submitted = try Browser.drive(["subscribe", "\(server.base)/subscribe", "reader@example.org", "读者"])
        #expect(submitted.before.heading == "订阅《党建周报》")
        #expect(submitted.after?.heading == "请查收确认邮件")
        #expect(try SubscriptionServerTests.statuses(folder)["reader@example.org"] == .pending)
        let path = try #require(try Self.confirmationPath(smtp, to: "reader@example.org"))
        let confirmed = try Browser.drive(["unsubscribe", server.base + path])  // press the page's one button
        #expect(confirmed.before.heading == "确认订阅《党建周报》")
        #expect(confirmed.buttons == ["确认订阅 · Confirm"])
        #expect(confirmed.after?.heading == "订阅成功")
        #expect(try SubscriptionServerTests.statuses(folder)["reader@example.org"] == .active)
    }

    /// Without an `smtp:` section there is no form (nothing could mail the confirmation).
    @Test func noFormWithoutSMTP() throws {
        let folder = try TemporaryFolder()
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.setUp(folder, smtp: smtp)
        var text = try String(contentsOf: config, encoding: .utf8)
        var inSMTP = false
        text =
            text.split(separator: "\n").filter { line in
                if !line.hasPrefix(" ") { inSMTP = line.hasPrefix("smtp:") }
                return !inSMTP
            }
            .joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: config)
        let server = try ServeProcess(config: config, folder: folder)
        #expect(try CurlExchange.perform("GET", "\(server.base)/subscribe").status == 404)
        #expect(try CurlExchange.perform("GET", "\(server.base)/u?t=9f8e7d6c").status == 200)
    }
}

struct RateLimiterTests {
    @Test func slidingWindowPerKey() {
        let limiter = RateLimiter(limit: 2, window: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(limiter.allow("a", now: start))
        #expect(limiter.allow("a", now: start.addingTimeInterval(10)))
        #expect(!limiter.allow("a", now: start.addingTimeInterval(20)))
        #expect(limiter.allow("b", now: start.addingTimeInterval(20)))
        #expect(limiter.allow("a", now: start.addingTimeInterval(61)))
        #expect(!limiter.allow("a", now: start.addingTimeInterval(62)))
    }

    @Test func tableStaysBounded() {
        let limiter = RateLimiter(limit: 1, window: 60, maxKeys: 10)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<100 { #expect(limiter.allow("k\(index)", now: start.addingTimeInterval(Double(index) / 10))) }
        // The oldest keys were forgotten, the newest are still limited.
        #expect(limiter.allow("k0", now: start.addingTimeInterval(10)))
        #expect(!limiter.allow("k99", now: start.addingTimeInterval(10)))
    }

    @Test(arguments: [
        ("email=a%40example.com&name=%E8%AF%BB%E8%80%85", ["email": "a@example.com", "name": "读者"]),
        ("email=a+b%40example.com&email=second", ["email": "a b@example.com"]),
        ("name=&x", ["name": "", "x": ""]),
    ])
    func formFieldsAreDecoded(body: String, expected: [String: String]) {
        #expect(SubscriptionServer.formFields(body) == expected)
    }
}
