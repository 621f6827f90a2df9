/// Per-source selectors (a CSS subset or XPath, ``PageSelector``) that override the extractor's guesses:
/// `links`, `next_page` (listing pages), `title`, `date`, `body` (article pages).
public struct SourceSelectors: Sendable, Equatable {
    public var links: String?
    public var nextPage: String?
    public var title: String?
    public var date: String?
    public var body: String?

    public init(
        links: String? = nil, nextPage: String? = nil, title: String? = nil, date: String? = nil,
        body: String? = nil
    ) {
        self.links = links
        self.nextPage = nextPage
        self.title = title
        self.date = date
        self.body = body
    }

    /// Whether any article-page selector is set.
    public var hasArticleSelectors: Bool { title != nil || date != nil || body != nil }
}
