/// The tool's version, shown by `--version` and in the User-Agent.
public enum NewsletterVersion {
    public static let current = "0.1.0"
}
