/// Failures of a whole run.
public struct NewsletterError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }

    /// Every source failed: nothing was sent or marked (case 10).
    public static func allSourcesFailed(_ reasons: [String]) -> NewsletterError {
        NewsletterError(description: "every source failed, nothing sent: " + reasons.joined(separator: "; "))
    }

    /// `send` needs an `smtp` section.
    public static let noSMTP = NewsletterError(description: "no smtp section in the configuration: cannot send")
}
