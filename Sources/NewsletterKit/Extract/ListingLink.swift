public import Foundation

/// One article link found on a listing (column index) page.
public struct ListingLink: Sendable, Equatable {
    /// Absolute article URL.
    public var url: URL
    /// Link text (or its `title` attribute when the text is truncated with `…`).
    public var title: String
    /// The date shown beside the link (`[2019-06-04]`), midnight in the listing's zone; `nil` if none.
    public var date: Date?

    /// Creates a listing link.
    public init(url: URL, title: String, date: Date?) {
        self.url = url
        self.title = title
        self.date = date
    }
}
