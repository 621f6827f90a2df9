import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Mailbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the unsubscribe/bounce mailbox (IMAP or POP3): bounces, mailto unsubscribes, auto-replies.",
            discussion: """
                Meant for cron after send. Hard bounces (5.x.x) set the address to bounced; soft bounces \
                (4.x.x) for mailbox.soft_bounce_limit consecutive digests do too; unsubscribe mails set the \
                token's owner to unsubscribed; auto-replies are ignored. Processed messages are flagged \
                (IMAP) or deleted (POP3) and never processed twice. Exit status: 0, 1 failure (nothing \
                marked), 3 when something needs a person (messages left in the mailbox, or bounces that \
                refused the sender rather than the address), 75 when another mailbox run holds the lock.

                Example (cron, an hour after the Monday send; the password comes from the \
                variable named by mailbox.password_env):
                  0 8 * * 1  cd /srv/newsletter && . ./mailbox-password.env && \\
                             /usr/local/bin/newsletter mailbox
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        func run() async throws {
            let config = try global.loadConfig()
            guard let settings = config.mailbox else {
                throw CommandFailure(
                    "\(config.file.path): no mailbox section (mailbox: url, username, password_env; see the README)")
            }
            let password = settings.passwordEnvironmentVariable.flatMap { ProcessInfo.processInfo.environment[$0] }
            if let variable = settings.passwordEnvironmentVariable, password == nil {
                throw CommandFailure(
                    "\(config.file.path): mailbox.password_env: the environment variable \(variable) is not set")
            }
            // As send, fetch and preview: never a fresh state beside an archive of sent issues.
            try Newsletter.refuseFreshStateBesideAnArchive(config)
            let reader = MailboxReader(
                config: config, database: try AppDatabase(file: config.stateFile), logger: global.makeLogger())
            let report: MailboxReport
            do {
                report = try reader.run(password: password, now: try clock.resolve())
            } catch let error as RunLockError where error.isHeld {
                say("another mailbox run holds the lock (\(error.path)); nothing done")
                throw ExitStatus.locked
            } catch let error as MailboxError {
                throw CommandFailure("\(error)")
            }
            say(
                "mailbox: \(report.examined) message(s): \(report.hardBounces.count) hard bounce(s), \(report.softBounces.count) soft bounce(s), \(report.blocked.count) blocked, \(report.unsubscribed.count) unsubscribed, \(report.complained.count) complaint(s), \(report.autoReplies) auto-reply(ies), \(report.reportsWithoutFailure) report(s) without a failure, \(report.alreadyProcessed) processed before, \(report.leftAlone.count) left alone"
            )
            func describe(_ line: MailboxReport.BounceLine) -> String {
                // The server's words, one line and at most 200 characters (they come from the mail).
                let words =
                    line.diagnostic.map { text in
                        " ("
                            + String(
                                String(
                                    text.unicodeScalars.map {
                                        $0.properties.generalCategory == .control ? " " : Character($0)
                                    }
                                ).prefix(200)) + ")"
                    } ?? ""
                return "\(line.email): \(line.status)\(words): \(line.result)"
            }
            for line in report.hardBounces { say("hard bounce: \(describe(line))") }
            for line in report.softBounces { say("soft bounce: \(describe(line))") }
            for line in report.blocked { say("blocked: \(describe(line))") }
            if !report.blocked.isEmpty {
                say(
                    "\(report.blocked.count) bounce(s) refused the sender, not the address (5.7.x: a blocklist, SPF/DKIM/DMARC or a policy): nobody was disabled for them; check the sending setup, and remove an address by hand if one keeps refusing"
                )
            }
            for email in report.unsubscribed { say("unsubscribed: \(email)") }
            for email in report.complained { say("unsubscribed after a spam complaint: \(email)") }
            for item in report.leftAlone { say("left alone: message \(item.id): \(item.reason)") }
            if !report.leftAlone.isEmpty || !report.blocked.isEmpty { throw ExitStatus.partial }
            if !report.leftAlone.isEmpty { throw ExitStatus.partial }
        }
    }
}
