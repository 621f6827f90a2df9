import Foundation

/// Turns a cleaned body subtree into paragraphs of plain text and allow-listed HTML.
struct BlockBuilder {
    /// One output paragraph, heading, list item or quote.
    struct Block {
        /// `p`, `h2`, `h3`, `h4`, `li`, `blockquote` or `pre`.
        var tag: String
        /// `ul` or `ol` for list items.
        var listTag: String
        /// Inline HTML inside the block element.
        var html: String
        /// Whitespace-normalised text.
        var text: String
        var hasImage: Bool
    }

    let baseURL: URL
    private(set) var blocks: [Block] = []
    private var html = ""
    private var text = ""
    private var hasImage = false
    /// Whether ``text`` holds anything ``TextNormalizer/collapse(_:)`` keeps (tracked, not recomputed:
    /// re-collapsing the block for every text piece was quadratic on table-layout pages).
    private var hasVisibleText = false
    private var tagStack: [String] = []
    private var listStack: [String] = []

    init(baseURL: URL) {
        self.baseURL = baseURL
    }

    private static let inlineRenames: [String: String] = [
        "b": "strong", "strong": "strong", "em": "em", "i": "em", "u": "u", "sub": "sub", "sup": "sup",
    ]

    mutating func visit(_ node: HTMLNode) {
        if node.kind == .text {
            appendText(node.text)
            return
        }
        let name = node.name
        if HTMLSanitizer.droppedWithContent.contains(name) { return }
        if name == "br" {
            flush()
            return
        }
        if name == "img" {
            let src = node.attribute("src") ?? node.attribute("data-src") ?? node.attribute("data-original") ?? ""
            guard let url = URLResolver.resolve(src, base: baseURL) else { return }
            var tag = "<img src=\"\(TextNormalizer.escape(url.absoluteString))\""
            if let alt = node.attribute("alt"), !alt.isEmpty { tag += " alt=\"\(TextNormalizer.escape(alt))\"" }
            html += tag + ">"
            hasImage = true
            return
        }
        if name == "a" {
            let url = node.attribute("href").flatMap { URLResolver.resolve($0, base: baseURL, allowMailto: true) }
            if let url { html += "<a href=\"\(TextNormalizer.escape(url.absoluteString))\">" }
            for child in node.children { visit(child) }
            if url != nil { html += "</a>" }
            return
        }
        if let inline = Self.inlineRenames[name] {
            html += "<\(inline)>"
            for child in node.children { visit(child) }
            html += "</\(inline)>"
            return
        }
        guard BodyExtractor.blockTags.contains(name) else {
            for child in node.children { visit(child) }
            return
        }
        flush()
        var pushed: String?
        switch name {
        case "h1", "h2": pushed = "h2"
        case "h3": pushed = "h3"
        case "h4", "h5", "h6": pushed = "h4"
        case "li", "dt", "dd": pushed = "li"
        case "blockquote": pushed = "blockquote"
        case "pre": pushed = "pre"
        default: break
        }
        let isList = name == "ul" || name == "ol"
        if isList { listStack.append(name) }
        if let pushed { tagStack.append(pushed) }
        for child in node.children { visit(child) }
        flush()
        if pushed != nil { tagStack.removeLast() }
        if isList { listStack.removeLast() }
    }

    private mutating func appendText(_ raw: String) {
        if tagStack.last == "pre" {
            text += raw
            html += TextNormalizer.escape(raw)
            if !hasVisibleText { hasVisibleText = Self.hasVisible(raw) }
            return
        }
        // On UTF-8 bytes: the scalars handled specially are matched by their exact byte sequences and every
        // other scalar is copied through whole, as a scalar-by-scalar pass would.
        let atStart = !hasVisibleText
        var raw = raw
        let value: String = raw.withUTF8 { bytes in
            let count = bytes.count
            var piece: [UInt8] = []
            piece.reserveCapacity(count + 1)
            var pendingSpace = false
            var index = 0
            while index < count {
                var length: Int
                switch TextNormalizer.spaceClass(bytes, at: index) {
                case .space(let spaceLength):
                    pendingSpace = true
                    index += spaceLength
                    continue
                case .dropped(let droppedLength):
                    index += droppedLength
                    continue
                case .ideographicSpace where atStart && piece.isEmpty:
                    index += 3
                    continue
                case .ideographicSpace:
                    length = 3
                case .other(let otherLength):
                    length = otherLength
                }
                if pendingSpace && !(atStart && piece.isEmpty) { piece.append(0x20) }
                pendingSpace = false
                for offset in 0..<length { piece.append(bytes[index + offset]) }
                index += length
            }
            if pendingSpace && !(atStart && piece.isEmpty) { piece.append(0x20) }
            return String(decoding: piece, as: UTF8.self)
        }
        text += value
        html += TextNormalizer.escape(value)
        if !hasVisibleText { hasVisibleText = Self.hasVisible(value) }
    }

    /// Whether `text` holds a scalar that ``TextNormalizer/collapse(_:)`` keeps (not whitespace, a
    /// zero-width character or U+3000).
    private static func hasVisible(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x0C, 0x20, 0xA0, 0x2002, 0x2003, 0x2009, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x3000:
                false
            default: true
            }
        }
    }

    mutating func flush() {
        let normalised = TextNormalizer.collapse(text)
        var trimmedHTML = html
        while let last = trimmedHTML.last, last == " " { trimmedHTML.removeLast() }
        if !normalised.isEmpty || hasImage {
            let tag = tagStack.last ?? "p"
            blocks.append(
                Block(
                    tag: tag, listTag: listStack.last ?? "ul", html: trimmedHTML, text: normalised, hasImage: hasImage))
        }
        html = ""
        text = ""
        hasImage = false
        hasVisibleText = false
    }
}
