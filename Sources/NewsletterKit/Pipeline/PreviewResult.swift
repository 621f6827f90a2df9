public import Foundation

/// What ``Newsletter/preview(now:to:)`` wrote.
public struct PreviewResult: Sendable {
    public var html: URL
    public var text: URL
    public var eml: URL
    public var content: DigestContent
    public var fetch: FetchSummary
}
