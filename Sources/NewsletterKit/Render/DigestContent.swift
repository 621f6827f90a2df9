/// What one digest says, frozen when the digest is created (stored as JSON with it).
public struct DigestContent: Codable, Sendable, Equatable {
    /// The newsletter's title.
    public var title: String
    /// The Subject (plain text; RFC 2047-encoded only when the message is assembled).
    public var subject: String
    /// The issue's date as shown, for example `2019-06-08`.
    public var issueDate: String
    /// The articles, newest first.
    public var items: [DigestItem]
    /// Sources that could not be fetched this run, by name (shown in the summary, not to readers).
    public var failedSources: [String]
    /// How the articles are arranged: `.source` shows a heading per source when the items come from
    /// more than one (the items are then in source order).
    ///
    /// `nil` (digests frozen before this
    /// setting existed) means one list.
    public var groupBy: NewsletterConfig.Grouping?

    public init(title: String, subject: String, issueDate: String, items: [DigestItem], failedSources: [String] = []) {
        self.title = title
        self.subject = subject
        self.issueDate = issueDate
        self.items = items
        self.failedSources = failedSources
    }
}

/// One article in a digest: plain text fields (templates escape them for HTML).
public struct DigestItem: Codable, Sendable, Equatable {
    /// The identity key of the stored article.
    public var key: String
    public var title: String
    /// The article page's absolute URL.
    public var url: String
    /// The publish time as shown, in the source's zone, for example `2019-06-04 21:30`.
    public var date: String
    /// The 来源 line, if the page names one.
    public var origin: String?
    public var category: String?
    public var author: String?
    /// The opening of the body, plain text, at most ``DigestRenderer/excerptLength`` characters.
    public var excerpt: String
    /// The configured source it came from (the heading it is grouped under); `nil` in digests
    /// frozen before sources were recorded.
    public var sourceName: String?

    public init(
        key: String, title: String, url: String, date: String, origin: String?, category: String?, author: String?,
        excerpt: String, sourceName: String? = nil
    ) {
        self.sourceName = sourceName
        self.key = key
        self.title = title
        self.url = url
        self.date = date
        self.origin = origin
        self.category = category
        self.author = author
        self.excerpt = excerpt
    }
}
