import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check the whole setup without sending anything: configuration, templates, sources, subscribers, SMTP, unsubscribe.",
            discussion: """
                Each check prints one line, ok, warning or FAILED, with what it found; \
                problems add a line saying what to change. In order:
                  configuration  the file loads (every problem names file, line and key)
                  templates      both templates parse and render sample data, with the
                                 unsubscribe link
                  source NAME    the listing page or feed is fetched: articles found, how
                                 many are new, and why nothing is new when nothing is
                                 (into a scratch copy: the state is not touched)
                  subscribers    the list reads, with counts by status; one is active
                  smtp           the server is reached and logged into: EHLO, STARTTLS,
                                 AUTH, NOOP, QUIT; no message is sent
                  unsubscribe    an unsubscribe link (and, with an https link, the
                                 one-click header) will be in every message
                Exit status: 0 when nothing failed (warnings allowed), 1 when something \
                failed, 64 on a usage error.

                Example:
                  export NEWSLETTER_SMTP_PASSWORD='…'
                  newsletter check --config /srv/newsletter/newsletter.yml
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        @Flag(name: .long, help: "Print the findings as JSON.")
        var json = false

        func run() async throws {
            let path = global.config ?? NewsletterConfig.defaultFileName
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure(
                    "\(path): no such configuration file (pass --config PATH, or create one with `newsletter init`)")
            }
            let now = try clock.resolve()
            let check = SetupCheck(configFile: URL(fileURLWithPath: path))
            let printLive = !json
            let items = await check.run(now: now) { item in
                if printLive { Self.printItem(item) }
            }
            let failed = items.filter { $0.status == .failed }.count
            let warned = items.filter { $0.status == .warning }.count
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                struct Output: Encodable {
                    var ok: Bool
                    var items: [SetupCheck.Item]
                }
                print(String(decoding: try encoder.encode(Output(ok: failed == 0, items: items)), as: UTF8.self))
            } else {
                say(
                    failed == 0
                        ? "all checks passed\(warned > 0 ? " (\(warned) warning(s))" : "")"
                        : "\(failed) check(s) failed\(warned > 0 ? ", \(warned) warning(s)" : "")")
            }
            if failed > 0 { throw ExitCode.failure }
        }

        private static func printItem(_ item: SetupCheck.Item) {
            let mark =
                switch item.status {
                case .ok: "ok     "
                case .warning: "warning"
                case .failed: "FAILED "
                }
            say("\(mark) \(item.name): \(item.detail)")
            if let fix = item.fix, item.status != .ok { say("        fix: \(fix)") }
        }
    }
}
