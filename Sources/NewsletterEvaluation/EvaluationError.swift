/// A fixture folder that ``ExtractionEvaluation`` cannot read.
public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
