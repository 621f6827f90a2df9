import Foundation

/// Working state for extracting one article page: the cleaned tree plus metadata found on the way.
final class ArticlePage {
    let root: HTMLNode
    let url: URL
    let timeZone: TimeZone
    /// `<base href>` resolved against the page URL, else the page URL.
    let baseURL: URL
    /// `<meta name|property|itemprop>` values, keys lowercased; first occurrence wins.
    var meta: [String: String] = [:]
    /// Values found in JSON-LD blocks: `datePublished`, `headline`, `author`.
    var jsonLD: [String: String] = [:]
    /// Text of the first `<title>`.
    var documentTitle = ""

    init(root: HTMLNode, url: URL, timeZone: TimeZone) {
        self.root = root
        self.url = url
        self.timeZone = timeZone
        var base = url
        if let href = root.first("base")?.attribute("href"), let resolved = URLResolver.resolve(href, base: url) {
            base = resolved
        }
        self.baseURL = base
        collectHead()
        clean(root)
    }

    func extract(charset: String) -> ExtractedArticle {
        let title = findTitle()
        // The dateline and byline are read from the page text as it was before the body was pruned (an
        // `info` block beside the headline inside the article container is pruned as furniture).
        _ = flatText
        let markupAuthor = findMarkupAuthor()
        let body = BodyExtractor(page: self, title: title).run()
        let dated = findDatedPublished(title: title)
        let published = dated?.date
        let source = findSource(title: title, trailers: body.trailers)
        let author = findAuthor(
            title: title, trailers: body.trailers, bodyText: body.text, markupAuthor: markupAuthor)
        let category = findCategory(title: title)
        var article = ExtractedArticle(
            url: url, title: title, published: published?.date, publishedText: published?.iso8601,
            author: author, source: source, category: category, bodyText: body.text, bodyHTML: body.html,
            charset: charset)
        article.publishedDateOnly = published.map { !$0.hasTime } ?? false
        article.publishedIsStated = dated?.stated ?? false
        Byline.moveBylines(&article)
        return article
    }

    // MARK: - Head and cleaning

    /// Class words of a publication `<time>` (`time.date.published`, `time.entry-date`).
    private static let publishedTimeTokens: Set<String> = ["published", "pubdate", "entry", "post", "publish"]

    /// Whether a `<time datetime>` dates the article: it says `published`/`entry-date`, or it sits in the
    /// article's header or byline (`article header time`, `p.byline time`), not in a list of other posts.
    static func isArticleTime(_ node: HTMLNode) -> Bool {
        if ContentHints.tokens(node).contains(where: { publishedTimeTokens.contains($0) }) { return true }
        var inArticle = false
        var inHeader = false
        for ancestor in node.ancestors {
            switch ancestor.name {
            case "li", "nav", "aside", "footer": return false
            case "article": inArticle = true
            case "header": inHeader = true
            default:
                if ContentHints.tokens(ancestor).contains(where: { $0 == "byline" || $0 == "meta" }) { inHeader = true }
            }
        }
        return inArticle && inHeader
    }

    private func collectHead() {
        root.walk { node in
            guard node.isElement else { return false }
            switch node.name {
            case "meta":
                let key = (node.attribute("name") ?? node.attribute("property") ?? node.attribute("itemprop") ?? "")
                    .lowercased().trimmingCharacters(in: .whitespaces)
                // CMS metadata is text: markup inside it (a TRS `ArticleTitle` with `<div>…</div>`) is dropped.
                let content = TextNormalizer.collapse(TextNormalizer.stripTags(node.attribute("content") ?? ""))
                if !key.isEmpty, !content.isEmpty, meta[key] == nil { meta[key] = content }
            case "title":
                if documentTitle.isEmpty { documentTitle = TextNormalizer.collapse(node.textContent) }
            case "time":
                if let value = node.attribute("datetime"),
                    node.attribute("itemprop") == "datePublished"
                        || node.attribute("pubdate") != nil, meta["time:datetime"] == nil
                {
                    meta["time:datetime"] = value
                } else if let value = node.attribute("datetime"), meta["time:article"] == nil,
                    Self.isArticleTime(node)
                {
                    meta["time:article"] = value
                }
            case "script":
                if node.attribute("type")?.lowercased() == "application/ld+json" { readJSONLD(node.textContent) }
                return false
            default:
                break
            }
            return true
        }
    }

    private func readJSONLD(_ text: String) {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return }
        func visit(_ value: Any) {
            if let array = value as? [Any] {
                array.forEach(visit)
            } else if let dictionary = value as? [String: Any] {
                for key in ["datePublished", "headline", "dateCreated"] where jsonLD[key] == nil {
                    if let string = dictionary[key] as? String { jsonLD[key] = string }
                }
                if jsonLD["author"] == nil, let author = dictionary["author"] {
                    if let name = (author as? [String: Any])?["name"] as? String {
                        jsonLD["author"] = name
                    } else if let first = (author as? [Any])?.first as? [String: Any],
                        let name = first["name"] as? String
                    {
                        jsonLD["author"] = name
                    } else if let name = author as? String {
                        jsonLD["author"] = name
                    }
                }
                if let graph = dictionary["@graph"] { visit(graph) }
            }
        }
        visit(object)
    }

    /// Removes scripts, styles, forms controls, hidden elements and the head.
    private func clean(_ node: HTMLNode) {
        node.children.removeAll { child in
            guard child.isElement else { return false }
            if HTMLSanitizer.droppedWithContent.contains(child.name) { return true }
            if child.attribute("hidden") != nil { return true }
            // Text for screen readers only (`<span class="off-screen">Media caption</span>`): not on the page.
            if Self.screenReaderOnly(child) { return true }
            if let style = child.attribute("style"), Self.hidesElement(style: style) { return true }
            return false
        }
        for child in node.children where child.isElement { clean(child) }
    }

    /// Whether the element's class marks text that only screen readers read (`sr-only`, `off-screen`,
    /// `visually-hidden`, `screen-reader-text`, …), read from the cached class/id tokens.
    private static func screenReaderOnly(_ node: HTMLNode) -> Bool {
        guard node.attribute("class") != nil else { return false }
        let tokens = ContentHints.tokens(node)
        guard tokens.count >= 1 else { return false }
        if tokens.contains(where: { $0 == "offscreen" || $0 == "visuallyhidden" }) { return true }
        func both(_ a: String, _ b: String) -> Bool { tokens.contains(a) && tokens.contains(b) }
        return both("sr", "only") || both("visually", "hidden") || both("screen", "reader") || both("off", "screen")
            || both("element", "invisible")
    }

    /// Whether an inline `style` holds `display:none` or `visibility:hidden` (case-insensitive, spaces ignored).
    private static func hidesElement(style: String) -> Bool {
        guard style.utf8.allSatisfy({ $0 < 0x80 }) else {
            let squeezed = style.lowercased().replacingOccurrences(of: " ", with: "")
            return squeezed.contains("display:none") || squeezed.contains("visibility:hidden")
        }
        // ASCII: the same test on bytes, without Foundation.
        var squeezed: [UInt8] = []
        squeezed.reserveCapacity(style.utf8.count)
        for byte in style.utf8 where byte != 0x20 { squeezed.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) }
        return squeezed.containsBytes(of: "display:none") || squeezed.containsBytes(of: "visibility:hidden")
    }

    // MARK: - Helpers shared by the metadata finders

    /// Page text in document order with one line per block, for dateline/label searches.
    lazy var flatText: String = {
        var lines: [String] = []
        var current = ""
        func flush() {
            let line = TextNormalizer.collapse(current)
            if !line.isEmpty { lines.append(line) }
            current = ""
        }
        func visit(_ node: HTMLNode) {
            if node.kind == .text {
                current += node.text
                return
            }
            let block = BodyExtractor.blockTags.contains(node.name) || node.name == "br"
            let cell = node.name == "td" || node.name == "th" || node.name == "span" || node.name == "li"
            if block { flush() } else if cell { current += " " }
            for child in node.children { visit(child) }
            if block { flush() } else if cell { current += " " }
        }
        if let body = root.first("body") { visit(body) } else { visit(root) }
        flush()
        return lines.joined(separator: "\n")
    }()
}

extension [UInt8] {
    /// Whether the UTF-8 bytes of `needle` occur in this array.
    fileprivate func containsBytes(of needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard pattern.count <= count else { return false }
        var start = 0
        while start + pattern.count <= count {
            if self[start] == pattern[0] {
                var matched = 1
                while matched < pattern.count && self[start + matched] == pattern[matched] { matched += 1 }
                if matched == pattern.count { return true }
            }
            start += 1
        }
        return false
    }
}
