import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score the extractor against fixture pages and feeds with ground truth, and time it.",
            discussion: """
                Each DIR is a `real/` fixture folder (caseNN.html|xml + caseNN.expected.json) or a `site/` folder \
                (expected.json + snapshot folders). Without DIR: Tests/NewsletterKitTests/Resources/real and \
                .../site under the current directory. Prints per case ✓ hit, ✗ miss, · not checked; then the \
                hits/checked per check and pages per second.
                """)

        @Argument(help: "Fixture folders.", completion: .directory) var directories: [String] = []
        @Option(name: .customLong("repeat"), help: "Extract each case this many times (speed).") var repetitions = 1
        @Option(name: .long, help: "Only cases of this kind: article or feed.") var kind: String?
        @Flag(name: .long, help: "Print the totals only.") var quiet = false
        @Flag(name: .long, help: "Print the totals as JSON.") var json = false

        func validate() throws {
            guard repetitions >= 1 else { throw ValidationError("Please give --repeat a number of at least 1.") }
            if let kind, ExtractionEvaluation.Kind(rawValue: kind) == nil {
                throw ValidationError("Please give --kind as article or feed.")
            }
        }

        func run() async throws {
            let folders =
                directories.isEmpty
                ? ["Tests/NewsletterKitTests/Resources/real", "Tests/NewsletterKitTests/Resources/site"] : directories
            var cases: [ExtractionEvaluation.Case] = []
            for folder in folders {
                cases += try ExtractionEvaluation.loadCases(in: URL(fileURLWithPath: folder, isDirectory: true))
            }
            if let kind = kind.flatMap(ExtractionEvaluation.Kind.init(rawValue:)) {
                cases = cases.filter { $0.kind == kind }
            }
            let report = ExtractionEvaluation.run(cases, repetitions: repetitions)
            if json {
                var checks: [String: [String: Int]] = [:]
                for check in ExtractionEvaluation.Check.allCases {
                    let tally = report.tally(check)
                    checks[check.rawValue] = ["hits": tally.hits, "checked": tally.checked]
                }
                let object: [String: Any] = [
                    "cases": cases.count, "extractions": report.extractions, "seconds": report.seconds,
                    "pages_per_second": report.pagesPerSecond, "checks": checks,
                    "misses": report.outcomes.filter { !$0.passed() }.map { ["case": $0.name, "notes": $0.notes] },
                ]
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else if quiet {
                print(report.table(showNotes: false).split(separator: "\n").suffix(3).joined(separator: "\n"))
            } else {
                print(report.table())
            }
        }
    }
}
