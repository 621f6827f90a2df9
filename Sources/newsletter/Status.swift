import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the last digests, each source's health, the failed deliveries and the subscriber counts.",
            discussion: """
                Reads the state database and the subscriber list; changes nothing and \
                contacts nothing.
                  digests      date, subject, articles, and how many deliveries were
                               accepted, failed (permanently), deferred (pending after a
                               temporary failure), pending (not tried yet) and uncertain
                  sources      when each source last worked, and how many runs in a row
                               it has failed; ALERT from alert_after_failed_runs (2)
                  failed       each failed or uncertain delivery with the server's reply
                  subscribers  counts by status (active, pending, unsubscribed, bounced)
                Exit status: 0; 2 when a source is alerting or a digest is unfinished, so \
                that a monitoring script can act on it.

                Examples:
                  newsletter status
                  newsletter status --json --last 1 | jq '.digests[0].accepted'
                """)

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        @Option(name: .long, help: "How many digests to show, newest first.")
        var last = 5

        func validate() throws {
            guard last >= 1 else { throw ValidationError("Please give --last a number of at least 1.") }
        }

        func run() async throws {
            let config = try global.loadConfig()
            guard FileManager.default.fileExists(atPath: config.stateFile.path) else {
                if json {
                    Console.shared.result(#"{"digests": [], "sources": [], "failed": [], "subscribers": {}}"#)
                } else {
                    say("no state yet (\(config.stateFile.path)): nothing fetched or sent so far")
                }
                return
            }
            let database = try AppDatabase(scratchCopyOf: config.stateFile)
            let (digests, failed) = try await database.statusOverview(limit: last)
            let health = try await database.sourceHealth()
            let list = try? SubscriberList.load(from: config.subscribersFile, tokens: nil)
            var subscribers: [String: Int] = [:]
            for status in Subscriber.Status.allCases {
                subscribers[status.rawValue] = list?.subscribers.filter { $0.status == status }.count ?? 0
            }
            let sources = config.sources.map { source in
                SourceLine(
                    name: source.name, url: source.url.absoluteString,
                    lastSuccessAt: health[source.name]?.lastSuccessAt,
                    lastFailureAt: health[source.name]?.lastFailureAt,
                    consecutiveFailures: health[source.name]?.consecutiveFailures ?? 0,
                    lastError: (health[source.name]?.consecutiveFailures ?? 0) > 0
                        ? health[source.name]?.lastError : nil,
                    alert: (health[source.name]?.consecutiveFailures ?? 0) >= config.alertAfterFailedRuns)
            }
            let attention = sources.contains { $0.alert } || digests.contains { !$0.finished }
            if json {
                struct Output: Encodable {
                    var digests: [AppDatabase.DigestStatus]
                    var sources: [SourceLine]
                    var failed: [AppDatabase.FailedDelivery]
                    var subscribers: [String: Int]
                }
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Console.shared.result(
                    String(
                        decoding: try encoder.encode(
                            Output(digests: digests, sources: sources, failed: failed, subscribers: subscribers)),
                        as: UTF8.self))
            } else {
                printText(config: config, digests: digests, sources: sources, failed: failed, subscribers: subscribers)
            }
            if attention { throw ExitCode(2) }
        }

        struct SourceLine: Encodable {
            var name: String
            var url: String
            var lastSuccessAt: Date?
            var lastFailureAt: Date?
            var consecutiveFailures: Int
            var lastError: String?
            var alert: Bool
        }

        private func printText(
            config: NewsletterConfig, digests: [AppDatabase.DigestStatus], sources: [SourceLine],
            failed: [AppDatabase.FailedDelivery], subscribers: [String: Int]
        ) {
            let time = { (date: Date) -> String in
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = config.timeZone
                formatter.dateFormat = "yyyy-MM-dd HH:mm"
                return formatter.string(from: date)
            }
            say("times in \(config.timeZone.identifier) (`timezone` in \(config.file.lastPathComponent))")
            say("digests (newest first):")
            if digests.isEmpty { say("  none yet") }
            for digest in digests {
                var counts = [
                    "\(digest.accepted) accepted", "\(digest.failed) failed", "\(digest.deferred) deferred",
                    "\(digest.pending) pending",
                ]
                if digest.uncertain > 0 { counts.append("\(digest.uncertain) uncertain") }
                if digest.notSent > 0 { counts.append("\(digest.notSent) not sent (no longer subscribed)") }
                say(
                    "  #\(digest.id)  \(time(digest.createdAt))  \"\(digest.subject)\"  \(digest.articles) article(s)  "
                        + counts.joined(separator: ", ")
                        + (digest.finished ? "" : "  (unfinished: resumed by the next send)"))
            }
            say("sources:")
            for source in sources {
                let worked = source.lastSuccessAt.map { "last worked \(time($0))" } ?? "never worked"
                if source.consecutiveFailures == 0 {
                    say("  ok     \(source.name): \(worked)")
                } else {
                    say(
                        "  \(source.alert ? "ALERT " : "failing") \(source.name): failed in the last \(source.consecutiveFailures) run(s), \(worked); \(source.lastError ?? "")"
                    )
                }
            }
            if !failed.isEmpty {
                say("failed deliveries:")
                for delivery in failed {
                    say(
                        "  #\(delivery.digestID)  \(delivery.email)  \(delivery.status)  \(delivery.code.map(String.init) ?? "-") \(delivery.reply ?? "")"
                    )
                }
            }
            let order = Subscriber.Status.allCases.map { "\(subscribers[$0.rawValue] ?? 0) \($0.rawValue)" }
            say("subscribers: " + order.joined(separator: ", ") + " (\(config.subscribersFile.path))")
        }
    }
}
