public import Foundation

/// A listing page or feed that was fetched but holds nothing usable: a misconfigured source,
/// reported by name and URL instead of passing as "nothing new".
public struct SourceError: Error, Sendable, CustomStringConvertible {
    /// The source's URL.
    public let url: URL
    /// What is wrong with what it returned.
    public let reason: String

    /// No article links were found on a listing page.
    public static func noLinks(_ url: URL, explanation: String? = nil) -> SourceError {
        SourceError(
            url: url,
            reason: "no article links found on the listing page (wrong URL? for a feed set kind: feed)"
                + (explanation.map { ": " + $0 } ?? ""))
    }

    /// A configured selector (`links: …`, `next_page: …`) matched nothing on the page.
    public static func selectorMatchedNothing(source: String, selector: String, url: URL) -> SourceError {
        SourceError(url: url, reason: "source \(source): the selector \(selector) matched nothing on this page")
    }

    /// The body is neither HTML nor a feed.
    public static func notHTML(_ url: URL, contentType: String?) -> SourceError {
        SourceError(url: url, reason: "neither an HTML page nor a feed (Content-Type: \(contentType ?? "none"))")
    }

    public var description: String { "\(URLRedaction.redacted(url)): \(reason)" }
}
