/// The tool's version, shown by `--version` and in the User-Agent.
public enum NewsletterVersion: Sendable {
    public static let current = "0.1.0"
}
