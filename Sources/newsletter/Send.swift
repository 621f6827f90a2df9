import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Fetch, select, render and send this week's digest to every active subscriber, recording every delivery.",
            discussion: """
                Progress goes to standard output, problems to standard error; on a terminal \
                a live line shows how far the run has got; when the output is not a terminal \
                (cron, a log file) every line starts with a UTC timestamp. Every accepted \
                message is recorded before the session sends its next one; if a delivery \
                cannot be recorded, sending stops at once. A message with no reply to the end \
                of DATA is recorded as uncertain and not resent unless --resend-uncertain is \
                given. A source that has failed in alert_after_failed_runs runs in a row \
                (default 2) is reported with ALERT on standard error.

                Exit status (for cron and scripts):
                  0    all good: every message accepted, or nothing new (nothing sent,
                       no connection opened)
                  2    sent (or nothing new), but a source failed: its articles wait
                       for a run where it works
                  3    some deliveries failed permanently, are uncertain, or were
                       deferred to the next run
                  1    nothing sent: an error (every source failed, SMTP unreachable or
                       refusing TLS/login, a missing subscriber list, …); the message
                       names the file, server or setting; pending deliveries are kept
                  64   a usage error
                  75   another run of the same configuration holds the lock; nothing done
                  130  interrupted (SIGINT/SIGTERM): messages in flight finish and are
                       recorded

                Examples:
                  newsletter send --dry-run              # what would go out, to how many
                  newsletter send --test you@example.com # this week's digest to one address
                  newsletter send --json | jq .exit_status

                Cron (full path; the password from a file only the cron user reads; \
                CRON_TZ, else cron reads the time in the server's zone, usually UTC):
                  CRON_TZ=Asia/Shanghai
                  0 7 * * 1  cd /srv/newsletter && . ./smtp-password.env && \\
                             /usr/local/bin/newsletter send >>send.log 2>&1
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        @Flag(name: .long, help: "Select, render and check every message, but send and record nothing.")
        var dryRun = false

        @Flag(
            name: .long, help: "First turn uncertain deliveries (no reply to the end of DATA) back into pending ones.")
        var resendUncertain = false

        @Option(name: .long, help: "Send this week's digest to this one address only, recording and marking nothing.")
        var test: String?

        @Flag(name: .shortAndLong, help: "Print problems only (standard error); no progress lines.")
        var quiet = false

        @Flag(
            name: .long,
            help: "Print the run's summary as JSON on standard output (problems still go to standard error).")
        var json = false

        func run() async throws {
            let console = Console.shared
            console.timestamps = true
            console.quiet = quiet || json
            let config = try global.loadConfig()
            let now = try clock.resolve()
            guard let smtp = config.smtp else { throw CommandFailure("\(config.file.path): \(NewsletterError.noSMTP)") }
            let transport = try CurlSMTPTransport(
                settings: smtp,
                heloDomain: config.from.email.split(separator: "@").last.map(String.init) ?? "localhost",
                configFile: config.file)
            var newsletter = try Newsletter(config: config, logger: global.makeLogger())
            newsletter.onProgress = { console.live($0) }
            newsletter.onResume = { id, subject in
                console.progress("resuming digest \(id) (\"\(subject)\"), left unfinished by an earlier run")
            }
            let signals = StopSignals(newsletter.stop)
            defer { signals.cancel() }
            if let test {
                let (reply, lastIssue) = try await newsletter.sendTest(to: test, now: now, transport: transport)
                if let lastIssue {
                    console.progress("nothing new since the last issue: sending it again (\(lastIssue))")
                }
                return console.progress("test message accepted for \(test): \(reply)")
            }
            let report: SendReport
            do {
                report = try await newsletter.send(
                    now: now, dryRun: dryRun, transport: transport, resendUncertain: resendUncertain)
            } catch let error as RunLockError where error.isHeld {
                console.problem("another run holds the lock (\(error.path)); nothing sent")
                if json { console.result(#"{"exit_status": 75, "locked": true}"#) }
                throw ExitStatus.locked
            } catch {
                console.problem("nothing sent: \(Self.withFix(error, config: config))")
                // The whole site down is when the alert matters most.
                if let error = error as? NewsletterError {
                    let alerts = SendOutcome.alerts(error.sourceHealth, config: config)
                    for line in SendOutcome.alertLines(alerts, config: config) { console.problem(line) }
                }
                if json { console.result(#"{"exit_status": 1, "error": \#(Self.jsonString("\(error)"))}"#) }
                throw ExitCode.failure
            }
            let outcome = SendOutcome(report: report, config: config, dryRun: dryRun)
            for line in outcome.problems { console.problem(line) }
            for line in outcome.progress { console.progress(line) }
            if json { console.result(try outcome.json()) }
            if outcome.status != 0 { throw ExitCode(outcome.status) }
        }

        /// The error with the setting to look at, for the failures a first run meets.
        static func withFix(_ error: any Error, config: NewsletterConfig) -> String {
            let text = "\(error)"
            // A source's timeout or unreachable host is not the mail server's (a first user was sent to smtp.url).
            if (error as? NewsletterError)?.isSourceFailure == true { return text }
            guard let smtp = config.smtp else { return text }
            return SMTPHint.describe(text, smtp: smtp) ?? text
        }

        static func jsonString(_ text: String) -> String {
            let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }
}
