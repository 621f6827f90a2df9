/// A parsed RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 feed.
public struct Feed: Sendable {
    /// Plain-text channel/feed title.
    public var title: String
    /// `"rss2"`, `"rss1"` or `"atom"`, sniffed from the root element (never from the file name).
    public var kind: String
    /// Entries in document order.
    public var entries: [FeedEntry]
    /// The charset the feed bytes were decoded with (WHATWG name).
    public var charset: String
    /// How many HTML entity references and bare `&` were repaired before parsing (case 34); 0 for a
    /// well-formed feed.
    public var repairedReferences = 0

    /// Creates a feed.
    public init(title: String, kind: String, entries: [FeedEntry], charset: String) {
        self.title = title
        self.kind = kind
        self.entries = entries
        self.charset = charset
    }
}
