public import Foundation

/// Finds the article links on a CMS listing page by the shape of the list, not by class names.
///
/// The main list is a run of sibling items (`li`, `tr`, `dd`, `div`, `p`, or bare anchors) that each hold
/// one article link, most with a date beside it. Every same-site anchor is lifted to its item (the largest
/// ancestor holding no other link) and grouped by the item's parent. Each group is scored on the number of
/// items, titles of article length, dates, article-shaped paths (`t20190531_1.html`, `/2019/0531/1.html`,
/// `?id=123`), links into the listing's own section, and the pagination right after it; navigation,
/// headers, footers, marquees and blocks headed 热点/推荐/排行/相关/友情链接 lose weight. Class and id words
/// are weak evidence only. The best group wins, together with like sibling groups beside it.
///
/// Families handled beyond plain lists: Hanweb (大汉) `<script type="text/xml"><datastore><record>`
/// CDATA records, TRS WCM `createPageHTML(n, i, "index", "html")` pagination, `<base href>`,
/// `javascript:window.open('…')` links, truncated titles whole in `title=""`, dates as `[02-13]`,
/// `(2022-02-13 09:30)`, `2022年02月13日` or `2022/2/13` in their own cell, after or before the title.
/// Attachments (`.pdf`, `.doc`, `.xls`, …) are not article pages and are left out.
public enum ListingExtractor: Sendable {
    /// Optional per-source selectors (CSS subset or XPath, see ``PageSelector``) that override the guess.
    public struct Selectors: Sendable, Equatable {
        /// Selects the article links (anchors, or elements whose anchors are taken).
        public var links: String?
        /// Selects the next-page link.
        public var nextPage: String?

        public init(links: String? = nil, nextPage: String? = nil) {
            self.links = links
            self.nextPage = nextPage
        }
    }

    /// Decodes, parses and extracts a listing page.
    ///
    /// - Parameters:
    ///   - bytes: The page bytes exactly as fetched.
    ///   - contentType: The HTTP `Content-Type` header value, if any.
    ///   - url: The page URL; links are resolved against it (or `<base href>`).
    ///   - timeZone: Zone for the dates shown beside links.
    ///   - now: The fetch time; a date shown without a year (`[02-13]`) is taken as the latest such day
    ///     not after it.
    ///   - selectors: Per-source selectors; a selector matching nothing sets ``ListingPage/selectorMiss``.
    ///   - blockShape: The ``ListingPage/blockShape`` chosen on the listing's first page, for its later pages.
    /// - Returns: The links, the next-page URL and the scored candidate blocks; no links when nothing
    ///   article-like was found.
    public static func extract(
        bytes: [UInt8], contentType: String?, url: URL, timeZone: TimeZone, now: Date = Date(),
        selectors: Selectors = Selectors(), sameBlockAs blockShape: String? = nil
    ) -> ListingPage {
        let decoded = CharsetDecoder.decode(bytes, contentType: contentType)
        return extract(
            html: decoded.text, url: url, timeZone: timeZone, now: now, selectors: selectors, sameBlockAs: blockShape)
    }

    /// Extracts a listing from already-decoded HTML text.
    ///
    /// A later page of a listing (page 2, the short last page) takes the block of the first page's shape when
    /// it has one, instead of guessing again among a few items and a longer sidebar.
    ///
    /// - Parameters:
    ///   - html: The decoded page.
    ///   - url: The page URL; links are resolved against it (or `<base href>`).
    ///   - timeZone: Zone for the dates shown beside links.
    ///   - now: The fetch time, for dates shown without a year.
    ///   - selectors: Per-source selectors; a selector matching nothing sets ``ListingPage/selectorMiss``.
    ///   - blockShape: The ``ListingPage/blockShape`` chosen on the listing's first page.
    /// - Returns: The links, the next-page URL and the scored candidate blocks.
    public static func extract(
        html: String, url: URL, timeZone: TimeZone, now: Date = Date(), selectors: Selectors = Selectors(),
        sameBlockAs blockShape: String? = nil
    ) -> ListingPage {
        guard let root = HTMLDocument.parseHTML(html) else { return ListingPage(links: [], nextPage: nil) }
        expandHanwebRecords(root)
        var base = url
        if let href = root.first("base")?.attribute("href"), let resolved = URLResolver.resolve(href, base: url) {
            base = resolved
        }
        var context = Context(root: root, base: base, page: url, timeZone: timeZone, now: now)
        var pagination = findNextPage(root, context: context)
        var selectorMiss: String?
        if let selector = selectors.nextPage {
            pagination = nil
            if let compiled = try? PageSelector(selector), let node = compiled.select(in: root).first {
                let anchor = node.name == "a" ? node : node.first("a")
                if let anchor, let target = linkTarget(anchor, base: base) {
                    pagination = (target, node)
                }
            } else if (try? PageSelector(selector)) == nil {
                selectorMiss = "next_page: \(selector) (not a valid selector)"
            }
        }
        context.paginationNode = pagination?.node
        if let selector = selectors.links {
            guard let compiled = try? PageSelector(selector) else {
                return ListingPage(
                    links: [], nextPage: pagination?.url, selectorMiss: "links: \(selector) (not a valid selector)")
            }
            var anchors: [HTMLNode] = []
            for node in compiled.select(in: root) {
                anchors += node.name == "a" ? [node] : node.descendants(named: ["a"])
            }
            var links: [ListingLink] = []
            var seen: Set<String> = []
            for anchor in anchors {
                guard let candidate = context.candidate(anchor, requireSameSite: false),
                    seen.insert(candidate.link.url.absoluteString).inserted
                else { continue }
                links.append(candidate.link)
            }
            return ListingPage(
                links: links, nextPage: pagination?.url,
                selectorMiss: links.isEmpty ? "links: \(selector)" : selectorMiss)
        }
        var (links, blocks, shape) = chooseLinks(root, context: &context, sameBlockAs: blockShape)
        if links.isEmpty {
            // A 媒体聚焦 column: every article is on another site (the media that reported it). Taken only
            // when such a block wins and most of its links are dated.
            var wider = context
            wider.otherSites = true
            let other = chooseLinks(root, context: &wider, sameBlockAs: blockShape)
            if other.0.count >= 3, other.0.filter({ $0.date != nil }).count * 2 >= other.0.count {
                (links, blocks, shape) = other
            }
        }
        var page = ListingPage(links: links, nextPage: pagination?.url, blocks: blocks, selectorMiss: selectorMiss)
        page.blockShape = shape
        return page
    }

    // MARK: - Candidates

    struct Candidate {
        var anchor: HTMLNode
        var link: ListingLink
        var item: HTMLNode
        var articlePath: Bool
        var sectionPath: Bool
        var inSection: Bool
        var titleLength: Int
        /// How well the anchor reads as the item's title (see ``anchorStrength(_:title:length:)``).
        var strength: Int
    }

    /// Ranks anchors to the same page: one holding or inside a heading first, then link text over a
    /// `title`/`alt` attribute, and never a date, a count or a "read more" label; then the longer text.
    private static func anchorStrength(_ anchor: HTMLNode, title: String, length: Int) -> Int {
        var strength = min(length, 200)
        let headings: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]
        var inHeading = !anchor.descendants(named: headings).isEmpty
        var node = anchor.parent
        for _ in 0..<2 where !inHeading {
            guard let current = node else { break }
            inHeading = headings.contains(current.name)
            node = current.parent
        }
        if inHeading { strength += 2_000 }
        let text = TextNormalizer.collapse(anchor.textContent)
        if !text.isEmpty { strength += 1_000 }
        let lower = text.lowercased()
        if text.allSatisfy({ $0.isNumber || $0.isWhitespace || "-/:.年月日".contains($0) })
            || readMorePrefixes.contains(where: lower.hasPrefix)
        {
            strength -= 1_500
        }
        return strength
    }

    private static let readMorePrefixes = ["continue reading", "read more", "more", "阅读全文", "查看全文", "详细", "更多"]

    /// `url` without its `#fragment`.
    static func withoutFragment(_ url: URL) -> URL {
        guard url.fragment != nil, var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else {
            return url
        }
        components.fragment = nil
        return components.url ?? url
    }

    struct Context {
        var root: HTMLNode
        var base: URL
        var page: URL
        var timeZone: TimeZone
        var now: Date
        var paginationNode: HTMLNode?
        /// Whether links to other sites are candidates too (the second look when the page's own give none).
        var otherSites = false
        /// Per element: the one distinct link target below it, or `"*"` for several.
        var linkKeys: [ObjectIdentifier: String] = [:]
        var order: [ObjectIdentifier: Int] = [:]

        init(root: HTMLNode, base: URL, page: URL, timeZone: TimeZone, now: Date) {
            self.root = root
            self.base = base
            self.page = page
            self.timeZone = timeZone
            self.now = now
        }

        /// A listing link for `anchor`, or `nil` when it is not a possible article link.
        func candidate(_ anchor: HTMLNode, requireSameSite: Bool = true) -> (link: ListingLink, title: String)? {
            guard let url = ListingExtractor.linkTarget(anchor, base: base) else { return nil }
            if requireSameSite && !otherSites && !ListingExtractor.sameSite(url, page)
                && !ListingExtractor.sameSite(url, base)
            {
                return nil
            }
            if ListingExtractor.isAttachment(url) { return nil }
            if url.absoluteString.split(separator: "#").first == page.absoluteString.split(separator: "#").first {
                return nil
            }
            let title = ListingExtractor.title(of: anchor)
            guard !title.isEmpty else { return nil }
            // A fragment (`#more-12`, `#respond`) never makes another article.
            let page = ListingExtractor.withoutFragment(url)
            return (ListingLink(url: page, title: title, date: nil), title)
        }
    }

    private static func chooseLinks(_ root: HTMLNode, context: inout Context, sameBlockAs blockShape: String?)
        -> ([ListingLink], [ListingBlock], String?)
    {
        var counter = 0
        var order: [ObjectIdentifier: Int] = [:]
        root.walk { node in
            if node.isElement {
                order[ObjectIdentifier(node)] = counter
                counter += 1
            }
            return true
        }
        context.order = order
        var keys: [ObjectIdentifier: String] = [:]
        computeLinkKeys(root, base: context.base, into: &keys)
        context.linkKeys = keys
        let pageDirectory = context.page.deletingLastPathComponent().path
        let sectionMeaningful = pageDirectory.count > 1

        var candidates: [Candidate] = []
        var indexByURL: [String: Int] = [:]
        for anchor in root.descendants(named: ["a"]) {
            if let pagination = context.paginationNode, anchor === pagination || isInside(anchor, pagination) {
                continue
            }
            guard let (link, title) = context.candidate(anchor) else { continue }
            let key = link.url.absoluteString
            let length = TextNormalizer.visibleLength(title)
            let lower = title.lowercased()
            if length < 2 || ContentHints.isBoilerplate(title) || moreLabels.contains(lower)
                || isNextLabel(lower) || pageLabels.contains(lower)
            {
                continue
            }
            let strength = anchorStrength(anchor, title: title, length: length)
            // Several anchors to one page (icon, image, title, "Continue reading", date, reply count): the
            // one that reads as its title stands for it.
            if let existing = indexByURL[key] {
                if strength > candidates[existing].strength {
                    candidates[existing].anchor = anchor
                    candidates[existing].link = link
                    candidates[existing].item = itemNode(anchor, keys: keys)
                    candidates[existing].titleLength = length
                    candidates[existing].strength = strength
                }
                continue
            }
            indexByURL[key] = candidates.count
            let item = itemNode(anchor, keys: keys)
            let path = link.url.path
            candidates.append(
                Candidate(
                    anchor: anchor, link: link, item: item, articlePath: isArticlePath(link.url),
                    sectionPath: isSectionPath(link.url),
                    inSection: sectionMeaningful && path.hasPrefix(pageDirectory + "/"), titleLength: length,
                    strength: strength))
        }
        let candidateAnchors = Set(candidates.map { ObjectIdentifier($0.anchor) })
        func candidateCount(_ node: HTMLNode) -> Int {
            var count = 0
            node.walk { element in
                if element.name == "a" && candidateAnchors.contains(ObjectIdentifier(element)) { count += 1 }
                return true
            }
            return count
        }
        func holdsCandidate(_ node: HTMLNode) -> Bool { candidateCount(node) > 0 }
        var groups: [ObjectIdentifier: [Int]] = [:]
        var containers: [ObjectIdentifier: HTMLNode] = [:]
        for index in candidates.indices {
            var item = candidates[index].item
            // An item holding several links (title, image, channel tag, author): when the title's own
            // container is not a list, the item is the nearest ancestor repeated 3+ times beside itself
            // (an `<article>` twice: the short last page of a blog).
            if let container = item.parent,
                container.elementChildren.filter({ holdsCandidate($0) }).count < 3
            {
                var ancestor: HTMLNode? = container
                for _ in 0..<4 {
                    guard let current = ancestor, current.name != "body", current.name != "html",
                        let grand = current.parent
                    else { break }
                    let repeated = grand.elementChildren.filter { $0.name == current.name && holdsCandidate($0) }.count
                    if repeated >= (current.name == "article" ? 2 : 3) && candidateCount(current) <= 6 {
                        item = current
                        break
                    }
                    ancestor = grand
                }
            }
            candidates[index].item = item
            guard let container = item.parent else { continue }
            groups[ObjectIdentifier(container), default: []].append(index)
            containers[ObjectIdentifier(container)] = container
        }
        // One link per item: the one with the longest title.
        for (id, indices) in groups {
            var best: [ObjectIdentifier: Int] = [:]
            for index in indices {
                let item = ObjectIdentifier(candidates[index].item)
                if let current = best[item], candidates[current].titleLength >= candidates[index].titleLength {
                    continue
                }
                best[item] = index
            }
            groups[id] = indices.filter { best[ObjectIdentifier(candidates[$0].item)] == $0 }
        }
        // Dates.
        for indices in groups.values {
            for index in indices {
                if let (date, hasTime) = itemDate(candidates[index], context: context) {
                    candidates[index].link.date = date
                    candidates[index].link.dateOnly = !hasTime
                }
            }
        }
        // Score.
        struct Scored {
            var container: HTMLNode
            var indices: [Int]
            var score: Double
            var reasons: [String]
        }
        let paginationOrder = context.paginationNode.flatMap { order[ObjectIdentifier($0)] }
        var scored: [Scored] = []
        for (id, indices) in groups {
            guard let container = containers[id] else { continue }
            let result = score(
                container: container, indices: indices, candidates: candidates, sectionMeaningful: sectionMeaningful)
            scored.append(
                Scored(
                    container: result.container, indices: result.indices, score: result.score, reasons: result.reasons))
        }
        // Pagination bonus: the sizeable block closest before the pagination.
        if let paginationOrder {
            let before = scored.indices.filter { index in
                let last = scored[index].indices.compactMap { order[ObjectIdentifier(candidates[$0].item)] }.max() ?? 0
                return last < paginationOrder && scored[index].indices.count >= 2
            }
            if let nearest = before.max(by: { lhs, rhs in
                let l = scored[lhs].indices.compactMap { order[ObjectIdentifier(candidates[$0].item)] }.max() ?? 0
                let r = scored[rhs].indices.compactMap { order[ObjectIdentifier(candidates[$0].item)] }.max() ?? 0
                return l < r
            }) {
                scored[nearest].score *= 1.5
                scored[nearest].reasons.append("followed by the pagination ×1.5")
            }
        }
        scored.sort { lhs, rhs in
            lhs.score != rhs.score
                ? lhs.score > rhs.score
                : (order[ObjectIdentifier(lhs.container)] ?? 0) < (order[ObjectIdentifier(rhs.container)] ?? 0)
        }
        // A later page of a listing takes the block of the first page's shape when it has one.
        if let blockShape, let same = scored.firstIndex(where: { shape(of: $0.container) == blockShape }),
            same != 0
        {
            var taken = scored.remove(at: same)
            taken.reasons.append("the block chosen on the listing's first page")
            scored.insert(taken, at: 0)
        }
        let keepsShape = blockShape != nil && scored.first.map { shape(of: $0.container) == blockShape } == true
        guard let winner = scored.first, winner.score >= 1.5 || keepsShape else {
            return ([], scored.prefix(8).map { block($0.container, $0.indices, $0.score, $0.reasons, false) }, nil)
        }
        // Like siblings: same tag and class under the same parent (a list split into several `ul`s).
        let signature = groupSignature(winner.container)
        var chosen: [Scored] = [winner]
        let winnerDated =
            Double(winner.indices.filter { candidates[$0].link.date != nil }.count) / Double(winner.indices.count)
        for other in scored.dropFirst() {
            guard other.container.parent === winner.container.parent, groupSignature(other.container) == signature,
                other.score >= 0.2 * winner.score
            else { continue }
            let dated =
                Double(other.indices.filter { candidates[$0].link.date != nil }.count) / Double(other.indices.count)
            guard (dated >= 0.5) == (winnerDated >= 0.5) else { continue }
            chosen.append(other)
        }
        chosen.sort { (order[ObjectIdentifier($0.container)] ?? 0) < (order[ObjectIdentifier($1.container)] ?? 0) }
        var links: [ListingLink] = []
        for group in chosen {
            for index in group.indices.sorted(by: {
                (order[ObjectIdentifier(candidates[$0].item)] ?? 0)
                    < (order[ObjectIdentifier(candidates[$1].item)] ?? 0)
            }) where candidates[index].titleLength >= 4 || group.indices.count <= 2 {
                links.append(candidates[index].link)
            }
        }
        if links.count > 1, links.allSatisfy({ $0.date != nil }) {
            links = links.enumerated().sorted { lhs, rhs in
                let l = lhs.element.date ?? .distantPast
                let r = rhs.element.date ?? .distantPast
                return l != r ? l > r : lhs.offset < rhs.offset
            }.map(\.element)
        }
        let chosenIDs = Set(chosen.map { ObjectIdentifier($0.container) })
        let blocks = scored.prefix(8).map {
            block($0.container, $0.indices, $0.score, $0.reasons, chosenIDs.contains(ObjectIdentifier($0.container)))
        }
        return (links, blocks, shape(of: winner.container))

        func block(_ container: HTMLNode, _ indices: [Int], _ score: Double, _ reasons: [String], _ chosen: Bool)
            -> ListingBlock
        {
            ListingBlock(
                path: describe(container), linkCount: indices.count,
                datedCount: indices.filter { candidates[$0].link.date != nil }.count,
                score: (score * 10).rounded() / 10, reasons: reasons,
                sampleTitles: indices.prefix(3).map { candidates[$0].link.title }, chosen: chosen)
        }
    }

    private static func score(container: HTMLNode, indices: [Int], candidates: [Candidate], sectionMeaningful: Bool)
        -> (container: HTMLNode, indices: [Int], score: Double, reasons: [String])
    {
        var total = 0.0
        var dated = 0
        var articlePaths = 0
        var inSection = 0
        var shortTitles = 0
        for index in indices {
            let candidate = candidates[index]
            var weight = 1.0
            if candidate.titleLength < 5 {
                weight *= 0.3
                shortTitles += 1
            } else if candidate.titleLength >= 10 {
                weight *= 1.3
            }
            if candidate.link.date != nil {
                weight += 1
                dated += 1
            }
            if candidate.articlePath {
                weight += 0.5
                articlePaths += 1
            }
            if candidate.sectionPath { weight *= 0.3 }
            if candidate.inSection { inSection += 1 }
            total += weight
        }
        let count = indices.count
        var reasons = ["\(count) links, \(dated) dated, \(articlePaths) article-shaped paths"]
        if shortTitles > 0 { reasons.append("\(shortTitles) titles under 5 characters") }
        var score = total
        if count < 3 {
            score *= 0.5
            reasons.append("fewer than 3 items ×0.5")
        }
        if sectionMeaningful {
            let fraction = Double(inSection) / Double(count)
            let factor = 0.7 + 0.6 * fraction
            score *= factor
            reasons.append("\(inSection)/\(count) links into the listing's own section ×\(round2(factor))")
        }
        // Furniture: elements, class/id words, headings.
        var node: HTMLNode? = container
        var depth = 0
        var furniture: String?
        var weak: String?
        while let current = node, current.name != "body", current.name != "html" {
            if ["nav", "header", "footer", "aside", "marquee"].contains(current.name) {
                furniture = furniture ?? "inside <\(current.name)>"
            }
            if current.attribute("onmouseover")?.lowercased().contains("stop") == true {
                furniture = furniture ?? "inside a scrolling marquee"
            }
            let tokens = ContentHints.tokens(current)
            if let word = tokens.first(where: { token in strongFurniture.contains { token == $0 || token.hasPrefix($0) }
            }) {
                furniture = furniture ?? "inside \(current.name) with class/id word '\(word)'"
            } else if let word = tokens.first(where: { token in
                weakFurniture.contains { token == $0 || token.hasPrefix($0) }
            }) {
                weak = weak ?? "inside \(current.name) with class/id word '\(word)'"
            }
            if depth < 3, let heading = headingText(before: current),
                let word = sidebarHeadings.first(where: heading.contains)
            {
                weak = weak ?? "headed '\(heading)' (\(word))"
                if ["友情链接", "相关链接", "热点", "排行", "推荐", "相关"].contains(word) {
                    furniture = furniture ?? "headed '\(heading)'"
                }
            }
            node = current.parent
            depth += 1
        }
        if let furniture {
            score *= 0.25
            reasons.append("\(furniture) ×0.25")
        }
        if let weak {
            score *= 0.6
            reasons.append("\(weak) ×0.6")
        }
        return (container, indices, score, reasons)
    }

    private static func round2(_ value: Double) -> String { String(format: "%.2f", value) }

    private static let strongFurniture = [
        "nav", "menu", "footer", "foot", "crumb", "breadcrumb", "weizhi", "position", "location", "copyright",
        "friend", "flink", "yqlj", "links", "marquee", "scroll", "toolbar", "header", "logo", "topbar",
    ]
    private static let weakFurniture = [
        "hot", "rank", "recommend", "related", "tuijian", "redian", "sidebar", "side", "xgwz", "xgxw", "focus",
        "slide", "banner", "pic", "img", "tab",
    ]
    private static let sidebarHeadings = [
        "热点", "热门", "推荐", "排行", "相关", "友情链接", "图片新闻", "猜你喜欢", "专题", "点击排行", "精彩图片", "Related",
        "Popular", "Trending",
    ]
    /// Pagination links other than "next": back, first and last page.
    private static let pageLabels: Set<String> = [
        "上一页", "上页", "前一页", "首页", "尾页", "末页", "最后一页", "previous", "previous page", "prev", "« previous",
        "newer posts", "newer entries", "« newer posts", "newer posts »", "← newer posts", "newer posts →", "newer",
        "older", "first", "last", "first page", "last page", "« first", "last »",
    ]
    private static let moreLabels: Set<String> = ["更多", "更多>>", "更多>", "more", "more>>", "more »", "查看更多", ">>", "详细"]

    /// The short text of the element just before `node` (a block heading such as `热点新闻`), if any.
    private static func headingText(before node: HTMLNode) -> String? {
        guard let parent = node.parent, let index = parent.children.firstIndex(where: { $0 === node }) else {
            return nil
        }
        for sibling in parent.children[..<index].reversed() {
            let text = TextNormalizer.collapse(sibling.textContent)
            if text.isEmpty { continue }
            if sibling.isElement, !sibling.descendants(named: ["li", "tr"]).isEmpty { return nil }
            return text.count <= 20 ? text : nil
        }
        return nil
    }

    private static func describe(_ node: HTMLNode) -> String {
        var parts: [String] = []
        var current: HTMLNode? = node
        while let element = current, parts.count < 3, element.name != "body", element.name != "html" {
            var part = element.name
            if let id = element.attribute("id"), !id.isEmpty { part += "#" + id }
            if let classes = element.attribute("class")?.split(whereSeparator: \.isWhitespace), !classes.isEmpty {
                part += "." + classes.joined(separator: ".")
            }
            parts.insert(part, at: 0)
            current = element.parent
        }
        return parts.isEmpty ? node.name : parts.joined(separator: " > ")
    }

    private static func isInside(_ node: HTMLNode, _ ancestor: HTMLNode) -> Bool {
        var current = node.parent
        while let element = current {
            if element === ancestor { return true }
            current = element.parent
        }
        return false
    }

    /// Records for every element the single distinct `href` below it, or `"*"` for several.
    @discardableResult
    private static func computeLinkKeys(_ node: HTMLNode, base: URL, into keys: inout [ObjectIdentifier: String])
        -> String?
    {
        var key: String?
        if node.name == "a", let href = node.attribute("href"), !href.isEmpty {
            key = linkTarget(node, base: base)?.absoluteString ?? href
        }
        for child in node.children where child.isElement {
            guard let childKey = computeLinkKeys(child, base: base, into: &keys) else { continue }
            if key == nil { key = childKey } else if key != childKey { key = "*" }
        }
        if let key { keys[ObjectIdentifier(node)] = key }
        return key
    }

    /// The largest ancestor of `anchor` (or the anchor) holding no other link target.
    private static func itemNode(_ anchor: HTMLNode, keys: [ObjectIdentifier: String]) -> HTMLNode {
        var node = anchor
        while let parent = node.parent, parent.name != "body", parent.name != "html",
            let key = keys[ObjectIdentifier(parent)], key != "*"
        {
            node = parent
        }
        return node
    }

    // MARK: - Dates

    private static func itemDate(_ candidate: Candidate, context: Context) -> (Date, Bool)? {
        let item = candidate.item
        var texts: [String] = []
        if item === candidate.anchor {
            // A bare anchor among siblings: the text after it up to the next link, then the text before it.
            if let parent = item.parent, let index = parent.children.firstIndex(where: { $0 === item }) {
                var after = ""
                for sibling in parent.children[(index + 1)...] {
                    if sibling.name == "a" || (sibling.isElement && sibling.first("a") != nil) { break }
                    if sibling.name == "br" && !after.isEmpty { break }
                    after += sibling.textContent
                }
                var before = ""
                for sibling in parent.children[..<index].reversed() {
                    if sibling.name == "a" || (sibling.isElement && sibling.first("a") != nil) || sibling.name == "br" {
                        break
                    }
                    before = sibling.textContent + before
                }
                texts = [after, before]
            }
        } else {
            var outside = ""
            collectText(item, skipping: candidate.anchor, into: &outside)
            texts = [outside]
        }
        for time in item.descendants(named: ["time"]) + (item.name == "time" ? [item] : []) {
            if let value = time.attribute("datetime"),
                let parsed = DateParser.parseDetailed(value, timeZone: context.timeZone)
            {
                return (parsed.date, parsed.hasTime)
            }
        }
        texts.append(candidate.anchor.textContent)
        for text in texts where !text.isEmpty {
            if let found = date(in: text, timeZone: context.timeZone, now: context.now) { return found }
        }
        return nil
    }

    private static func collectText(_ node: HTMLNode, skipping: HTMLNode, into result: inout String) {
        for child in node.children where child !== skipping {
            if child.kind == .text {
                result += child.text + " "
            } else {
                collectText(child, skipping: skipping, into: &result)
            }
        }
    }

    /// A date in listing text: year first (`2022-02-13`, `2022年02月13日`, `2022/2/13`, `(2022-02-13 09:30)`),
    /// or month and day only (`[02-13]`, `02/13`, `2月13日`) taken in the year that puts it last before `now`.
    static func date(in text: String, timeZone: TimeZone, now: Date) -> (Date, Bool)? {
        if let found = DateParser.firstDate(in: text, timeZone: timeZone) {
            return (found.date.date, found.date.hasTime)
        }
        if let found = englishDate(in: text, timeZone: timeZone) { return (found, false) }
        let normalized = String(String.UnicodeScalarView(text.unicodeScalars.map(DateParser.normaliseScalar)))
        guard
            let match = normalized.firstMatch(
                of: /(?:^|[^\d.\/-])(\d{1,2})(?:[-\/.]|月)(\d{1,2})日?(?:\s+(\d{1,2}):(\d{2}))?(?![\d.\/-])/)
        else { return nil }
        guard let month = Int(match.1), let day = Int(match.2), (1...12).contains(month), (1...31).contains(day) else {
            return nil
        }
        let hour = match.3.flatMap { Int($0) } ?? 0
        let minute = match.4.flatMap { Int($0) } ?? 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let year = calendar.component(.year, from: now)
        for candidateYear in [year, year - 1] {
            let components = DateComponents(year: candidateYear, month: month, day: day, hour: hour, minute: minute)
            if let date = calendar.date(from: components), date <= now.addingTimeInterval(2 * 86_400) {
                return (date, match.3 != nil)
            }
        }
        return nil
    }

    private static let monthNames: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
        "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
        "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    ]

    /// An English date with the month's name, as blogs and English sites show it beside links:
    /// `March 8, 2024`, `Mar. 8th, 2024`, `8 Mar 2024`, `8 March, 2024` (a day; no time).
    ///
    /// - Complexity: O(*n*) in the text's length, one pass over its words (no regular expression: this runs
    ///   for every link of every listing page).
    static func englishDate(in text: String, timeZone: TimeZone) -> Date? {
        // Most listing text (Chinese) has no Latin letter at all.
        guard text.utf8.contains(where: { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }) else { return nil }
        // Words and numbers; an ordinal suffix (8th) and the punctuation between them (",", ".") are dropped.
        var tokens: [(word: String?, number: Int?, digits: Int)] = []
        var current = ""
        var isNumber = false
        func flush() {
            guard !current.isEmpty else { return }
            if isNumber {
                tokens.append((nil, Int(current), current.count))
            } else if let last = tokens.last, last.number != nil,
                ["st", "nd", "rd", "th"].contains(current.lowercased())
            {
                // "8th": the number stands alone.
            } else {
                tokens.append((current.lowercased(), nil, 0))
            }
            current = ""
        }
        var sawLetter = false
        for scalar in text.unicodeScalars {
            let isDigit = scalar.value >= 48 && scalar.value <= 57
            let isLetter = (scalar.value >= 65 && scalar.value <= 90) || (scalar.value >= 97 && scalar.value <= 122)
            if isDigit || isLetter {
                if !current.isEmpty && isNumber != isDigit { flush() }
                isNumber = isDigit
                current.unicodeScalars.append(scalar)
                sawLetter = sawLetter || isLetter
            } else {
                flush()
                // Only spaces, "," and "." may stand between the parts.
                if ![" ", ",", ".", "\u{00A0}", "\t", "\n"].contains(Character(scalar)) {
                    tokens.append(("|", nil, 0))
                }
            }
        }
        flush()
        guard sawLetter, tokens.count >= 3 else { return nil }
        func day(_ token: (word: String?, number: Int?, digits: Int)) -> Int? {
            guard let number = token.number, token.digits <= 2, (1...31).contains(number) else { return nil }
            return number
        }
        func year(_ token: (word: String?, number: Int?, digits: Int)) -> Int? {
            token.digits == 4 ? token.number : nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        for index in 0..<(tokens.count - 2) {
            let (a, b, c) = (tokens[index], tokens[index + 1], tokens[index + 2])
            if let word = a.word, let month = monthNames[word], let d = day(b), let y = year(c) {
                return calendar.date(from: DateComponents(year: y, month: month, day: d))
            }
            if let d = day(a), let word = b.word, let month = monthNames[word], let y = year(c) {
                return calendar.date(from: DateComponents(year: y, month: month, day: d))
            }
        }
        return nil
    }

    // MARK: - Titles and targets

    /// The link's title: its text, or the whole `title=""` (or image `alt`) when the text is cut short or empty.
    static func title(of anchor: HTMLNode) -> String {
        // A link that wraps a whole card (tag, heading, excerpt): the heading is the title.
        let heading = anchor.descendants(named: ["h1", "h2", "h3", "h4", "h5", "h6"]).first
        var title = TextNormalizer.collapse((heading ?? anchor).textContent)
        let attribute = TextNormalizer.collapse(anchor.attribute("title") ?? "")
        let truncated = title.hasSuffix("…") || title.hasSuffix("...") || title.hasSuffix("..")
        if !attribute.isEmpty, title.isEmpty || truncated {
            let stem = title.trimmingCharacters(in: CharacterSet(charactersIn: "….· "))
            if title.isEmpty || attribute.hasPrefix(String(stem.prefix(4))) || truncated { title = attribute }
        }
        if title.isEmpty, let alt = anchor.first("img")?.attribute("alt") { title = TextNormalizer.collapse(alt) }
        // Bullets and a date written inside the link text.
        title = trimmingBullets(title)
        if let found = DateParser.firstDate(in: title, timeZone: .gmt) {
            let before = title[..<found.range.lowerBound].trimmingCharacters(
                in: CharacterSet(charactersIn: "[]()（）【】 "))
            let after = title[found.range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "[]()（）【】 "))
            if before.isEmpty, after.count >= 4 {
                title = after
            } else if after.isEmpty, before.count >= 4 {
                title = before
            }
        }
        return title
    }

    /// `title` without bullets and arrows around it: any of `·•■□▪►▶>》»-—` and spaces at the start; at the end
    /// the same, except that `>`, `》` and `»` stay when they close an opening mark in the title (`印发《条例》`,
    /// `活动<首期报名开启>`: a trial mailed `…条例` and `…<首期报名开启`).
    static func trimmingBullets(_ title: String) -> String {
        let bullets: Set<Character> = ["·", "•", "■", "□", "▪", "►", "▶", "-", "—", "・", " ", "\u{3000}"]
        let closers: [Character: Character] = [">": "<", "》": "《", "»": "«"]
        var text = Substring(title)
        while let first = text.first, bullets.contains(first) || closers[first] != nil { text = text.dropFirst() }
        while let last = text.last {
            if let opener = closers[last] {
                guard text.count(where: { $0 == opener }) < text.count(where: { $0 == last }) else { break }
            } else if !bullets.contains(last) {
                break
            }
            text = text.dropLast()
        }
        return String(text)
    }

    private static let attachmentExtensions: Set<String> = [
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "rar", "7z", "wps", "et", "dps", "ofd", "txt",
        "csv", "jpg", "jpeg", "png", "gif", "bmp", "mp4", "mp3", "avi", "flv", "apk", "exe", "tif", "tiff", "ceb",
    ]

    static func isAttachment(_ url: URL) -> Bool {
        attachmentExtensions.contains(url.pathExtension.lowercased())
    }

    /// The page an anchor opens: its `href`, or the URL quoted in `javascript:window.open('…')` / `onclick`.
    static func linkTarget(_ anchor: HTMLNode, base: URL) -> URL? {
        var href = (anchor.attribute("href") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = href.lowercased()
        if href.isEmpty || href == "#" || lower.hasPrefix("javascript:") {
            let script = href + " " + (anchor.attribute("onclick") ?? "")
            guard let quoted = script.firstMatch(of: /['"]([^'"]+)['"]/), looksLikeURL(String(quoted.1)) else {
                return nil
            }
            href = String(quoted.1)
        }
        if href.hasPrefix("#") || lower.hasPrefix("mailto:") || lower.hasPrefix("tel:") { return nil }
        guard let url = URLResolver.resolve(href, base: base), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { return nil }
        return url
    }

    private static func looksLikeURL(_ text: String) -> Bool {
        text.contains("/") || text.contains(".htm") || text.contains(".shtml") || text.contains(".jsp")
            || text.contains(".php") || text.contains(".asp")
    }

    // MARK: - Next page

    private static let nextLabels: Set<String> = [
        "下一页", "下页", "下一頁", "后页", "後頁", "next", "next page", "next »", "next ›", "»", ">", "›", "下一页>",
        "下一页 >", "下一页»", "下一页 »", "下一页>>", "older posts", "older entries", "« older entries", "older posts »",
        "next page »", "next →", "→",
    ]

    /// Words of a next-page link once arrows and quotes around them are dropped (`后一页 »`, `Next ›`, `下一页>>`).
    private static let nextWords: Set<String> = [
        "下一页", "下页", "下一頁", "后页", "後頁", "后一页", "後一頁", "next", "next page", "older posts", "older entries",
    ]

    /// Whether a link's lowercased text asks for the next page.
    static func isNextLabel(_ text: String) -> Bool {
        if nextLabels.contains(text) { return true }
        let core = text.trimmingCharacters(in: CharacterSet(charactersIn: "»›>→<«‹←[]【】 \u{00A0}"))
        return nextWords.contains(core)
    }

    /// The next listing page and the node that holds the pagination.
    private static func findNextPage(_ root: HTMLNode, context: Context) -> (url: URL, node: HTMLNode)? {
        var fallback: (URL, HTMLNode)?
        for link in root.descendants(named: ["a", "link"]) {
            let rel = link.attribute("rel")?.lowercased() ?? ""
            let text = TextNormalizer.collapse(link.textContent).lowercased()
            let relNext = rel.split(separator: " ").contains("next")
            let classNext = ContentHints.tokens(link).contains("next") && !text.isEmpty && text.count <= 12
            guard relNext || isNextLabel(text) || classNext else { continue }
            guard let url = linkTarget(link, base: context.base), url != context.page else { continue }
            if link.name == "link" {
                fallback = fallback ?? (url, link)
                continue
            }
            // The pagination block: the largest ancestor with little text of its own.
            var node = link
            while let parent = node.parent, parent.name != "body",
                parent.textContent(visibleLimit: 120) != nil,
                parent.descendants(named: ["a"]).allSatisfy({
                    isPaginationLabel(TextNormalizer.collapse($0.textContent))
                })
            {
                node = parent
            }
            return (url, node)
        }
        if let trs = trsNextPage(root, context: context) { return trs }
        return fallback
    }

    /// Text of a pagination control: a page number, 首页/上一页/下一页/尾页, Next/Prev, arrows.
    static func isPaginationLabel(_ text: String) -> Bool {
        let lower = text.lowercased()
        if lower.isEmpty || lower.allSatisfy(\.isNumber) { return true }
        guard lower.count <= 12 else { return false }
        if nextLabels.contains(lower) { return true }
        return [
            "页", "頁", "首", "尾", "next", "prev", "previous", "older", "newer", "last", "first", "»", "«", "›", "‹", ">",
            "<", "…", "...",
        ]
        .contains { lower.contains($0) }
    }

    /// TRS WCM pagination: `createPageHTML(countPage, currentPage, "index", "html")` (also with an element id
    /// first, or `countPage`/`currentPage` variables) → `index_{currentPage+1}.html` next to the page.
    private static func trsNextPage(_ root: HTMLNode, context: Context) -> (url: URL, node: HTMLNode)? {
        for script in root.descendants(named: ["script"]) {
            let text = script.textContent
            guard let call = text.range(of: "createPageHTML(") ?? text.range(of: "createPageHTMLForSearch(") else {
                continue
            }
            guard let close = text[call.upperBound...].firstIndex(of: ")") else { continue }
            let arguments = text[call.upperBound..<close].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            func variable(_ name: String) -> Int? {
                guard let pattern = try? Regex("\\b\(name)\\s*=\\s*(\\d+)"), let match = text.firstMatch(of: pattern),
                    let value = match.output[1].substring
                else { return nil }
                return Int(value)
            }
            var numbers: [Int] = []
            var strings: [String] = []
            for argument in arguments {
                if let value = Int(argument) {
                    numbers.append(value)
                } else if argument.hasPrefix("\"") || argument.hasPrefix("'") {
                    strings.append(argument.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")))
                } else if let value = variable(argument) {
                    numbers.append(value)
                }
            }
            guard numbers.count >= 2,
                let extensionIndex = strings.lastIndex(where: { ["html", "htm", "shtml"].contains($0) }),
                extensionIndex >= 1
            else { continue }
            let count = numbers[0]
            let current = numbers[1]
            guard current + 1 < count else { return nil }
            let name = strings[extensionIndex - 1]
            let file = "\(name)_\(current + 1).\(strings[extensionIndex])"
            guard let url = URL(string: file, relativeTo: context.page)?.absoluteURL else { continue }
            return (url, script)
        }
        return nil
    }

    // MARK: - Hanweb

    /// Hanweb (大汉) list pages keep their records in `<script type="text/xml"><datastore><recordset>
    /// <record><![CDATA[<li>…</li>]]></record>…`; the records are parsed and put in the script's place.
    private static func expandHanwebRecords(_ root: HTMLNode) {
        for script in root.descendants(named: ["script"]) {
            let text = script.textContent
            guard text.contains("<record"), text.contains("datastore") || text.contains("recordset") else { continue }
            var records: [String] = []
            for match in text.matches(of: /<record[^>]*>\s*(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?\s*<\/record>/) {
                records.append(String(match.1))
            }
            let joined = records.joined()
            let start = joined.drop(while: \.isWhitespace).prefix(3).lowercased()
            let wrapper = start == "<li" ? "ul" : (start == "<tr" ? "table" : "div")
            guard !records.isEmpty,
                let body = HTMLDocument.parseFragment("<\(wrapper)>" + joined + "</\(wrapper)>"),
                let list = body.elementChildren.first, let parent = script.parent,
                let index = parent.children.firstIndex(where: { $0 === script })
            else { continue }
            list.attributes = [("class", "datastore-records")]
            parent.children[index] = list
            list.parent = parent
            script.parent = nil
        }
    }

    // MARK: - URLs

    /// The path of element names and classes from `<body>` down to `node` (`div.main/div.right/ul`); ids are
    /// kept only when they hold no digit (generated ids differ from page to page).
    static func shape(of node: HTMLNode) -> String {
        var parts: [String] = []
        var current: HTMLNode? = node
        while let element = current, element.name != "body", element.name != "html" {
            var part = element.name
            if let id = element.attribute("id"), !id.isEmpty, !id.contains(where: \.isNumber) { part += "#" + id }
            let classes = (element.attribute("class") ?? "").split(whereSeparator: \.isWhitespace)
                .filter { !$0.contains(where: \.isNumber) }
            if !classes.isEmpty { part += "." + classes.joined(separator: ".") }
            parts.append(part)
            current = element.parent
        }
        return parts.reversed().joined(separator: "/")
    }

    private static func groupSignature(_ node: HTMLNode) -> String {
        node.name + "." + (node.attribute("class") ?? "")
    }

    /// Same registrable domain (approximated: the last two labels, three under `gov.cn`, `com.cn`, …).
    static func sameSite(_ link: URL, _ page: URL) -> Bool {
        guard let a = link.host?.lowercased(), let b = page.host?.lowercased() else { return false }
        return registrableDomain(a) == registrableDomain(b)
    }

    private static func registrableDomain(_ host: String) -> String {
        let labels = host.split(separator: ".")
        guard labels.count > 2 else { return host }
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return host }
        let secondLevel: Set<String> = ["gov", "com", "edu", "org", "net", "ac", "co", "gob"]
        let keep = secondLevel.contains(String(labels[labels.count - 2])) && labels.last?.count == 2 ? 3 : 2
        return labels.suffix(keep).joined(separator: ".")
    }

    /// Path segments that name an archive, not a post (`/category/news/`, `/tag/x/`, `/page/2/`).
    private static let archiveSegments: Set<String> = [
        "category", "categories", "tag", "tags", "author", "authors", "page", "topic", "topics", "section",
        "sections", "series", "archive", "archives", "feed", "search",
    ]

    /// A blog permalink ending in a slug of three or more words (`/city-council-approves-new-budget/`,
    /// `/2024/03/some-post/`), outside `/category/`, `/tag/`, `/author/` or `/page/N/`.
    static func isSlugPermalink(_ url: URL) -> Bool {
        let segments = url.path.split(separator: "/").map { $0.lowercased() }
        guard let last = segments.last, !segments.contains(where: archiveSegments.contains) else { return false }
        let words = last.split(separator: "-").filter { word in word.contains(where: \.isLetter) }
        return words.count >= 3 && last.count >= 12 && !last.contains(".")
    }

    /// Paths of section front pages (`/xwzx/`, `index.html`, `list_2.html`), not articles.
    static func isSectionPath(_ url: URL) -> Bool {
        let last = url.lastPathComponent.lowercased()
        if isSlugPermalink(url) { return false }
        if url.hasDirectoryPath || url.path.isEmpty { return url.query == nil }
        return last.hasPrefix("index") || last.hasPrefix("list") || last.hasPrefix("default")
    }

    /// Paths that look like article pages: dated folders, numeric ids, `t20190531_123.html`.
    static func isArticlePath(_ url: URL) -> Bool {
        let path = url.path
        let digits = path.filter(\.isNumber).count
        if path.range(of: #"/(19|20)\d{2}[-/_]?\d{2}[-/_]?\d{0,2}/"#, options: .regularExpression) != nil {
            return true
        }
        if path.range(of: #"t(19|20)\d{6}_\d+"#, options: .regularExpression) != nil { return true }
        if isSlugPermalink(url) { return true }
        if path.range(of: #"/\d{3,}\.s?html?$"#, options: .regularExpression) != nil { return true }
        if path.range(of: #"/(show|content|art|detail|article)[-_/]"#, options: .regularExpression) != nil
            && digits >= 2
        {
            return true
        }
        if let query = url.query,
            query.range(
                of: #"(^|&)(id|aid|articleid|newsid|tid|p|infoid|contentid|itemid)=\d+"#,
                options: [.regularExpression, .caseInsensitive]) != nil
        {
            return true
        }
        let last = url.lastPathComponent
        if last.hasPrefix("index") || last.hasPrefix("list") { return false }
        return digits >= 6 && (path.hasSuffix(".html") || path.hasSuffix(".htm") || path.hasSuffix(".shtml"))
    }
}
