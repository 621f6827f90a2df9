public import Foundation

/// One article link found on a listing page.
public struct ListingLink: Sendable, Equatable {
    /// The article page URL (resolved against `<base href>`; `javascript:window.open('…')` unwrapped).
    public var url: URL
    /// The link text, or the whole `title=""` when the text is cut short with `…`.
    public var title: String
    /// The date shown beside the link, if any.
    public var date: Date?
    /// Whether ``date`` is known only to the day (no time of day was shown).
    public var dateOnly: Bool

    public init(url: URL, title: String, date: Date?, dateOnly: Bool = false) {
        self.url = url
        self.title = title
        self.date = date
        self.dateOnly = dateOnly
    }
}
