public import Foundation

/// Finds the article links on a CMS listing page.
///
/// Candidate links are same-site `http(s)` anchors outside navigation, headers, footers, sidebars,
/// breadcrumbs and pagination. They are grouped by their list container (`ul`, `ol`, `table`, `dl`, `div`);
/// the group with the most article-like links (paths such as `/2019/0531/1287.html`, `t20190531_1.html`,
/// `?id=123`, or items carrying a date) wins, together with groups built the same way beside it.
public enum ListingExtractor {
    /// Decodes, parses and extracts a listing page.
    ///
    /// - Parameters:
    ///   - bytes: The page bytes exactly as fetched.
    ///   - contentType: The HTTP `Content-Type` header value, if any.
    ///   - url: The page URL; links are resolved against it (or `<base href>`).
    ///   - timeZone: Zone for the dates shown beside links.
    /// - Returns: The links and the next-page URL; an empty list when nothing article-like was found.
    public static func extract(bytes: [UInt8], contentType: String?, url: URL, timeZone: TimeZone) -> ListingPage {
        let decoded = CharsetDecoder.decode(bytes, contentType: contentType)
        return extract(html: decoded.text, url: url, timeZone: timeZone)
    }

    /// Extracts a listing from already-decoded HTML text.
    public static func extract(html: String, url: URL, timeZone: TimeZone) -> ListingPage {
        guard let root = HTMLDocument.parseHTML(html) else { return ListingPage(links: [], nextPage: nil) }
        var base = url
        if let href = root.first("base")?.attribute("href"), let resolved = URLResolver.resolve(href, base: url) {
            base = resolved
        }
        let nextPage = findNextPage(root, base: base)

        struct Candidate {
            var anchor: HTMLNode
            var url: URL
            var title: String
            var date: Date?
            var articleLike: Bool
            var group: HTMLNode
        }
        var candidates: [Candidate] = []
        var seen: Set<String> = []
        for anchor in root.descendants(named: ["a"]) {
            guard let href = anchor.attribute("href"), let link = URLResolver.resolve(href, base: base),
                sameSite(link, url), link.absoluteString != url.absoluteString
            else { continue }
            if anchor.ancestors.contains(where: isFurniture) { continue }
            var title = TextNormalizer.collapse(anchor.textContent)
            if let attributeTitle = anchor.attribute("title").map(TextNormalizer.collapse), !attributeTitle.isEmpty,
                title.hasSuffix("...") || title.hasSuffix("…") || title.isEmpty
            {
                title = attributeTitle
            }
            guard title.count >= 4, !ContentHints.isBoilerplate(title) else { continue }
            let item = itemNode(anchor)
            let itemText = TextNormalizer.collapse(item.textContent)
            let date = DateParser.firstDate(in: itemText, timeZone: timeZone)?.date.date
            let group = item === anchor ? (anchor.parent ?? anchor) : (item.parent ?? item)
            let articleLike = isArticlePath(link) || date != nil
            let key = link.absoluteString
            guard !seen.contains(key) else { continue }
            seen.insert(key)
            candidates.append(
                Candidate(anchor: anchor, url: link, title: title, date: date, articleLike: articleLike, group: group))
        }

        // Score groups.
        var groupScores: [ObjectIdentifier: Int] = [:]
        for candidate in candidates where candidate.articleLike {
            groupScores[ObjectIdentifier(candidate.group), default: 0] += 1
        }
        guard let bestID = groupScores.max(by: { $0.value < $1.value })?.key,
            let bestGroup = candidates.first(where: { ObjectIdentifier($0.group) == bestID })?.group
        else { return ListingPage(links: [], nextPage: nextPage) }
        let signature = groupSignature(bestGroup)
        let grandparent = bestGroup.parent
        let chosen = candidates.filter { candidate in
            guard candidate.articleLike else { return false }
            if candidate.group === bestGroup { return true }
            return candidate.group.parent === grandparent && groupSignature(candidate.group) == signature
                && (groupScores[ObjectIdentifier(candidate.group)] ?? 0) >= 1
        }
        var links = chosen.map { ListingLink(url: $0.url, title: $0.title, date: $0.date) }
        if links.allSatisfy({ $0.date != nil }) {
            links = links.enumerated().sorted { lhs, rhs in
                let l = lhs.element.date ?? .distantPast
                let r = rhs.element.date ?? .distantPast
                return l != r ? l > r : lhs.offset < rhs.offset
            }.map(\.element)
        }
        return ListingPage(links: links, nextPage: nextPage)
    }

    private static let nextLabels: Set<String> = [
        "下一页", "下页", "下一頁", "next", "next page", "next »", "»", ">", "›", "下一页>", "下一页 >", "下一页»",
    ]

    private static func findNextPage(_ root: HTMLNode, base: URL) -> URL? {
        for link in root.descendants(named: ["a", "link"]) {
            guard let href = link.attribute("href") else { continue }
            let rel = link.attribute("rel")?.lowercased() ?? ""
            let text = TextNormalizer.collapse(link.textContent).lowercased()
            if rel.split(separator: " ").contains("next") || nextLabels.contains(text) {
                if let url = URLResolver.resolve(href, base: base) { return url }
            }
        }
        return nil
    }

    /// The list item holding the anchor: nearest `li`, `tr`, `dd`/`dt`, or a `div`/`p` holding only it.
    private static func itemNode(_ anchor: HTMLNode) -> HTMLNode {
        var node = anchor
        for _ in 0..<4 {
            guard let parent = node.parent else { break }
            if ["li", "tr", "dd", "dt"].contains(parent.name) { return parent }
            if ["div", "p", "span", "h3", "h4", "td"].contains(parent.name),
                parent.descendants(named: ["a"]).count == 1
            {
                node = parent
                continue
            }
            break
        }
        return node
    }

    private static func groupSignature(_ node: HTMLNode) -> String {
        node.name + "." + (node.attribute("class") ?? "")
    }

    private static func isFurniture(_ node: HTMLNode) -> Bool {
        if ["nav", "header", "footer", "aside"].contains(node.name) { return true }
        let tokens = ContentHints.tokens(node)
        let words = [
            "nav", "menu", "footer", "foot", "sidebar", "side", "left", "right", "crumb", "breadcrumb", "weizhi",
            "position", "location", "page", "pages", "pager", "pagination", "top", "header", "logo", "links", "friend",
            "hot", "rank", "recommend", "related", "copyright",
        ]
        return tokens.contains { token in words.contains(where: { token == $0 || token.hasPrefix($0 + "_") }) }
    }

    private static func sameSite(_ link: URL, _ page: URL) -> Bool {
        guard let a = link.host?.lowercased(), let b = page.host?.lowercased() else { return false }
        func strip(_ host: String) -> String { host.hasPrefix("www.") ? String(host.dropFirst(4)) : host }
        return strip(a) == strip(b)
    }

    /// Paths that look like article pages: dated folders, numeric ids, `t20190531_123.html`.
    static func isArticlePath(_ url: URL) -> Bool {
        let path = url.path
        let digits = path.filter(\.isNumber).count
        if path.range(of: #"/(19|20)\d{2}[-/_]?\d{2}[-/_]?\d{0,2}/"#, options: .regularExpression) != nil {
            return true
        }
        if path.range(of: #"t(19|20)\d{6}_\d+"#, options: .regularExpression) != nil { return true }
        if path.range(of: #"/\d{3,}\.s?html?$"#, options: .regularExpression) != nil { return true }
        if let query = url.query,
            query.range(
                of: #"(^|&)(id|aid|articleid|newsid|tid)=\d+"#, options: [.regularExpression, .caseInsensitive]) != nil
        {
            return true
        }
        let last = url.lastPathComponent
        if last.hasPrefix("index") || last.hasPrefix("list") { return false }
        return digits >= 6 && (path.hasSuffix(".html") || path.hasSuffix(".htm") || path.hasSuffix(".shtml"))
    }
}
