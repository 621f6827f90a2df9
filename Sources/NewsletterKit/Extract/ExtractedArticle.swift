public import Foundation

/// One article page reduced to its metadata and readable body.
///
/// Produced by ``ArticleExtractor/extract(bytes:contentType:url:timeZone:)``.
public struct ExtractedArticle: Sendable, Equatable {
    /// The page URL the article was extracted from.
    public var url: URL
    /// The headline, without the site-name suffix of `<title>`.
    ///
    /// Empty when nothing was found.
    public var title: String
    /// The publication instant, or `nil` when the page shows none.
    public var published: Date?
    /// ``published`` as ISO 8601 with the offset of the zone used, for example `2019-05-31T05:47:39+08:00`.
    public var publishedText: String?
    /// The author (`作者`/`记者`, byline or meta author); never the `责任编辑`.
    public var author: String?
    /// The originating publication (`来源`), for example `新华网`.
    public var source: String?
    /// The section, from the breadcrumb's last crumb or CMS column meta, for example `党建政法`.
    public var category: String?
    /// Plain-text body: paragraphs separated by `"\n\n"`, no entities, no boilerplate or trailer lines.
    public var bodyText: String
    /// Sanitised body HTML (see ``HTMLSanitizer``) with absolute links and image sources.
    public var bodyHTML: String
    /// The charset the page bytes were decoded with (WHATWG name).
    public var charset: String
    /// Whether ``published`` is known only to the day (the page shows no time of day).
    public var publishedDateOnly: Bool = false
    /// Whether the page states ``published`` as its own (a label, metadata, structured data, a dateline with a
    /// time), rather than a day found near the headline that may belong to another item.
    public var publishedIsStated: Bool = false

    /// Creates an extracted article.
    public init(
        url: URL, title: String, published: Date?, publishedText: String?, author: String?, source: String?,
        category: String?, bodyText: String, bodyHTML: String, charset: String
    ) {
        self.url = url
        self.title = title
        self.published = published
        self.publishedText = publishedText
        self.author = author
        self.source = source
        self.category = category
        self.bodyText = bodyText
        self.bodyHTML = bodyHTML
        self.charset = charset
    }
}
