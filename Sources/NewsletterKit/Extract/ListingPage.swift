public import Foundation

/// The article links of one listing page and the link to the next page.
public struct ListingPage: Sendable {
    /// Article links, newest first when every link has a date, otherwise in page order.
    public var links: [ListingLink]
    /// The `下一页`/next pagination link, if any.
    public var nextPage: URL?

    /// Creates a listing page.
    public init(links: [ListingLink], nextPage: URL?) {
        self.links = links
        self.nextPage = nextPage
    }
}
