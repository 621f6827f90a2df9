public import Foundation
import Yams

extension NewsletterConfig {
    /// The file name looked for in the working directory when no `--config` is given.
    public static let defaultFileName = "newsletter.yml"

    /// Reads and validates a configuration file.
    ///
    /// - Parameter file: the YAML file; relative paths inside it are resolved against its folder.
    /// - Returns: the validated configuration, with its paths resolved against the file's folder.
    /// - Throws: ``ConfigError`` naming the file, the line and the key of the first problem
    ///   (unknown keys, missing required keys, values of the wrong shape).
    public static func load(from file: URL) throws -> NewsletterConfig {
        let path = file.path
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw ConfigError(
                file: path, line: nil, key: "", reason: "cannot read the file (\(error.localizedDescription))")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(file: path, line: nil, key: "", reason: "not valid YAML: \(error)")
        }
        guard let root, let mapping = root.mapping else {
            throw ConfigError(file: path, line: root?.mark?.line, key: "", reason: "expected a mapping of settings")
        }
        let reader = ConfigReader(file: path, base: file.deletingLastPathComponent())
        return try reader.read(mapping, at: root.mark)
    }
}

extension NewsletterConfig {
    /// Every key the file may hold, dotted for nested sections (`smtp.url`, `sources[].name`).
    static var knownKeys: Set<String> {
        ConfigReader.topKeys.union(ConfigReader.smtpKeys.map { "smtp.\($0)" })
            .union(ConfigReader.mailboxKeys.map { "mailbox.\($0)" })
            .union(ConfigReader.sourceKeys.map { "sources[].\($0)" })
    }
}

/// Walks the YAML node tree, checking keys and value shapes and recording lines for errors.
private struct ConfigReader {
    let file: String
    let base: URL

    static let topKeys: Set<String> = [
        "title", "subject", "from", "reply_to", "envelope_sender", "list_id", "lookback_days", "timezone", "sources",
        "smtp", "subscribers", "templates", "state", "unsubscribe_url", "unsubscribe_one_click",
        "unsubscribe_mailto", "first_run_max_items", "html_budget_bytes", "archive_url", "archive_dir", "group_by",
        "alert_after_failed_runs", "mailbox",
    ]
    static let mailboxKeys: Set<String> = [
        "url", "starttls", "username", "password_env", "ca_file", "timeout_seconds", "soft_bounce_limit",
    ]
    static let sourceKeys: Set<String> = [
        "name", "url", "kind", "timezone", "max_pages", "full_text", "links", "next_page", "title", "date", "body",
        "late_days",
    ]
    static let smtpKeys: Set<String> = [
        "url", "starttls", "username", "password_env", "ca_file", "connections", "rate_per_second",
        "timeout_seconds", "retry_delays", "give_up_after_hours",
    ]

    func read(_ mapping: Node.Mapping, at mark: Mark?) throws -> NewsletterConfig {
        let values = try keyed(mapping, allowed: Self.topKeys, prefix: "")
        let title = try string(values, "title", required: true) ?? ""
        guard let from = try address(values, "from", required: true) else {
            throw ConfigError(file: file, line: nil, key: "from", reason: "missing (required)")
        }
        let replyTo = try address(values, "reply_to", required: false)
        let envelopeSender = try string(values, "envelope_sender", required: false) ?? from.email
        if let entry = values["envelope_sender"] {
            // Reaches the wire as `MAIL FROM:<…>`: CR/LF would inject SMTP commands.
            guard !SendTimeChecks.hasLineBreakOrNUL(envelopeSender) else {
                throw error(entry, "must not contain CR, LF or NUL: \(envelopeSender.debugDescription)")
            }
            do { _ = try MailAddress(email: envelopeSender) } catch let problem { throw error(entry, "\(problem)") }
        }
        let domain = from.email.split(separator: "@").last.map(String.init) ?? "localhost"
        let listID = try string(values, "list_id", required: false) ?? "newsletter.\(domain)"
        do {
            _ = try ListID(name: title, id: listID)
        } catch {
            throw ConfigError(
                file: file, line: values["list_id"]?.line, key: "list_id",
                reason: "not a list identifier (RFC 2919: a dot-atom such as weekly.news.example.com): '\(listID)'")
        }
        let lookback = try int(values, "lookback_days", default: 7, range: 1...366)
        let zone = try timeZone(values, "timezone") ?? TimeZone(secondsFromGMT: 0) ?? .current
        var sources: [NewsletterConfig.Source] = []
        if let entry = values["sources"] {
            guard let sequence = entry.value.sequence else { throw error(entry, "expected a list of sources") }
            for (index, item) in sequence.enumerated() {
                sources.append(try source(item, index: index, defaultZone: zone))
            }
            var names = Set<String>()
            for (index, source) in sources.enumerated() where !names.insert(source.name).inserted {
                throw ConfigError(
                    file: file, line: sequence[index].mark?.line, key: "sources[\(index)].name",
                    reason: "duplicate source name '\(source.name)'")
            }
        }
        let smtp = try values["smtp"].map { try self.smtp($0.value) }
        let templates: URL?
        if let value = try string(values, "templates", required: false), let entry = values["templates"] {
            // A mistyped folder would otherwise fall back to the built-in templates, one warning per file, and the
            // editor's own templates would silently not be used.
            let folder = resolve(value)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw error(
                    entry,
                    "no folder \(folder.path) (it should hold digest.html.mustache and digest.txt.mustache; remove the setting to use the built-in templates)"
                )
            }
            templates = folder
        } else {
            let beside = base.appendingPathComponent("Templates")
            templates = FileManager.default.fileExists(atPath: beside.path) ? beside : nil
        }
        let unsubscribe = try string(values, "unsubscribe_url", required: false)
        if let unsubscribe, let entry = values["unsubscribe_url"] {
            guard unsubscribe.contains("{{token}}") else {
                throw error(entry, "must contain {{token}} (the subscriber's token)")
            }
            guard let url = URL(string: unsubscribe.replacingOccurrences(of: "{{token}}", with: "t")),
                url.scheme != nil
            else {
                throw error(entry, "not an absolute URL: \(unsubscribe)")
            }
            // The same check the List-Unsubscribe header applies (no comma, space, <, >, controls).
            if ["http", "https"].contains(url.scheme?.lowercased()) {
                do { _ = try ListUnsubscribe(https: url) } catch let problem { throw error(entry, "\(problem)") }
            }
        }
        var config = NewsletterConfig(
            file: base.appendingPathComponent((file as NSString).lastPathComponent),
            title: title,
            subjectTemplate: try string(values, "subject", required: false) ?? "{{title}} {{date}}",
            from: from,
            replyTo: replyTo,
            envelopeSender: envelopeSender,
            listID: listID,
            lookbackDays: lookback,
            timeZone: zone,
            sources: sources,
            smtp: smtp,
            subscribersFile: resolve(
                try string(values, "subscribers", required: false) ?? "Subscribers/subscribers.csv"),
            templatesDirectory: templates,
            stateFile: resolve(try string(values, "state", required: false) ?? ".newsletter/state.sqlite"),
            unsubscribeURL: unsubscribe,
            unsubscribeOneClick: try bool(
                values, "unsubscribe_one_click", default: false),
            unsubscribeMailto: try string(values, "unsubscribe_mailto", required: false),
            firstRunMaxItems: try int(values, "first_run_max_items", default: 20, range: 0...1000),
            htmlBudgetBytes: try int(values, "html_budget_bytes", default: 90_000, range: 10_000...10_000_000),
            archiveURL: try string(values, "archive_url", required: false),
            archiveDirectory: resolve(try string(values, "archive_dir", required: false) ?? "archive"),
            groupBy: try grouping(values),
            alertAfterFailedRuns: try int(values, "alert_after_failed_runs", default: 2, range: 1...1000)
        )
        config.mailbox = try values["mailbox"].map { try self.mailbox($0.value) }
        return config
    }

    private func mailbox(_ node: Node) throws -> NewsletterConfig.Mailbox {
        guard let mapping = node.mapping else {
            throw ConfigError(
                file: file, line: node.mark?.line, key: "mailbox", reason: "expected url, username, password_env, …")
        }
        let values = try keyed(mapping, allowed: Self.mailboxKeys, prefix: "mailbox.")
        guard let urlText = try string(values, "url", required: false) else {
            throw ConfigError(file: file, line: node.mark?.line, key: "mailbox.url", reason: "missing (required)")
        }
        guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased(),
            ["imap", "imaps", "pop3", "pop3s"].contains(scheme), let host = url.host, !host.isEmpty
        else {
            throw ConfigError(
                file: file, line: values["url"]?.line, key: "mailbox.url",
                reason: "expected imaps://host/INBOX, imap://host/INBOX, pop3s://host or pop3://host, got '\(urlText)'")
        }
        var starttls = NewsletterConfig.StartTLS.required
        if let text = try string(values, "starttls", required: false) {
            guard let mode = NewsletterConfig.StartTLS(rawValue: text) else {
                throw ConfigError(
                    file: file, line: values["starttls"]?.line, key: "mailbox.starttls",
                    reason: "expected required, opportunistic or off, got '\(text)'")
            }
            starttls = mode
        }
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
        if ["imap", "pop3"].contains(scheme), starttls != .required, !loopback {
            throw ConfigError(
                file: file, line: values["starttls"]?.line, key: "mailbox.starttls",
                reason:
                    "'\(starttls.rawValue)' would send the mailbox password in clear text to \(host); only loopback test servers may use it"
            )
        }
        guard let username = try string(values, "username", required: false) else {
            throw ConfigError(file: file, line: node.mark?.line, key: "mailbox.username", reason: "missing (required)")
        }
        return NewsletterConfig.Mailbox(
            url: url, starttls: starttls, username: username,
            passwordEnvironmentVariable: try string(values, "password_env", required: false),
            caFile: try string(values, "ca_file", required: false).map { resolve($0).path },
            timeoutSeconds: try int(values, "timeout_seconds", default: 60, range: 1...3600),
            softBounceLimit: try int(values, "soft_bounce_limit", default: 3, range: 1...100))
    }

    /// One setting: its value node, its dotted key and the line of the key.
    private struct Entry {
        let value: Node
        let key: String
        let line: Int?
    }

    private typealias Keyed = [String: Entry]

    private func keyed(_ mapping: Node.Mapping, allowed: Set<String>, prefix: String) throws -> Keyed {
        var result: Keyed = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ConfigError(file: file, line: key.mark?.line, key: prefix, reason: "keys must be strings")
            }
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw ConfigError(
                    file: file, line: key.mark?.line, key: prefix + name,
                    reason: "unknown key (known keys: \(known))")
            }
            guard result[name] == nil else {
                throw ConfigError(file: file, line: key.mark?.line, key: prefix + name, reason: "given twice")
            }
            result[name] = Entry(value: value, key: prefix + name, line: key.mark?.line)
        }
        return result
    }

    private func error(_ entry: Entry, _ reason: String) -> ConfigError {
        ConfigError(file: file, line: entry.line, key: entry.key, reason: reason)
    }

    private func scalar(_ values: Keyed, _ name: String) throws -> (String, Entry)? {
        guard let entry = values[name] else { return nil }
        if entry.value.null != nil { return nil }
        guard let text = entry.value.scalar?.string else {
            throw error(entry, "expected a single value")
        }
        return (text, entry)
    }

    private func string(_ values: Keyed, _ name: String, required: Bool) throws -> String? {
        guard let (text, pair) = try scalar(values, name) else {
            if required {
                throw ConfigError(file: file, line: nil, key: name, reason: "missing (required)")
            }
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty, required {
            throw ConfigError(file: file, line: pair.line, key: pair.key, reason: "must not be empty")
        }
        return trimmed
    }

    private func int(_ values: Keyed, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let (text, pair) = try scalar(values, name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigError(
                file: file, line: pair.line, key: pair.key,
                reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    private func double(_ values: Keyed, _ name: String, default value: Double, range: ClosedRange<Double>) throws
        -> Double
    {
        guard let (text, pair) = try scalar(values, name) else { return value }
        guard let number = Double(text), range.contains(number) else {
            throw ConfigError(
                file: file, line: pair.line, key: pair.key,
                reason: "expected a number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    private func bool(_ values: Keyed, _ name: String, default value: Bool) throws -> Bool {
        guard let (text, pair) = try scalar(values, name) else { return value }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            throw ConfigError(
                file: file, line: pair.line, key: pair.key, reason: "expected true or false, got '\(text)'")
        }
    }

    private func address(_ values: Keyed, _ name: String, required: Bool) throws -> MailAddress? {
        guard let text = try string(values, name, required: required) else { return nil }
        do {
            return try MailAddress(parsing: text)
        } catch {
            throw ConfigError(file: file, line: values[name]?.line, key: values[name]?.key ?? name, reason: "\(error)")
        }
    }

    private func timeZone(_ values: Keyed, _ name: String) throws -> TimeZone? {
        guard let text = try string(values, name, required: false) else { return nil }
        guard let zone = TimeZone(identifier: text) else {
            throw ConfigError(
                file: file, line: values[name]?.line, key: values[name]?.key ?? name,
                reason: "unknown time zone '\(text)' (use an IANA name such as Asia/Shanghai)")
        }
        return zone
    }

    private func grouping(_ values: Keyed) throws -> NewsletterConfig.Grouping {
        guard let text = try string(values, "group_by", required: false) else { return .source }
        guard let grouping = NewsletterConfig.Grouping(rawValue: text) else {
            throw ConfigError(
                file: file, line: values["group_by"]?.line, key: "group_by",
                reason: "expected source or none, got '\(text)'")
        }
        return grouping
    }

    private func resolve(_ path: String) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded) }
        return base.appendingPathComponent(expanded).standardizedFileURL
    }

    private func source(_ node: Node, index: Int, defaultZone: TimeZone) throws -> NewsletterConfig.Source {
        let prefix = "sources[\(index)]."
        guard let mapping = node.mapping else {
            throw ConfigError(
                file: file, line: node.mark?.line, key: "sources[\(index)]",
                reason: "expected name, url, kind, timezone")
        }
        let values = try keyed(mapping, allowed: Self.sourceKeys, prefix: prefix)
        guard let urlText = try string(values, "url", required: false) else {
            throw ConfigError(file: file, line: node.mark?.line, key: prefix + "url", reason: "missing (required)")
        }
        let url: URL
        if let parsed = URL(string: urlText), let scheme = parsed.scheme?.lowercased(),
            ["http", "https", "file"].contains(scheme)
        {
            url = parsed
        } else if !urlText.contains("://") {
            url = resolve(urlText)  // a local file, relative to the config
            if !FileManager.default.fileExists(atPath: url.path), Self.startsWithHostName(urlText) {
                throw ConfigError(
                    file: file, line: values["url"]?.line, key: prefix + "url",
                    reason:
                        "'\(urlText)' looks like a web address without its scheme: write https://\(urlText) (or http://)"
                )
            }
        } else {
            throw ConfigError(
                file: file, line: values["url"]?.line, key: prefix + "url",
                reason: "expected an http, https or file URL, got '\(urlText)'")
        }
        let kind: NewsletterConfig.SourceKind?
        if let kindText = try string(values, "kind", required: false) {
            guard let parsed = NewsletterConfig.SourceKind(rawValue: kindText) else {
                throw ConfigError(
                    file: file, line: values["kind"]?.line, key: prefix + "kind",
                    reason: "expected listing or feed, got '\(kindText)'")
            }
            kind = parsed
        } else {
            kind = nil
        }
        func selector(_ key: String) throws -> String? {
            guard let text = try string(values, key, required: false) else { return nil }
            do {
                _ = try PageSelector(text)
            } catch {
                throw ConfigError(file: file, line: values[key]?.line, key: prefix + key, reason: "\(error)")
            }
            return text
        }
        return NewsletterConfig.Source(
            name: try string(values, "name", required: false) ?? url.host ?? url.lastPathComponent,
            url: url,
            kind: kind,
            timeZone: try timeZone(values, "timezone") ?? defaultZone,
            maxPages: try int(values, "max_pages", default: 5, range: 1...50),
            fullText: try bool(values, "full_text", default: false),
            selectors: NewsletterConfig.Selectors(
                links: try selector("links"), nextPage: try selector("next_page"), title: try selector("title"),
                date: try selector("date"), body: try selector("body")),
            lateDays: try int(values, "late_days", default: 21, range: 0...365)
        )
    }

    private func smtp(_ node: Node) throws -> NewsletterConfig.SMTP {
        guard let mapping = node.mapping else {
            throw ConfigError(
                file: file, line: node.mark?.line, key: "smtp", reason: "expected url, starttls, username, …")
        }
        let values = try keyed(mapping, allowed: Self.smtpKeys, prefix: "smtp.")
        guard let urlText = try string(values, "url", required: false) else {
            throw ConfigError(file: file, line: node.mark?.line, key: "smtp.url", reason: "missing (required)")
        }
        guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps",
            let host = url.host, !host.isEmpty
        else {
            throw ConfigError(
                file: file, line: values["url"]?.line, key: "smtp.url",
                reason: "expected smtp://host:port or smtps://host:port, got '\(urlText)'")
        }
        var starttls = NewsletterConfig.StartTLS.required
        if let text = try string(values, "starttls", required: false) {
            guard let mode = NewsletterConfig.StartTLS(rawValue: text) else {
                throw ConfigError(
                    file: file, line: values["starttls"]?.line, key: "smtp.starttls",
                    reason: "expected required, opportunistic or off, got '\(text)'")
            }
            starttls = mode
        }
        let username = try string(values, "username", required: false)
        if scheme == "smtp", starttls != .required, !SendTimeChecks.resolvesToLoopbackOnly(host) {
            throw ConfigError(
                file: file, line: values["starttls"]?.line, key: "smtp.starttls",
                reason:
                    "'\(starttls.rawValue)' would send mail (and any password) in clear text to \(host); only loopback test servers may use it"
            )
        }
        var delays: [Double] = [5, 30]
        if let entry = values["retry_delays"] {
            guard let sequence = entry.value.sequence else {
                throw error(entry, "expected a list of seconds, e.g. [5, 30]")
            }
            delays = try sequence.map { item in
                guard let value = item.scalar.flatMap({ Double($0.string) }), value >= 0, value <= 3600 else {
                    throw ConfigError(
                        file: file, line: item.mark?.line, key: "smtp.retry_delays",
                        reason: "expected seconds from 0 to 3600")
                }
                return value
            }
        }
        return NewsletterConfig.SMTP(
            url: url,
            starttls: starttls,
            username: username,
            passwordEnvironmentVariable: try string(values, "password_env", required: false),
            caFile: try string(values, "ca_file", required: false).map { resolve($0).path },
            connections: try int(values, "connections", default: 2, range: 1...16),
            ratePerSecond: try double(values, "rate_per_second", default: 10, range: 0...10_000),
            timeoutSeconds: try int(values, "timeout_seconds", default: 60, range: 1...3600),
            retryDelays: delays,
            giveUpAfterHours: try double(values, "give_up_after_hours", default: 48, range: 0...720)
        )
    }

    /// Whether `text` starts with a host name (`www.example.gov.cn/…`, `127.0.0.1:8080/…`,
    /// `localhost:8080`): a web address whose `https://` was left out, not a local file.
    ///
    /// A bare file name such as `feed.xml` or `news.rss` is not taken for one.
    static func startsWithHostName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let first = parts.first ?? ""
        guard
            let match = first.wholeMatch(
                of: /(?i)(localhost|[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}|\d{1,3}(\.\d{1,3}){3})(:\d{1,5})?/)
        else { return false }
        return match.output.4 != nil || parts.count > 1 || first.lowercased().hasPrefix("www.")
    }
}
