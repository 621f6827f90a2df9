import Foundation

/// Finds and cleans the readable body of an ``ArticlePage``.
///
/// Scoring: every block with at least 20 characters of its own text scores
/// `1 + punctuation + min(length / 50, 5)`; the score goes to the block itself when it is a container,
/// fully to its parent, half to its grandparent and a third to the next ancestor. Each candidate's total
/// is multiplied by `1 − link density` and shifted by ±25 for class/id hints. The best candidate, plus
/// strong siblings, is turned into paragraphs; furniture and trailer lines are removed.
struct BodyExtractor {
    /// Elements that start a new paragraph.
    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "main", "td", "th", "tr", "table", "tbody", "thead", "tfoot", "center",
        "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "figure",
        "figcaption", "header", "footer", "nav", "aside", "form", "hr", "body", "html", "address", "caption",
        "fieldset", "details", "summary", "text",
    ]
    private static let containerTags: Set<String> = [
        "div", "td", "section", "article", "main", "font", "span", "center", "body", "form", "text", "dd",
    ]
    private static let furnitureTags: Set<String> = ["nav", "footer", "aside", "header"]
    private static let headingTags: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// The result: plain text, sanitised HTML, and trailer lines that were taken out of the body.
    struct Result {
        var text: String
        var html: String
        var trailers: [String]
    }

    let page: ArticlePage
    let title: String
    /// Visible text lengths per element, measured once before pruning (see ``TextLengths``).
    private let lengths = TextLengths()

    func run() -> Result {
        guard let body = page.root.first("body") ?? Optional(page.root) else {
            return Result(text: "", html: "", trailers: [])
        }
        lengths.measure(body)
        var scores: [ObjectIdentifier: Double] = [:]
        var nodesByID: [ObjectIdentifier: HTMLNode] = [:]
        score(body, scores: &scores, nodes: &nodesByID)

        var best: HTMLNode?
        var bestScore = -Double.infinity
        var finalScores: [ObjectIdentifier: Double] = [:]
        for (id, raw) in scores {
            guard let node = nodesByID[id] else { continue }
            let adjusted = (raw + ContentHints.weight(node)) * (1 - linkDensity(node))
            finalScores[id] = adjusted
            if adjusted > bestScore || (adjusted == bestScore && best.map { isAncestor($0, of: node) } == true) {
                best = node
                bestScore = adjusted
            }
        }
        // No block reaches 20 characters (a one-line notice): the whole body, pruned, is the candidate.
        guard let top = best else { return build([body]) }

        // Include strong siblings (articles split across several containers).
        var roots: [HTMLNode] = [top]
        if let parent = top.parent {
            let threshold = max(10, bestScore * 0.2)
            roots = parent.children.filter { sibling in
                if sibling === top { return true }
                guard sibling.isElement, !ContentHints.isNegative(sibling) else { return false }
                if ContentHints.tokens(sibling).contains(where: {
                    ["perex", "lead", "standfirst", "intro", "summary"].contains($0)
                }) {
                    return true
                }
                if let value = finalScores[ObjectIdentifier(sibling)], value >= threshold { return true }
                if sibling.name == "p" {
                    let text = TextNormalizer.collapse(sibling.textContent)
                    return text.count > 80 && linkDensity(sibling) < 0.25
                        && TextNormalizer.punctuationCount(text) >= 2
                }
                return false
            }
        }
        roots = leadBlocks(above: top, body: body) + roots
        let result = build(roots)
        guard result.text.isEmpty, top !== body else { return result }
        // The winner held only a dateline or trailer lines (a `发布时间：…` div beside paragraphs that sit
        // directly in the container): widen to its ancestors until one yields text.
        var ancestor = top.parent
        while let node = ancestor {
            lengths.measure(body)
            let widened = build([node])
            if !widened.text.isEmpty || node === body { return widened }
            ancestor = node.parent
        }
        return result
    }

    /// Lead paragraphs one level above the winner's container.
    ///
    /// An article split into an intro and a few paragraphs followed by a box holding the rest
    /// (`div.story-body` > `div.story-intro`, `p`, `p`, `div#read-more` > `div#read-more-content`). Walking
    /// back from the container, empty elements are skipped and full paragraphs (or intro/lead/standfirst
    /// blocks) taken until anything else.
    private func leadBlocks(above top: HTMLNode, body: HTMLNode) -> [HTMLNode] {
        guard let container = top.parent, container !== body, let outer = container.parent,
            let position = outer.children.firstIndex(where: { $0 === container })
        else { return [] }
        var lead: [HTMLNode] = []
        var paragraphs = 0
        for sibling in outer.children[..<position].reversed() where sibling.isElement {
            let length = lengths.of(sibling)?.total ?? TextNormalizer.visibleLength(sibling.textContent)
            if length == 0 { continue }
            if ContentHints.isNegative(sibling) { break }
            let text = TextNormalizer.collapse(sibling.textContent)
            if sibling.name == "p", text.count > 80, linkDensity(sibling) < 0.25,
                TextNormalizer.punctuationCount(text) >= 2
            {
                paragraphs += 1
            } else if !ContentHints.tokens(sibling).contains(where: {
                ["perex", "lead", "standfirst", "intro", "summary"].contains($0)
            }) {
                break
            }
            lead.insert(sibling, at: 0)
        }
        return paragraphs > 0 ? lead : []
    }

    /// Prunes `roots` and turns them into the result.
    private func build(_ roots: [HTMLNode]) -> Result {
        for root in roots { prune(root, isRoot: true) }
        var builder = BlockBuilder(baseURL: page.baseURL)
        for root in roots { builder.visit(root) }
        builder.flush()
        return finish(builder.blocks)
    }

    // MARK: - Scoring

    private func score(
        _ root: HTMLNode, scores: inout [ObjectIdentifier: Double], nodes: inout [ObjectIdentifier: HTMLNode]
    ) {
        root.walk { node in
            guard node.isElement else { return false }
            if Self.furnitureTags.contains(node.name) { return false }
            let own = ownText(node)
            let length = TextNormalizer.visibleLength(own)
            if length >= 20 {
                let value = 1 + Double(TextNormalizer.punctuationCount(own)) + min(Double(length) / 50, 5)
                if Self.containerTags.contains(node.name) {
                    add(value, to: node, scores: &scores, nodes: &nodes)
                }
                var ancestor = node.parent
                var divisor = 1.0
                while let current = ancestor, divisor <= 3 {
                    add(value / divisor, to: current, scores: &scores, nodes: &nodes)
                    ancestor = current.parent
                    divisor += 1
                }
            }
            return true
        }
    }

    private func add(
        _ value: Double, to node: HTMLNode, scores: inout [ObjectIdentifier: Double],
        nodes: inout [ObjectIdentifier: HTMLNode]
    ) {
        let id = ObjectIdentifier(node)
        if scores[id] == nil {
            nodes[id] = node
            var base = 0.0
            switch node.name {
            case "div", "article", "section": base = 5
            case "td", "pre", "blockquote": base = 3
            case "ul", "ol", "li", "dl", "form", "tr", "table", "tbody": base = -3
            case "body", "html": base = -20
            case "h1", "h2", "h3", "h4", "h5", "h6", "th": base = -5
            default: break
            }
            scores[id] = base
        }
        scores[id, default: 0] += value
    }

    /// Text of the node's own inline content (text children and inline descendants, not nested blocks).
    private func ownText(_ node: HTMLNode) -> String {
        var result = ""
        func visit(_ current: HTMLNode) {
            for child in current.children {
                if child.kind == .text {
                    result += child.text
                } else if !Self.blockTags.contains(child.name) && child.name != "a" {
                    visit(child)
                }
            }
        }
        visit(node)
        return result
    }

    private func linkDensity(_ node: HTMLNode) -> Double {
        if let measured = lengths.of(node) {
            return measured.total > 0 ? min(1, Double(measured.linked) / Double(measured.total)) : 0
        }
        let total = TextNormalizer.visibleLength(node.textContent)
        guard total > 0 else { return 0 }
        var linked = 0
        for anchor in node.descendants(named: ["a"]) { linked += TextNormalizer.visibleLength(anchor.textContent) }
        return min(1, Double(linked) / Double(total))
    }

    private func isAncestor(_ candidate: HTMLNode, of node: HTMLNode) -> Bool {
        node.ancestors.contains { $0 === candidate }
    }

    // MARK: - Cleaning

    /// Removes furniture inside the chosen body: negative class/id blocks, link lists, share bars.
    private func prune(_ node: HTMLNode, isRoot: Bool) {
        // The children as they were, for rules that look at a child's later siblings while the array is
        // being filtered.
        let siblings = node.children
        node.children.removeAll { child in
            guard child.isElement else { return false }
            if Self.furnitureTags.contains(child.name) { return true }
            // Subtrees are untouched until their parent's children are filtered, so the lengths measured
            // before pruning still hold; the text itself is only built where a rule reads it.
            let length = lengths.of(child)?.total ?? TextNormalizer.visibleLength(child.textContent)
            var built: String?
            func text() -> String {
                if let built { return built }
                let value = TextNormalizer.collapse(child.textContent)
                built = value
                return value
            }
            if child.name == "h1" && (text() == title || TextNormalizer.contains(title, text())) { return true }
            // A video or audio figure: the player does not reach the reader, so neither does its caption.
            if child.name == "figure", child.descendants(named: ["img", "picture", "table", "p"]).isEmpty {
                return true
            }
            // A heading inside the chosen body is a subheading whatever its class says: classes on headings
            // style them (`pgc-h-arrow-right`, `title-left`); furniture headings name themselves (相关新闻).
            let isSubheading = Self.headingTags.contains(child.name) && length < 120
            // A definition list of the article's facts (Joomla's `dl.article-info`: Details, Written by, Category,
            // Published, Hits) is metadata, read before the body is pruned, never text.
            if child.name == "dl", ContentHints.isNegative(child), length < 400 { return true }
            if ContentHints.isKnownWidget(child), length < 400 { return true }
            if !isSubheading && ContentHints.isNegative(child) && ContentHints.weight(child) < 0 && length < 400
                && !child.descendants(named: ["p"]).contains(where: {
                    TextNormalizer.visibleLength($0.textContent) > 150
                })
            {
                return true
            }
            if ["ul", "ol", "table", "div", "dl", "section"].contains(child.name), length > 0 {
                let density = linkDensity(child)
                if density > 0.5 && TextNormalizer.punctuationCount(text()) < 3
                    && !isListOfCitations(child, length: length, siblings: siblings, parent: node)
                {
                    return true
                }
            }
            // isBoilerplate needs fewer than 120 characters; 480 visible scalars is a safe upper bound.
            if length < 480,
                ContentHints.isBoilerplate(text()) && !Self.isTrailer(text())
                    && child.descendants(named: ["img"]).isEmpty
                    && (!["p", "span", "font", "strong", "b"].contains(child.name) || length < 60)
            {
                return true
            }
            return false
        }
        for child in node.children where child.isElement { prune(child, isRoot: false) }
    }

    /// Whether a link-dense list is part of the article: three or more links that read as phrases (on average
    /// 25 characters or more, where navigation says `Home`, `News`) and article text following it in the body
    /// (a list of bug links under a heading, then the next section), where related-story lists close the body.
    private func isListOfCitations(_ list: HTMLNode, length: Int, siblings: [HTMLNode], parent: HTMLNode) -> Bool {
        guard list.name == "ul" || list.name == "ol" else { return false }
        // One or two links in a list mid-article are a promotion (`BBC Africa Live updates from Kenya`).
        let anchors = list.descendants(named: ["a"])
        guard anchors.count >= 3 else { return false }
        let linked = lengths.of(list)?.linked ?? length
        guard linked / anchors.count >= 25 else { return false }
        var node = list
        var container: HTMLNode? = parent
        while let current = container {
            // `parent`'s children are being filtered: its snapshot is read instead.
            let children = current === parent ? siblings : current.children
            if let index = children.firstIndex(where: { $0 === node }) {
                for sibling in children[(index + 1)...] where sibling.isElement {
                    guard let measured = lengths.of(sibling), measured.total >= 80 else { continue }
                    if Double(measured.linked) / Double(measured.total) < 0.5 { return true }
                }
            }
            guard !current.isElement || current.name != "body", let next = current.parent else { break }
            node = current
            container = next
        }
        return false
    }

    private static let trailerLabels = [
        "来源", "稿源", "信息来源", "文章来源", "消息来源", "责任编辑", "责编", "编辑", "原标题", "作者", "记者", "审核",
        "校对", "监制", "出品", "撰稿", "编审", "审校", "终审", "初审", "复审", "统筹", "摄影", "制作", "策划",
    ]

    /// Whether `text` is a trailer line such as `(来源:新华社)` or `责任编辑：某某`.
    static func isTrailer(_ text: String) -> Bool {
        // `count` never exceeds the UTF-8 length: short texts skip the grapheme count.
        guard text.utf8.count <= 150 || text.count <= 150 else { return false }
        var rest = Substring(text).drop(while: { "([【〔（ \u{3000}".contains($0) })
        for label in trailerLabels where rest.hasPrefix(label) {
            rest = rest.dropFirst(label.count).drop(while: { $0 == " " || $0 == "\u{3000}" })
            if let first = rest.first, ":：︱|".contains(first) { return true }
            if label == "原标题" { return true }
        }
        return false
    }

    /// Whether a block's text is the headline: the title ignoring whitespace, or its first part (at least
    /// eight characters and half the title).
    static func isHeadline(_ text: String, bareTitle: String) -> Bool {
        guard !bareTitle.isEmpty, text.utf8.count <= bareTitle.utf8.count * 2 else { return false }
        let bare = text.filter { !$0.isWhitespace }
        return bare == bareTitle || (bare.count >= max(8, bareTitle.count / 2) && bareTitle.hasPrefix(bare))
    }

    private func finish(_ blocks: [BlockBuilder.Block]) -> Result {
        var kept: [BlockBuilder.Block] = []
        var trailers: [String] = []
        let bareTitle = title.filter { !$0.isWhitespace }
        for (index, block) in blocks.enumerated() {
            let text = block.text
            if !text.isEmpty {
                // The headline repeated above the text (spaced with U+3000 where the title has a space, or
                // without the photo credit the title carries: `…の成否` under `…の成否（写真＝ロイター）`).
                if index < 3, text == title || Self.isHeadline(text, bareTitle: bareTitle) { continue }
                // A paywall notice followed only by short lines (sign-up buttons): the article stops there.
                if index > 0, ContentHints.isPaywallNotice(text),
                    blocks[(index + 1)...].allSatisfy({ $0.text.utf8.count < 80 || $0.text.count < 40 })
                {
                    break
                }
                if Self.isTrailer(text) {
                    trailers.append(text)
                    continue
                }
                if ContentHints.isBoilerplate(text) && (text.utf8.count < 60 || text.count < 60) { continue }
                if ContentHints.isEnglishFurniture(text) { continue }
                if index < 4, text.utf8.count < 100 || text.count < 100,
                    DateParser.firstDate(in: text, timeZone: nil) != nil,
                    TextNormalizer.punctuationCount(text) <= 3, !text.contains("。")
                {
                    trailers.append(text)
                    continue
                }
            }
            kept.append(block)
        }
        // Drop trailing image-less empties and leading/trailing pure-image-less noise.
        while let last = kept.last, last.text.isEmpty && !last.hasImage { kept.removeLast() }
        let text = kept.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n\n")
        var html = ""
        var openList: String?
        for block in kept {
            if block.tag == "li" {
                if openList != block.listTag {
                    if let open = openList { html += "</\(open)>" }
                    html += "<\(block.listTag)>"
                    openList = block.listTag
                }
            } else if let open = openList {
                html += "</\(open)>"
                openList = nil
            }
            html += "<\(block.tag)>\(block.html)</\(block.tag)>"
        }
        if let open = openList { html += "</\(open)>" }
        return Result(text: text, html: html, trailers: trailers)
    }
}

/// Visible text length of every element below a root, and how much of it is link text, measured in one
/// pass so that link density and size tests cost O(1) per node instead of a walk of its subtree.
private final class TextLengths {
    private var table: [ObjectIdentifier: (total: Int, linked: Int)] = [:]

    /// Measures `root` and everything below it.
    /// - Complexity: O(*n*) in the size of the subtree.
    func measure(_ root: HTMLNode) {
        table.removeAll(keepingCapacity: true)
        _ = visit(root)
    }

    func of(_ node: HTMLNode) -> (total: Int, linked: Int)? { table[ObjectIdentifier(node)] }

    /// `linked` counts the text of `<a>` descendants (not of the node itself), as a walk would.
    private func visit(_ node: HTMLNode) -> (total: Int, linked: Int) {
        if node.kind == .text { return (TextNormalizer.visibleLength(node.text), 0) }
        var sum = (total: 0, linked: 0)
        for child in node.children {
            let part = visit(child)
            sum.total += part.total
            sum.linked += child.isElement && child.name == "a" ? part.total : part.linked
        }
        table[ObjectIdentifier(node)] = sum
        return sum
    }
}
