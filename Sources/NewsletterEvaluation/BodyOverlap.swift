import Foundation

/// How much of a page's true article text an extracted body holds, and how much else it holds.
///
/// Two measures, each a bag (multiset) comparison normalised per page so that long pages weigh no more than
/// short ones, as in Zyte's article-extraction-benchmark (`evaluate.py`, `string_shingle_matching`):
/// - **characters**: every non-whitespace character is one item (the "character F1" used for Chinese pages,
///   where words are not separated by spaces);
/// - **shingles**: runs of letters, digits and `_` are tokens (Python's `\w+`), and every 4 consecutive tokens
///   are one item (the benchmark's own rule; a text of fewer than 4 tokens is one item).
///
/// Over many pages, precision and recall are the means of the per-page values and F1 is their harmonic mean
/// (``ExtractionEvaluation/Report/bodyF1(chinese:measure:)``), again as the benchmark computes them.
public struct BodyOverlap: Sendable {
    /// True positives, false positives and false negatives, divided by their sum (so they add up to 1).
    public struct Counts: Sendable {
        public var truePositives: Double
        public var falsePositives: Double
        public var falseNegatives: Double

        /// `tp / (tp + fp)`; 1 when both texts are empty, 0 when nothing was found.
        public var precision: Double {
            if falsePositives == 0 && falseNegatives == 0 { return 1 }
            return truePositives + falsePositives > 0 ? truePositives / (truePositives + falsePositives) : 0
        }

        /// `tp / (tp + fn)`; 1 when both texts are empty.
        public var recall: Double {
            if falsePositives == 0 && falseNegatives == 0 { return 1 }
            return truePositives + falseNegatives > 0 ? truePositives / (truePositives + falseNegatives) : 0
        }

        /// The harmonic mean of ``precision`` and ``recall`` (0 when both are 0).
        public var f1: Double {
            precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        }
    }

    /// Which bag of items is compared.
    public enum Measure: String, CaseIterable, Sendable {
        case characters
        case shingles
    }

    public var characters: Counts
    public var shingles: Counts

    /// Compares the extracted body text `found` with the ground truth `truth`.
    public init(truth: String, found: String) {
        characters = Self.compare(Self.characterBag(truth), Self.characterBag(found))
        shingles = Self.compare(Self.shingleBag(truth), Self.shingleBag(found))
    }

    /// The counts of one measure.
    public subscript(_ measure: Measure) -> Counts {
        switch measure {
        case .characters: characters
        case .shingles: shingles
        }
    }

    static func characterBag(_ text: String) -> [String: Int] {
        var bag: [String: Int] = [:]
        for scalar in text.unicodeScalars where !scalar.properties.isWhitespace && scalar.value != 0x3000 {
            bag[String(scalar), default: 0] += 1
        }
        return bag
    }

    /// Runs of letters, digits and `_`, as Python's `re.findall(r"\w+", text)` finds them.
    static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil || scalar == "_" {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    static func shingleBag(_ text: String) -> [String: Int] {
        let words = tokens(text)
        var bag: [String: Int] = [:]
        guard !words.isEmpty else { return bag }
        for start in 0..<max(1, words.count - 3) {
            bag[words[start..<min(words.count, start + 4)].joined(separator: "\u{1F}"), default: 0] += 1
        }
        return bag
    }

    static func compare(_ truth: [String: Int], _ found: [String: Int]) -> Counts {
        var tp = 0.0
        var fp = 0.0
        var fn = 0.0
        for (key, count) in truth {
            let other = found[key] ?? 0
            tp += Double(min(count, other))
            fn += Double(max(0, count - other))
        }
        for (key, count) in found { fp += Double(max(0, count - (truth[key] ?? 0))) }
        let sum = tp + fp + fn
        guard sum > 0 else { return Counts(truePositives: 0, falsePositives: 0, falseNegatives: 0) }
        return Counts(truePositives: tp / sum, falsePositives: fp / sum, falseNegatives: fn / sum)
    }
}

extension ExtractionEvaluation.Report {
    /// Body precision, recall and F1 over the cases with a body truth, Chinese pages or the others.
    ///
    /// - Parameters:
    ///   - chinese: Chinese pages (`true`) or all others (`false`).
    ///   - measure: Characters or 4-token shingles (see ``BodyOverlap``).
    /// - Returns: Mean precision, mean recall, their harmonic mean and how many pages were scored; `nil` when
    ///   none was.
    public func bodyF1(chinese: Bool, measure: BodyOverlap.Measure) -> (
        precision: Double, recall: Double, f1: Double, pages: Int
    )? {
        let counts = outcomes.filter { $0.isChinese == chinese }.compactMap { $0.bodyOverlap?[measure] }
        let precisions = counts.filter { $0.truePositives + $0.falsePositives > 0 }.map(\.precision)
        let recalls = counts.filter { $0.truePositives + $0.falseNegatives > 0 }.map(\.recall)
        guard !counts.isEmpty else { return nil }
        let precision = precisions.isEmpty ? 0 : precisions.reduce(0, +) / Double(precisions.count)
        let recall = recalls.isEmpty ? 0 : recalls.reduce(0, +) / Double(recalls.count)
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return (precision, recall, f1, counts.count)
    }

    /// Lines for the table: body F1 per language group and measure, where any page has a body truth.
    public func bodyF1Lines() -> [String] {
        var lines: [String] = []
        for (chinese, label) in [(true, "Chinese"), (false, "other")] {
            for measure in BodyOverlap.Measure.allCases {
                guard let score = bodyF1(chinese: chinese, measure: measure) else { continue }
                lines.append(
                    "body F1 \(label) (\(measure.rawValue)): "
                        + String(
                            format: "%.3f (P %.3f, R %.3f, %d pages)", score.f1, score.precision, score.recall,
                            score.pages))
            }
        }
        return lines
    }
}
