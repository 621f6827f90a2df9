import Foundation
import NewsletterKit

/// One `send` run told truthfully: progress lines, problem lines, the exit status and the JSON summary.
struct SendOutcome {
    let report: SendReport
    let config: NewsletterConfig
    let dryRun: Bool

    /// Exit statuses beyond 0; see `newsletter send --help`.
    static let sourceFailed: Int32 = 2
    static let partial: Int32 = 3

    var stoppedBy: String? {
        let delivery = report.delivery
        if let error = delivery.recordingError {
            return "sending stopped: \(error); the message in flight may go out again on the next run"
        }
        if let error = delivery.buildError {
            return "sending stopped: \(error); its delivery and the rest stay pending"
        }
        if let fatal = delivery.fatalError {
            let described = config.smtp.flatMap { SMTPHint.describe(fatal, smtp: $0) } ?? fatal
            return "sending stopped: \(described); pending deliveries are kept for the next run"
        }
        return nil
    }

    var status: Int32 {
        if stoppedBy != nil { return 1 }
        if report.delivery.interrupted { return 130 }
        if !dryRun, !report.everythingDelivered { return Self.partial }
        if !report.fetch.failedSources.isEmpty { return Self.sourceFailed }
        return 0
    }

    /// Sources that failed in this run and in at least `alert_after_failed_runs` runs in a row.
    var alerts: [SourceHealth] {
        Self.alerts(report.fetch.sourceHealth, config: config)
    }

    static func alerts(_ health: [SourceHealth], config: NewsletterConfig) -> [SourceHealth] {
        health.filter { $0.consecutiveFailures >= config.alertAfterFailedRuns }
    }

    /// One `ALERT:` line per source in `alerts`.
    static func alertLines(_ alerts: [SourceHealth], config: NewsletterConfig) -> [String] {
        alerts.map { health in
            let since = health.lastSuccessAt.map { "last worked \(Self.day($0))" } ?? "never worked"
            return
                "ALERT: source \(health.name) has failed in \(health.consecutiveFailures) runs in a row (\(since)); its articles are missing from the digests until it works: check its url in \(config.file.lastPathComponent)"
        }
    }

    var problems: [String] {
        var lines: [String] = []
        for failure in report.fetch.failedSources {
            lines.append("source failed: \(failure.name): \(failure.reason)")
        }
        lines += Self.alertLines(alerts, config: config)
        for problem in report.fetch.problems { lines.append("skipped: \(problem)") }
        if report.omittedArticles > 0, config.archiveURL == nil {
            lines.append(
                "WARNING: \(report.omittedArticles) of \(report.articleCount) articles do not fit in the message (its HTML part is kept under html_budget_bytes so that Gmail does not clip it) and are only counted in its \"另有 \(report.omittedArticles) 篇\" line: without archive_url (see \(config.file.lastPathComponent)) subscribers cannot reach them; set archive_url and publish the archive, or lower lookback_days"
            )
        }
        for address in report.failedRecipients {
            lines.append("failed: \(address) (the server's reply is in `newsletter status`)")
        }
        for address in report.uncertainRecipients {
            lines.append(
                "uncertain: \(address) (no reply to the end of DATA; not resent: check the relay's log, then `send --resend-uncertain` if it was not delivered)"
            )
        }
        for address in report.disabledRecipients {
            lines.append(
                "disabled: \(address) (\(Newsletter.bounceLimit) permanent failures in a row; status set to bounced)")
        }
        if let stopped = stoppedBy { lines.append(stopped) }
        if report.delivery.interrupted {
            lines.append("interrupted: the rest of the digest stays pending and goes out on the next run")
        }
        if let problem = report.archiveProblem { lines.append("archive not written: \(problem)") }
        return lines
    }

    /// How many articles the trimmed message leaves out, and where they are.
    var omittedNote: String {
        "\(report.omittedArticles) of them not listed in the message (trimmed to html_budget_bytes)"
            + (config.archiveURL == nil ? "" : "; the issue's web page lists them")
    }

    var progress: [String] {
        var lines: [String] = []
        if report.requeuedUncertain > 0 {
            lines.append("resending \(report.requeuedUncertain) uncertain deliveries (--resend-uncertain)")
        }
        for unfinished in report.unfinishedDigests {
            lines.append(
                "dry run: digest \(unfinished.id) (\"\(unfinished.subject)\") is unfinished: a real send resumes it first (`newsletter status` shows its pending deliveries)"
            )
        }
        if report.nothingNew {
            lines.append(
                report.resumedDigests.isEmpty
                    ? "nothing new since the last digest: nothing sent"
                    : "nothing new since the last digest: no new digest (only the resumed one above)")
        } else if dryRun {
            let active = (try? SubscriberList.load(from: config.subscribersFile, tokens: nil).active.count).map {
                " to \($0) active subscriber(s)"
            }
            lines.append(
                "dry run: would send \"\(report.subject ?? "")\" with \(report.articleCount) article(s)\(active ?? ""); nothing sent or recorded"
            )
            if report.omittedArticles > 0 { lines.append(omittedNote) }
            return lines
        } else if let id = report.digestID {
            lines.append(
                "digest \(id): \"\(report.subject ?? "")\", \(report.articleCount) article(s)"
                    + (report.omittedArticles > 0 ? ", " + omittedNote : ""))
        }
        let delivery = report.delivery
        if delivery.accepted + delivery.permanentFailures + delivery.uncertain + report.pending > 0 {
            var parts = ["\(delivery.accepted) accepted", "\(delivery.permanentFailures) failed permanently"]
            if delivery.uncertain > 0 { parts.append("\(delivery.uncertain) uncertain") }
            if delivery.notSent > 0 { parts.append("\(delivery.notSent) not sent (no longer subscribed)") }
            parts.append("\(report.pending) pending for the next run")
            lines.append("delivered: " + parts.joined(separator: ", "))
        }
        if let archive = report.archive {
            lines.append("archive: \(archive.issues) issue(s) in \(archive.directory.path)")
        }
        return lines
    }

    private static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    /// The run's summary as JSON (`send --json`).
    func json() throws -> String {
        struct Source: Encodable {
            var name: String
            var reason: String
            var consecutiveFailures: Int?
        }
        struct Summary: Encodable {
            var exitStatus: Int32
            var dryRun: Bool
            var digestID: Int64?
            var subject: String?
            var articles: Int
            var nothingNew: Bool
            var resumedDigests: [Int64]
            var accepted: Int
            var failed: Int
            var uncertain: Int
            var pending: Int
            var failedRecipients: [String]
            var uncertainRecipients: [String]
            var disabledRecipients: [String]
            var sourcesFailed: [Source]
            var sourcesAlerting: [String]
            var error: String?
            var interrupted: Bool
            var archive: String?
        }
        let health = Dictionary(report.fetch.sourceHealth.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let summary = Summary(
            exitStatus: status, dryRun: dryRun, digestID: report.digestID, subject: report.subject,
            articles: report.articleCount, nothingNew: report.nothingNew, resumedDigests: report.resumedDigests,
            accepted: report.delivery.accepted, failed: report.delivery.permanentFailures,
            uncertain: report.delivery.uncertain, pending: report.pending, failedRecipients: report.failedRecipients,
            uncertainRecipients: report.uncertainRecipients, disabledRecipients: report.disabledRecipients,
            sourcesFailed: report.fetch.failedSources.map {
                Source(name: $0.name, reason: $0.reason, consecutiveFailures: health[$0.name]?.consecutiveFailures)
            },
            sourcesAlerting: alerts.map(\.name), error: stoppedBy, interrupted: report.delivery.interrupted,
            archive: report.archive?.directory.path)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }
}

/// Names the server, the user and the setting for an SMTP failure's text.
enum SMTPHint {
    static func describe(_ text: String, smtp: NewsletterConfig.SMTP) -> String? {
        let lower = text.lowercased()
        let server = "\(smtp.url.scheme ?? "smtp")://\(smtp.url.host ?? "")\(smtp.url.port.map { ":\($0)" } ?? "")"
        let user = smtp.username.map { "user \($0)" } ?? "no user"
        let fix: String
        if lower.contains("starttls") || lower.contains("use_ssl") || lower.contains("requested ssl level") {
            fix =
                "the server does not offer STARTTLS: if it speaks TLS from the start, set smtp.url to smtps://\(smtp.url.host ?? "host"):465 (smtp.starttls: off is only for a test server on 127.0.0.1)"
        } else if lower.contains("cannot reach") || lower.contains("couldn't connect") || lower.contains("resolve")
            || lower.contains("timed out") || lower.contains("timeout")
        {
            fix = "check smtp.url (host and port: 587 for STARTTLS, 465 for smtps://) and that the server is up"
        } else if lower.contains("login denied")
            || lower.range(of: #"(^|[^0-9])535[ -]"#, options: .regularExpression) != nil
            || lower.contains("authentication")
        {
            fix =
                "the login was refused: check smtp.username and the password in $\(smtp.passwordEnvironmentVariable ?? "NEWSLETTER_SMTP_PASSWORD") (smtp.password_env)"
        } else if lower.contains("certificate") || lower.contains("ssl peer") || lower.contains("ca cert") {
            fix = "TLS failed: smtp.url must name the host the certificate is for; a private CA goes in smtp.ca_file"
        } else {
            return nil
        }
        return "\(text) [server \(server), \(user)] — \(fix)"
    }
}
