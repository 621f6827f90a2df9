public import Foundation
import GRDB
import Logging

/// Checks a newsletter's whole setup without sending anything or changing its state:
/// the configuration, the templates (rendered once with sample data), every source (fetched into a
/// scratch copy of the state database, so the real one is not touched), the subscriber list, the
/// SMTP server (up to AUTH, see ``CurlSMTPTransport/probe()``) and the unsubscribe setup.
public struct SetupCheck: Sendable {
    /// One finding.
    public struct Item: Sendable, Codable, Equatable {
        public enum Status: String, Sendable, Codable {
            case ok
            /// Works, but something deserves a look (does not fail the check).
            case warning
            case failed
        }

        /// What was checked: `configuration`, `templates`, `source NAME`, `subscribers`, `smtp`, `unsubscribe`.
        public var name: String
        public var status: Status
        /// What was found.
        public var detail: String
        /// What to change, for failures and warnings.
        public var fix: String?

        public init(name: String, status: Status, detail: String, fix: String? = nil) {
            self.name = name
            self.status = status
            self.detail = detail
            self.fix = fix
        }
    }

    public var configFile: URL
    public var environment: [String: String]
    public var fetcher: any HTTPFetching
    /// Whether to talk to the SMTP server (tests of other parts may skip it).
    public var probeSMTP = true

    public init(
        configFile: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
        fetcher: any HTTPFetching = CurlHTTPFetcher()
    ) {
        self.configFile = configFile
        self.environment = environment
        self.fetcher = fetcher
    }

    /// Runs every check as of `now`; `progress` receives each item as soon as it is known.
    /// - Returns: the items in the order they were checked.
    public func run(now: Date, progress: @Sendable (Item) -> Void = { _ in }) async -> [Item] {
        var items: [Item] = []
        func add(_ item: Item) {
            items.append(item)
            progress(item)
        }
        let collector = LogCollector()
        let config: NewsletterConfig
        do {
            config = try NewsletterConfig.load(from: configFile)
        } catch {
            add(
                Item(
                    name: "configuration", status: .failed, detail: "\(error)",
                    fix: "correct that line and run check again"))
            return items
        }
        add(
            Item(
                name: "configuration", status: .ok,
                detail: "\(config.file.path): \(config.sources.count) source(s), lookback \(config.lookbackDays) days"))
        for item in checkTemplates(config, collector: collector) { add(item) }
        do {
            try Newsletter.refuseFreshStateBesideAnArchive(config)
        } catch {
            add(
                Item(
                    name: "state", status: .failed, detail: "\(error)",
                    fix: "copy the state folder from where the newsletter ran before (cp -a, or rsync -a)"))
        }
        for item in await checkSources(config, now: now) { add(item) }
        add(checkSubscribers(config))
        add(await checkSMTP(config))
        add(checkUnsubscribe(config))
        return items
    }

    // MARK: - Templates

    /// Sample content: two sources, so that grouping is exercised too.
    static func sampleContent(_ config: NewsletterConfig) -> DigestContent {
        let names = config.sources.count > 1 ? config.sources.prefix(2).map(\.name) : ["Sample source"]
        let items = (0..<3).map { index in
            DigestItem(
                key: "sample-\(index)", title: "Sample article \(index + 1) 示例文章",
                url: "https://www.example.com/sample/\(index + 1).html", date: "2019-06-0\(index + 4) 09:30",
                origin: "Sample origin", category: "Sample category", author: nil,
                excerpt: "The opening lines of a sample article. 示例文章的开头。",
                sourceName: names[index % names.count])
        }
        return DigestContent(title: config.title, subject: config.title, issueDate: "2019-06-08", items: items)
    }

    func checkTemplates(_ config: NewsletterConfig, collector: LogCollector) -> [Item] {
        let renderer: DigestRenderer
        do {
            renderer = try DigestRenderer(
                directory: config.templatesDirectory, htmlBudgetBytes: config.htmlBudgetBytes,
                archiveURL: config.archiveURL, logger: collector.logger)
        } catch {
            return [
                Item(
                    name: "templates", status: .failed, detail: "\(error)",
                    fix:
                        "correct the template at that line (scripts: Templates/ of a fresh `newsletter init` shows the original)"
                )
            ]
        }
        var items: [Item] = []
        for warning in collector.warnings {
            items.append(
                Item(
                    name: "templates", status: .warning, detail: warning,
                    fix:
                        "run `newsletter init` in the configuration's folder to write the missing template (existing files are kept)"
                ))
        }
        let token = "CHECK-TOKEN-1234"
        let unsubscribe = config.unsubscribeURL?.replacingOccurrences(of: "{{token}}", with: token)
        var content = Self.sampleContent(config)
        content.groupBy = config.groupBy
        let bodies = renderer.render(
            content, for: DigestRenderer.Recipient(name: "Sample Reader", unsubscribeURL: unsubscribe))
        let templatesShown = config.templatesDirectory?.path ?? "the built-in templates"
        if let unsubscribe,
            !bodies.html.contains(unsubscribe.replacingOccurrences(of: "&", with: "&amp;"))
                || !bodies.text.contains(unsubscribe)
        {
            items.append(
                Item(
                    name: "templates", status: .failed,
                    detail: "\(templatesShown): the rendered digest has no unsubscribe link",
                    fix: "keep {{unsubscribe_url}} in the footer of both digest.html.mustache and digest.txt.mustache"))
        } else {
            items.append(
                Item(
                    name: "templates", status: .ok,
                    detail:
                        "\(templatesShown): rendered with sample data (HTML \(bodies.html.utf8.count) bytes, text \(bodies.text.utf8.count) bytes)"
                ))
        }
        return items
    }

    // MARK: - Sources

    func checkSources(_ config: NewsletterConfig, now: Date) async -> [Item] {
        guard !config.sources.isEmpty else {
            return [
                Item(
                    name: "sources", status: .failed, detail: "no sources configured",
                    fix: "add a listing page or feed under sources: (name and url)")
            ]
        }
        let scratch: AppDatabase
        do {
            scratch = try AppDatabase(scratchCopyOf: config.stateFile)
        } catch {
            return [Item(name: "sources", status: .failed, detail: "\(error)", fix: "check the state setting")]
        }
        let logger = Logger(label: "newsletter.check") { _ in SwiftLogNoOpLogHandler() }
        let sourceFetcher = SourceFetcher(fetcher: HostLimitedFetcher(fetcher), database: scratch)
        let lookback = config.lookbackDays
        let results = await sourceFetcher.fetchEach(config.sources, now: now, lookbackDays: lookback, logger: logger)
        var newBySource: [String: Int] = [:]
        if let newsletter = try? Newsletter(config: config, database: scratch, logger: logger),
            let selected = try? await newsletter.selectNew(now: now)
        {
            for article in selected { newBySource[article.sourceName, default: 0] += 1 }
        }
        var items: [Item] = []
        for (index, (source, result)) in zip(config.sources, results).enumerated() {
            let name = "source \(source.name)"
            switch result {
            case .failure(let error):
                items.append(
                    Item(
                        name: name, status: .failed, detail: "\(source.url.absoluteString): \(Self.reason(error))",
                        fix: Self.fix(for: error, index: index)))
            case .success(let fetched):
                let new = newBySource[source.name, default: 0]
                var detail = "\(fetched.found) article(s) found, \(new) new for the next digest"
                var status = Item.Status.ok
                var fix: String?
                if fetched.found == 0 {
                    status = .warning
                    detail = "\(source.url.absoluteString): the feed has no entries"
                    fix = "check that sources[\(index)].url is the feed you mean; an empty feed sends nothing"
                } else if new == 0 {
                    status = .warning
                    detail +=
                        ": " + (await Self.diagnoseNothingNew(source, database: scratch, now: now, config: config))
                    fix = "nothing to do if the site simply has no new articles; otherwise see the reason"
                }
                if !fetched.problems.isEmpty {
                    status = status == .ok ? .warning : status
                    detail += "; \(fetched.problems.count) page(s) failed, first: \(fetched.problems[0])"
                }
                items.append(Item(name: name, status: status, detail: detail, fix: fix))
            }
        }
        return items
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? FetchError {
            let text = "\(error)"
            let url = error.url.absoluteString + ": "
            return text.hasPrefix(url) ? String(text.dropFirst(url.count)) : text
        }
        if let error = error as? SourceError { return error.reason }
        return "\(error)"
    }

    private static func fix(for error: any Error, index: Int) -> String {
        let key = "sources[\(index)].url"
        if let error = error as? FetchError {
            switch error.statusCode {
            case 404, 410: return "the page is gone: open the site and put the section's current address in \(key)"
            case 401, 403:
                return "the site refuses the request: check \(key) in a browser; a login page cannot be followed"
            case .some(let code) where code >= 500:
                return "the site had a server error; try again later or check \(key)"
            default: break
            }
            if error.isTooLarge { return "\(key) is larger than 5 MiB: point it at a listing page or feed" }
            return "check \(key) (host name, https) and that this machine can reach the site"
        }
        if error is SourceError {
            return "point \(key) at a section's listing page (the one with the article list) or at its RSS/Atom feed"
        }
        return "check \(key)"
    }

    /// Why a source that worked has nothing new.
    static func diagnoseNothingNew(
        _ source: NewsletterConfig.Source, database: AppDatabase, now: Date, config: NewsletterConfig
    ) async -> String {
        let facts = try? await database.articleFacts(source: source.name)
        guard let (total, sent, newest, newestUnsent) = facts else { return "no new articles" }
        let windowStart = now.addingTimeInterval(-Double(config.lookbackDays) * 86_400)
        if let newest, newest < windowStart {
            let shown = DigestBuilder.format(newest, "yyyy-MM-dd", zone: source.timeZone)
            return
                "the newest article is from \(shown), before the lookback window of \(config.lookbackDays) days (raise lookback_days for a site that posts rarely)"
        }
        // Only an article that has not gone out can be waiting (one dated minutes ahead goes out at once).
        if let newestUnsent, newestUnsent > now {
            return "the articles are dated in the future; they wait until their date enters the window"
        }
        if sent > 0, sent >= total - 1 {
            return "every recent article already went out in an earlier digest"
        }
        if newest == nil {
            return "no article shows a publish date the extractor could read (try `newsletter extract URL` on one)"
        }
        return "every recent article already went out in an earlier digest"
    }

    // MARK: - Subscribers

    func checkSubscribers(_ config: NewsletterConfig) -> Item {
        let path = config.subscribersFile.path
        guard FileManager.default.fileExists(atPath: path) else {
            return Item(
                name: "subscribers", status: .failed, detail: "\(path): no such file",
                fix:
                    "add the first address with `newsletter subscribers add EMAIL` (or `newsletter init` writes an empty list)"
            )
        }
        do {
            let list = try SubscriberList.load(from: config.subscribersFile, tokens: nil)
            let counts = Dictionary(grouping: list.subscribers, by: \.status).mapValues(\.count)
            let summary = Subscriber.Status.allCases.map { "\(counts[$0, default: 0]) \($0.rawValue)" }.joined(
                separator: ", ")
            if list.active.isEmpty {
                return Item(
                    name: "subscribers", status: .failed, detail: "\(path): no active subscribers (\(summary))",
                    fix: "add one with `newsletter subscribers add EMAIL` or `newsletter subscribers import FILE.csv`")
            }
            if !list.problems.isEmpty {
                return Item(
                    name: "subscribers", status: .warning,
                    detail: "\(path): \(summary); \(list.problems.count) row(s) skipped, first: \(list.problems[0])",
                    fix: "correct or remove those rows")
            }
            return Item(name: "subscribers", status: .ok, detail: "\(path): \(summary)")
        } catch {
            return Item(name: "subscribers", status: .failed, detail: "\(error)", fix: "correct the file at that line")
        }
    }

    // MARK: - SMTP

    func checkSMTP(_ config: NewsletterConfig) async -> Item {
        guard let smtp = config.smtp else {
            return Item(
                name: "smtp", status: .failed, detail: "no smtp section: send cannot deliver",
                fix: "add smtp: with url, username and password_env (see the comments `newsletter init` writes)")
        }
        var password: String?
        // Without a username there is no login and password_env is not read (as `send` does it).
        if smtp.username != nil, let variable = smtp.passwordEnvironmentVariable {
            password = environment[variable]
            if password == nil {
                return Item(
                    name: "smtp", status: .failed,
                    detail: "smtp.password_env: the environment variable \(variable) is not set",
                    fix:
                        "export \(variable)='…' before running newsletter (in cron, set it in the crontab or source a file that only you can read)"
                )
            }
        }
        let transport = CurlSMTPTransport(
            url: smtp.url, starttls: smtp.starttls, username: smtp.username, password: password, caFile: smtp.caFile,
            timeoutSeconds: min(smtp.timeoutSeconds, 30),
            heloDomain: config.from.email.split(separator: "@").last.map(String.init) ?? "localhost")
        guard probeSMTP else { return Item(name: "smtp", status: .ok, detail: "not contacted") }
        let probe =
            (try? await runBlocking { transport.probe() }) ?? CurlSMTPTransport.Probe(failure: "probe did not run")
        if let failure = probe.failure {
            return Item(name: "smtp", status: .failed, detail: failure, fix: probe.fix)
        }
        let steps = probe.commands.filter { $0 != "QUIT" }.joined(separator: ", ")
        let tls =
            smtp.url.scheme?.lowercased() == "smtps"
            ? "TLS" : (probe.commands.contains("STARTTLS") ? "STARTTLS" : "no TLS")
        let login = smtp.username.map { "logged in as \($0)" } ?? "no login"
        return Item(
            name: "smtp", status: .ok,
            detail:
                "\(smtp.url.host ?? ""):\(smtp.url.port.map(String.init) ?? "default"): \(tls), \(login) (\(steps)); no message sent"
        )
    }

    // MARK: - Unsubscribe

    func checkUnsubscribe(_ config: NewsletterConfig) -> Item {
        switch (config.unsubscribeURL, config.unsubscribeMailto) {
        case (nil, nil):
            return Item(
                name: "unsubscribe", status: .failed,
                detail:
                    "neither unsubscribe_url nor unsubscribe_mailto is set: messages carry no unsubscribe link or List-Unsubscribe header",
                fix:
                    "set unsubscribe_url (with {{token}}; `newsletter serve` provides the page, or yours calls `newsletter subscribers unsubscribe --token T`) and/or unsubscribe_mailto (send refuses without either); Gmail and Yahoo require one-click unsubscribe from bulk senders"
            )
        case (let url?, let mailto):
            let https = url.lowercased().hasPrefix("https:")
            var parts = ["link \(url)"]
            if config.unsubscribeOneClick {
                // RFC 8058 §3.1: the one-click URI must be https; the header is left out otherwise.
                parts.append(https ? "one-click (RFC 8058)" : "one-click header NOT sent: the link is not https")
            }
            if let mailto { parts.append("mailto:\(mailto)") }
            if !https {
                return Item(
                    name: "unsubscribe", status: .warning, detail: parts.joined(separator: ", "),
                    fix:
                        "use an https unsubscribe_url: List-Unsubscribe-Post (one-click) is sent only with an https link (RFC 8058 §3.1), and mail programs offer their button only then"
                )
            }
            if !config.unsubscribeOneClick {
                return Item(
                    name: "unsubscribe", status: .warning, detail: parts.joined(separator: ", "),
                    fix:
                        "if the page accepts POSTs without a confirmation step, set unsubscribe_one_click: true (Gmail and Yahoo ask for it)"
                )
            }
            return Item(name: "unsubscribe", status: .ok, detail: parts.joined(separator: ", "))
        case (nil, let mailto?):
            return Item(
                name: "unsubscribe", status: .warning, detail: "mailto:\(mailto) only; no link in the message body",
                fix: "add an https unsubscribe_url with {{token}} for a link in every message and one-click unsubscribe"
            )
        }
    }
}

extension CurlSMTPTransport.Probe {
    init(failure: String) {
        self.init()
        self.failure = failure
    }
}
