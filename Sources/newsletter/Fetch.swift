import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch every source, store the articles, and list what is new.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        func run() async throws {
            let config = try global.loadConfig()
            let now = try clock.resolve()
            let newsletter = try Newsletter(config: config, logger: global.makeLogger())
            let summary = await newsletter.fetchAll(now: now)
            for failure in summary.failedSources { say("source failed: \(failure.name): \(failure.reason)") }
            for problem in summary.problems { say("skipped: \(problem)") }
            let selected = try await newsletter.selectNew(now: now)
            say("\(summary.newArticles.count) article(s) stored, \(selected.count) new for the next digest:")
            for item in newsletter.makeContent(selected, now: now).items {
                say("  \(item.date)  \(item.title)  \(item.url)")
            }
            // What was recorded this run but will not be sent, and why.
            for line in summary.notFetched { say("not sent: \(line)") }
            let selectedKeys = Set(selected.map(\.key))
            let unsent = summary.newArticles.filter { $0.isExtracted && !selectedKeys.contains($0.key) }
            if !unsent.isEmpty {
                say(
                    "not sent: \(unsent.count) stored article(s) outside the lookback window of \(config.lookbackDays) "
                        + "days (a source's first fetch sends at most \(config.firstRunMaxItems); see late_days):")
                for article in unsent.prefix(10) {
                    let day = article.publishedAt.map { DateParser.iso8601($0, timeZone: config.timeZone).prefix(10) }
                    say("  \(day.map(String.init) ?? "undated")  \(article.title)  \(article.url)")
                }
            }
            if summary.allFailed { throw ExitCode.failure }
        }
    }
}
