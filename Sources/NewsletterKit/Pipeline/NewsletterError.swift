/// Failures of a whole run.
public struct NewsletterError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// Set when every source failed: the fault is the sources', not the mail server's.
    public let isSourceFailure: Bool
    /// When every source failed: each source's health after this run (its failed runs in a row), so that the
    /// caller can raise the `ALERT` a whole site down calls for.
    public let sourceHealth: [SourceHealth]

    public init(description: String) {
        self.init(description: description, isSourceFailure: false)
    }

    private init(description: String, isSourceFailure: Bool, sourceHealth: [SourceHealth] = []) {
        self.description = description
        self.isSourceFailure = isSourceFailure
        self.sourceHealth = sourceHealth
    }

    /// Every source failed: nothing was sent or marked (case 10).
    public static func allSourcesFailed(_ reasons: [String], sourceHealth: [SourceHealth] = []) -> NewsletterError {
        NewsletterError(
            description: "every source failed: " + reasons.joined(separator: "; "), isSourceFailure: true,
            sourceHealth: sourceHealth)
    }

    /// `send` needs an `smtp` section.
    public static let noSMTP = NewsletterError(description: "no smtp section in the configuration: cannot send")
}
