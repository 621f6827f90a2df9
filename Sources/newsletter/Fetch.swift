import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch every source, store the articles, and list what is new.",
            discussion: """
                Sends nothing. Articles are stored (a source's first fetch records its back catalogue as \
                seen), so the next send does not fetch them again. Problems go to standard error, the list \
                to standard output; lines are stamped with the time when not on a terminal.
                Exit status: 0 all sources worked; 2 some source failed (named with its URL); 1 every \
                source failed.

                Example:
                  newsletter fetch --config /srv/newsletter/newsletter.yml
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        @Flag(name: .shortAndLong, help: "Print problems only (standard error).")
        var quiet = false

        func run() async throws {
            Console.shared.timestamps = true
            Console.shared.quiet = quiet
            let config = try global.loadConfig()
            let now = try clock.resolve()
            var newsletter = try Newsletter(config: config, logger: global.makeLogger())
            newsletter.onProgress = { Console.shared.live($0) }
            let summary = await newsletter.fetchAll(now: now)
            if let stateError = summary.stateError { throw stateError }
            for failure in summary.failedSources {
                Console.shared.problem("source failed: \(failure.name): \(failure.reason)")
            }
            for health in summary.sourceHealth where health.consecutiveFailures >= config.alertAfterFailedRuns {
                Console.shared.problem(
                    "ALERT: source \(health.name) has failed in \(health.consecutiveFailures) runs in a row")
            }
            for problem in summary.problems { Console.shared.problem("skipped: \(problem)") }
            let selected = try await newsletter.selectNew(now: now)
            // The colon only when the list follows.
            Console.shared.progress(
                "\(summary.newArticles.count) article(s) stored, \(selected.count) new for the next digest"
                    + (selected.isEmpty ? "" : ":"))
            for item in newsletter.makeContent(selected, now: now).items {
                Console.shared.progress("  \(item.date)  \(item.title)  \(item.url)")
            }
            // What was recorded this run but will not be sent, and why.
            for line in summary.notFetched { Console.shared.progress("not sent: \(line)") }
            let selectedKeys = Set(selected.map(\.key))
            let unsent = summary.newArticles.filter { $0.isExtracted && !selectedKeys.contains($0.key) }
            // Dated inside the window but not selected: held back as the same article as another (or by a first
            // fetch's limit), not for its date (a new-user trial was told "outside the lookback window" for them).
            let windowStart = now.addingTimeInterval(-Double(config.lookbackDays) * 86_400)
            let (heldBack, outside) = unsent.reduce(into: ([StoredArticle](), [StoredArticle]())) { groups, article in
                if let published = article.publishedAt, published < windowStart {
                    groups.1.append(article)
                } else {
                    groups.0.append(article)
                }
            }
            func list(_ articles: [StoredArticle]) {
                for article in articles.prefix(10) {
                    let day = article.publishedAt.map { DateParser.iso8601($0, timeZone: config.timeZone).prefix(10) }
                    Console.shared.progress("  \(day.map(String.init) ?? "undated")  \(article.title)  \(article.url)")
                }
            }
            if !outside.isEmpty {
                Console.shared.progress(
                    "not sent: \(outside.count) stored article(s) outside the lookback window of \(config.lookbackDays) "
                        + "days (see late_days):")
                list(outside)
            }
            if !heldBack.isEmpty {
                Console.shared.progress(
                    "not sent: \(heldBack.count) stored article(s) inside the window held back as the same article as "
                        + "one already sent or listed above (same page, or same title and date), or beyond a source's "
                        + "first-fetch limit of \(config.firstRunMaxItems) (first_run_max_items):")
                list(heldBack)
            }
            if summary.allFailed { throw ExitCode.failure }
            if !summary.failedSources.isEmpty { throw ExitCode(2) }
        }
    }
}
