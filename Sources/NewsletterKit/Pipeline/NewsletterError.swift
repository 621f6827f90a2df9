/// Failures of a whole run.
public struct NewsletterError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// Set when every source failed: the fault is the sources', not the mail server's.
    public let isSourceFailure: Bool

    public init(description: String) {
        self.init(description: description, isSourceFailure: false)
    }

    private init(description: String, isSourceFailure: Bool) {
        self.description = description
        self.isSourceFailure = isSourceFailure
    }

    /// Every source failed: nothing was sent or marked (case 10).
    public static func allSourcesFailed(_ reasons: [String]) -> NewsletterError {
        NewsletterError(
            description: "every source failed, nothing sent: " + reasons.joined(separator: "; "), isSourceFailure: true)
    }

    /// `send` needs an `smtp` section.
    public static let noSMTP = NewsletterError(description: "no smtp section in the configuration: cannot send")
}
