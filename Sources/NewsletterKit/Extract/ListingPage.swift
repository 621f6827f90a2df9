public import Foundation

/// What ``ListingExtractor`` found on one listing page.
public struct ListingPage: Sendable {
    /// Article links of the main list, in page order (newest first when every link is dated).
    public var links: [ListingLink]
    /// The next listing page (`rel=next`, a 下一页/Next link, or TRS `createPageHTML` pagination), if any.
    public var nextPage: URL?
    /// Candidate link blocks, best first, with their scores and reasons (for diagnosis).
    public var blocks: [ListingBlock]
    /// A configured selector that matched nothing (`links` or `next_page`), naming it; `nil` otherwise.
    public var selectorMiss: String?
    /// The chosen block's place in the page, for reading the listing's later pages by it.
    ///
    /// Element names and classes from `<body>` down (`div.main/div.right/div.right_list/ul`); `nil` when
    /// selectors chose the links or nothing was chosen.
    public var blockShape: String?

    public init(links: [ListingLink], nextPage: URL?, blocks: [ListingBlock] = [], selectorMiss: String? = nil) {
        self.links = links
        self.nextPage = nextPage
        self.blocks = blocks
        self.selectorMiss = selectorMiss
    }
}

/// One group of sibling items that each hold one link: a candidate for the page's main list.
public struct ListingBlock: Sendable {
    /// Where the block sits, for example `div.right > ul.list` (up to three levels, nearest last).
    public var path: String
    /// Items (links) in the block.
    public var linkCount: Int
    /// Items with a date beside the link.
    public var datedCount: Int
    /// The score; the highest wins.
    public var score: Double
    /// Why the score is what it is, for example `followed by the pagination ×1.5`.
    public var reasons: [String]
    /// The first few link titles.
    public var sampleTitles: [String]
    /// Whether this block's links were chosen (the winner and its like siblings).
    public var chosen: Bool
}
