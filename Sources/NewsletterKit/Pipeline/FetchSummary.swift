/// What fetching all sources gave.
public struct FetchSummary: Sendable {
    /// Articles stored for the first time.
    public var newArticles: [StoredArticle] = []
    /// Sources whose listing page or feed failed: name and reason (URL included).
    public var failedSources: [(name: String, reason: String)] = []
    /// Pages or entries that failed inside sources that worked.
    public var problems: [String] = []
    /// Articles recorded as seen but never to be sent, one line per source with the reason.
    public var notFetched: [String] = []
    /// How many sources were fetched successfully.
    public var succeeded = 0
    /// Every configured source's health after this run (runs in a row failed, last success); empty
    /// when it could not be recorded.
    public var sourceHealth: [SourceHealth] = []
    /// Set when what was fetched could not be stored (the state database locked, read-only or
    /// full): the state file's fault, not the source's; the run must stop naming the file.
    public var stateError: StoreError?

    /// Whether every configured source failed (nothing may be sent or marked then: case 10).
    public var allFailed: Bool { succeeded == 0 && !failedSources.isEmpty }
}
