public import Foundation

/// One item of an RSS or Atom feed.
public struct FeedEntry: Sendable, Equatable {
    /// Stable identity: the non-empty `guid`/`id`, else the link, else `hash:` + FNV-1a-64 of
    /// (title, enclosure URL, pubDate) — never of the description, which changes with edits and counters.
    public var id: String
    /// The item link, absolute (resolved against `xml:base` and the feed URL); `nil` if the item has none.
    public var url: URL?
    /// Plain-text title, entities decoded exactly once.
    public var title: String
    /// Publication time (`pubDate`, `dc:date`, Atom `published` or `updated`); the fetch time when the
    /// value could not be parsed (see ``publishedWasGuessed``), `nil` when the item has no date at all.
    public var published: Date?
    /// `true` when ``published`` is the fetch time standing in for an unparseable date.
    public var publishedWasGuessed: Bool
    /// `author`, `dc:creator` or Atom `author/name`.
    public var author: String?
    /// Sanitised `description` / Atom `summary` HTML.
    public var summaryHTML: String?
    /// Sanitised `content:encoded` / Atom `content` HTML.
    public var contentHTML: String?

    /// Creates a feed entry.
    public init(
        id: String, url: URL?, title: String, published: Date?, publishedWasGuessed: Bool, author: String?,
        summaryHTML: String?, contentHTML: String?
    ) {
        self.id = id
        self.url = url
        self.title = title
        self.published = published
        self.publishedWasGuessed = publishedWasGuessed
        self.author = author
        self.summaryHTML = summaryHTML
        self.contentHTML = contentHTML
    }
}
