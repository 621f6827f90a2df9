public import Foundation

/// Why a document could not be read as a feed.
///
/// A struct around a private enum so that cases can be added without breaking callers.
public struct FeedError: Error, Sendable, Hashable {
    private enum Code: Hashable, Sendable {
        case notAFeed(root: String)
        case unparseable
    }

    private let code: Code
    /// The URL of the document that failed.
    public let url: URL

    /// The document parsed, but its root element is not `rss`, `rdf:RDF` or `feed` (for example an HTML page).
    public static func notAFeed(_ url: URL, root: String) -> FeedError {
        FeedError(code: .notAFeed(root: root), url: url)
    }
    /// libxml2 could not recover any element from the document.
    public static func unparseable(_ url: URL) -> FeedError { FeedError(code: .unparseable, url: url) }

    /// Whether this is a "not a feed" error.
    public var isNotAFeed: Bool {
        if case .notAFeed = code { return true }
        return false
    }
}

extension FeedError: CustomStringConvertible {
    public var description: String {
        switch code {
        case .notAFeed(let root): "\(url.absoluteString) is not an RSS or Atom feed (root element <\(root)>)"
        case .unparseable: "\(url.absoluteString) could not be parsed as XML"
        }
    }
}
