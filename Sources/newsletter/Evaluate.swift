import ArgumentParser
import Foundation
import NewsletterEvaluation
import NewsletterKit

extension NewsletterCommand {
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score the extractor against fixture pages and feeds with ground truth, and time it.",
            discussion: """
                Each DIR is a `real/` fixture folder (caseNN.html|xml + caseNN.expected.json) or a `site/` folder \
                (expected.json + snapshot folders) or a `listings/` folder (NAME.html + NAME.expected.json with `links`). Without DIR: Tests/NewsletterKitTests/Resources/real and \
                .../site under the current directory. Prints per case ✓ hit, ✗ miss, · not checked; then the \
                hits/checked per check and pages per second.

                Examples:
                  newsletter evaluate
                  newsletter evaluate Tests/NewsletterKitTests/Resources/listings --quiet
                  newsletter evaluate --repeat 20 --json
                """)

        @Argument(help: "Fixture folders.", completion: .directory) var directories: [String] = []
        @Option(name: .customLong("repeat"), help: "Extract each case this many times (speed).") var repetitions = 1
        @Option(name: .long, help: "Only cases of this kind: article, feed or listing.") var kind: String?
        @Flag(name: .long, help: "Print the totals only.") var quiet = false
        @Flag(name: .long, help: "Print the totals as JSON.") var json = false

        func validate() throws {
            guard repetitions >= 1 else { throw ValidationError("Please give --repeat a number of at least 1.") }
            if let kind, ExtractionEvaluation.Kind(rawValue: kind) == nil, kind != "listing" {
                throw ValidationError("Please give --kind as article, feed or listing.")
            }
        }

        func run() async throws {
            let folders =
                directories.isEmpty
                ? [
                    "Tests/NewsletterKitTests/Resources/real", "Tests/NewsletterKitTests/Resources/site",
                    "Tests/NewsletterKitTests/Resources/listings",
                ] : directories
            var cases: [ExtractionEvaluation.Case] = []
            var listingCases: [ListingEvaluation.Case] = []
            for folder in folders {
                let url = URL(fileURLWithPath: folder, isDirectory: true)
                if ListingEvaluation.isListingFolder(url) {
                    listingCases += try ListingEvaluation.loadCases(in: url)
                } else {
                    cases += try ExtractionEvaluation.loadCases(in: url)
                }
            }
            if kind == "listing" {
                cases = []
            } else if kind != nil {
                listingCases = []
            }
            let listingRun = ListingEvaluation.timedRun(listingCases, repetitions: repetitions)
            let listingOutcomes = listingRun.outcomes
            let listingSpeed =
                "\(listingRun.extractions) listing extractions in \(String(format: "%.3f", listingRun.seconds)) s: "
                + String(format: "%.1f", Double(listingRun.extractions) / max(listingRun.seconds, 1e-9)) + " pages/s"
            defer {
                if !listingCases.isEmpty && !json {
                    let table = ListingEvaluation.table(listingOutcomes, showNotes: !quiet)
                    print(quiet ? table.split(separator: "\n").suffix(2).joined(separator: "\n") : table)
                    print(listingSpeed)
                }
            }
            if let kind = kind.flatMap(ExtractionEvaluation.Kind.init(rawValue:)), !cases.isEmpty {
                cases = cases.filter { $0.kind == kind }
            }
            let report = ExtractionEvaluation.run(cases, repetitions: repetitions)
            if json {
                var checks: [String: [String: Int]] = [:]
                for check in ExtractionEvaluation.Check.allCases {
                    let tally = report.tally(check)
                    checks[check.rawValue] = ["hits": tally.hits, "checked": tally.checked]
                }
                var bodyF1: [String: Any] = [:]
                for (chinese, group) in [(true, "zh"), (false, "other")] {
                    for measure in BodyOverlap.Measure.allCases {
                        guard let score = report.bodyF1(chinese: chinese, measure: measure) else { continue }
                        bodyF1["\(group)_\(measure.rawValue)"] = [
                            "f1": score.f1, "precision": score.precision, "recall": score.recall, "pages": score.pages,
                        ]
                    }
                }
                let pageF1 = report.outcomes.compactMap { outcome -> [String: Any]? in
                    guard let overlap = outcome.bodyOverlap else { return nil }
                    return ["case": outcome.name, "characters": overlap.characters.f1, "shingles": overlap.shingles.f1]
                }
                let object: [String: Any] = [
                    "body_f1": bodyF1, "body_f1_pages": pageF1,
                    "cases": cases.count, "extractions": report.extractions, "seconds": report.seconds,
                    "pages_per_second": report.pagesPerSecond, "checks": checks,
                    "misses": report.outcomes.filter { !$0.passed() }.map { ["case": $0.name, "notes": $0.notes] },
                    "listing_extractions": listingRun.extractions, "listing_seconds": listingRun.seconds,
                    "listings": listingOutcomes.map { outcome -> [String: Any] in
                        [
                            "case": outcome.name, "hits": outcome.hits, "checked": outcome.checked,
                            "notes": outcome.notes,
                        ]
                    },
                ]
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else if quiet {
                print(
                    report.table(showNotes: false).split(separator: "\n").suffix(3 + report.bodyF1Lines().count).joined(
                        separator: "\n"))
            } else {
                print(report.table())
            }
        }
    }
}
