public import Foundation

/// What ``Newsletter/preview(now:to:)`` wrote.
public struct PreviewResult: Sendable {
    public var html: URL
    public var text: URL
    public var eml: URL
    public var content: DigestContent
    public var fetch: FetchSummary
    /// The Subject of the last issue that went out, when nothing was new and the preview shows that issue again;
    /// `nil` when it shows what is new.
    public var lastIssue: String?
}
