public import Foundation

/// Parses RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds with libxml2 after browser-like charset decoding.
///
/// - Text: RSS titles are XML-decoded and then HTML-entity-decoded exactly once to plain text
///   (`Sarah&amp;#39;s` → `Sarah's`); Atom `type="text"` titles are taken literally, `html`/`xhtml` ones
///   are reduced to their text.
/// - Links: relative links resolve against `xml:base` (inherited) and then the feed URL.
/// - Dates: see ``DateParser``; zone-less values use the feed's configured zone, else UTC; an
///   unparseable date becomes `fetchedAt` with ``FeedEntry/publishedWasGuessed`` set and never fails the feed.
/// - Content: `description`/`summary` and `content:encoded`/`content` pass through ``HTMLSanitizer``.
public enum FeedParser: Sendable {
    /// Parses a feed.
    ///
    /// - Parameters:
    ///   - bytes: The feed bytes exactly as fetched.
    ///   - contentType: The HTTP `Content-Type` header value, if any.
    ///   - url: The feed URL (base for relative links; named in errors).
    ///   - timeZone: The feed's configured zone for zone-less dates; `nil` means UTC.
    ///   - fetchedAt: Stand-in date for entries whose date cannot be parsed.
    /// - Returns: The feed.
    /// - Throws: ``FeedError`` when the document is not XML or its root is not a feed element.
    public static func parse(bytes: [UInt8], contentType: String?, url: URL, timeZone: TimeZone?, fetchedAt: Date)
        throws -> Feed
    {
        let decoded = CharsetDecoder.decode(bytes, contentType: contentType)
        // Case 34: HTML entities and bare `&` are repaired first, so one `&shy;` cannot cost the whole feed.
        let (text, repaired) = XMLEntityRepair.repair(decoded.text)
        var feed = try parse(text: text, charset: decoded.charset, url: url, timeZone: timeZone, fetchedAt: fetchedAt)
        feed.repairedReferences = repaired
        return feed
    }

    private static func parse(text: String, charset: String, url: URL, timeZone: TimeZone?, fetchedAt: Date)
        throws -> Feed
    {
        let decoded = (text: text, charset: charset)
        guard let root = HTMLDocument.parseXML(decoded.text) else { throw FeedError.unparseable(url) }
        let context = Context(timeZone: timeZone, fetchedAt: fetchedAt)
        switch root.name.lowercased() {
        case "rss":
            let channel = root.child("channel") ?? root
            let base = xmlBase(channel, fallback: url)
            let items =
                channel.children(named: "item").isEmpty ? root.children(named: "item") : channel.children(named: "item")
            let entries = items.map { rssEntry($0, base: xmlBase($0, fallback: base), context: context) }
            return Feed(
                title: rssText(channel.child("title")), kind: "rss2", entries: entries, charset: decoded.charset)
        case "rdf":
            let channel = root.child("channel")
            let base = xmlBase(root, fallback: url)
            let entries = root.children(named: "item").map {
                rssEntry($0, base: xmlBase($0, fallback: base), context: context)
            }
            return Feed(
                title: rssText(channel?.child("title")), kind: "rss1", entries: entries, charset: decoded.charset)
        case "feed":
            let base = xmlBase(root, fallback: url)
            let entries = root.children(named: "entry").map {
                atomEntry($0, base: xmlBase($0, fallback: base), context: context)
            }
            return Feed(title: atomText(root.child("title")), kind: "atom", entries: entries, charset: decoded.charset)
        default:
            throw FeedError.notAFeed(url, root: root.name)
        }
    }

    /// Sniffs whether bytes are a feed by their root element (`rss`, `rdf:RDF`, `feed`), skipping a BOM,
    /// whitespace, the XML declaration, processing instructions, comments and a doctype.
    ///
    /// File names and `Content-Type` are never consulted.
    ///
    /// - Parameter bytes: The document bytes (UTF-8, UTF-16 with BOM, or any ASCII-compatible charset).
    /// - Returns: `true` when the root element's local name (any prefix) is `rss`, `RDF` or `feed`; `false`
    ///   otherwise, including for bytes that do not start with markup.
    public static func looksLikeFeed(_ bytes: [UInt8]) -> Bool {
        var data = bytes
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            data = Array(CharsetDecoder.decode(bytes, contentType: nil).text.utf8)
        }
        var i = 0
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        func skipSpace() { while i < data.count, [0x20, 0x09, 0x0A, 0x0D].contains(data[i]) { i += 1 } }
        func skip(past terminator: [UInt8]) -> Bool {
            while i + terminator.count <= data.count {
                if Array(data[i..<(i + terminator.count)]) == terminator {
                    i += terminator.count
                    return true
                }
                i += 1
            }
            return false
        }
        while true {
            skipSpace()
            guard i < data.count, data[i] == UInt8(ascii: "<") else { return false }
            let rest = data[i...]
            if rest.starts(with: Array("<?".utf8)) {
                guard skip(past: Array("?>".utf8)) else { return false }
            } else if rest.starts(with: Array("<!--".utf8)) {
                guard skip(past: Array("-->".utf8)) else { return false }
            } else if rest.starts(with: Array("<!".utf8)) {
                guard skip(past: Array(">".utf8)) else { return false }
            } else {
                break
            }
        }
        i += 1
        var name: [UInt8] = []
        while i < data.count, !([0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/")].contains(data[i])) {
            name.append(data[i])
            i += 1
        }
        let qualified = String(decoding: name, as: UTF8.self)
        let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
        return local == "rss" || local == "RDF" || local == "feed"
    }

    // MARK: - Entries

    private struct Context {
        var timeZone: TimeZone?
        var fetchedAt: Date
    }

    private static func rssEntry(_ item: HTMLNode, base: URL, context: Context) -> FeedEntry {
        let title = rssText(item.child("title"))
        let linkText = TextNormalizer.collapse(item.child("link")?.textContent ?? "")
        var link = linkText.isEmpty ? nil : URLResolver.resolve(linkText, base: base)
        let guidNode = item.child("guid")
        let guid = TextNormalizer.collapse(guidNode?.textContent ?? "")
        if link == nil, !guid.isEmpty, guidNode?.attribute("isPermaLink")?.lowercased() != "false" {
            link = URL(string: guid).flatMap { $0.scheme?.hasPrefix("http") == true ? $0 : nil }
        }
        let rdfAbout = item.attribute("rdf:about") ?? ""
        let dateText =
            item.child("pubDate")?.textContent ?? item.child("date")?.textContent
            ?? item.child("published")?.textContent ?? item.child("updated")?.textContent
        let (published, guessed) = date(dateText, context: context)
        let enclosure = item.child("enclosure")?.attribute("url") ?? ""
        let id: String
        if !guid.isEmpty {
            id = guid
        } else if !rdfAbout.isEmpty {
            id = rdfAbout
        } else if let link {
            id = link.absoluteString
        } else {
            id = hashID(title, enclosure, TextNormalizer.collapse(dateText ?? ""))
        }
        let author = [item.child("creator"), item.child("author")].compactMap { $0 }
            .map { TextNormalizer.collapse($0.textContent) }.first { !$0.isEmpty }
        let summary = item.child("description").map { HTMLSanitizer.sanitize($0.textContent, baseURL: base) }
        let content = item.child("encoded").map { HTMLSanitizer.sanitize($0.textContent, baseURL: base) }
        return titled(
            FeedEntry(
                id: id, url: link, title: title, published: published, publishedWasGuessed: guessed, author: author,
                summaryHTML: summary.flatMap { $0.isEmpty ? nil : $0 },
                contentHTML: content.flatMap { $0.isEmpty ? nil : $0 }))
    }

    /// The longest title made from an untitled entry's text, in characters.
    static let madeTitleLength = 60

    /// An entry without a title (RSS 2.0 allows an item with only a description: microblog-style notes) gets the
    /// first sentence of its text, cut at ``madeTitleLength`` characters with `…`: a digest heading is never empty
    /// (a new-user trial's digest showed `2.  [2]` and an empty link).
    static func titled(_ entry: FeedEntry) -> FeedEntry {
        guard entry.title.isEmpty, let html = entry.summaryHTML ?? entry.contentHTML else { return entry }
        let text = TextNormalizer.collapse(HTMLText.plainText(fromHTML: html))
        guard !text.isEmpty else { return entry }
        var sentence = Substring(text)
        if let end = text.firstIndex(where: { "。！？!?".contains($0) }) {
            sentence = text[...end]
        } else if let end = text.range(of: ". ") {
            sentence = text[..<end.lowerBound] + "."
        }
        var entry = entry
        entry.title =
            sentence.count <= madeTitleLength
            ? String(sentence) : String(sentence.prefix(madeTitleLength - 1)).trimmingCharacters(in: .whitespaces) + "…"
        return entry
    }

    private static func atomEntry(_ entry: HTMLNode, base: URL, context: Context) -> FeedEntry {
        let title = atomText(entry.child("title"))
        var link: URL?
        for candidate in entry.children(named: "link") {
            let rel = candidate.attribute("rel") ?? "alternate"
            guard rel == "alternate", let href = candidate.attribute("href") else { continue }
            link = URLResolver.resolve(href, base: xmlBase(candidate, fallback: base))
            break
        }
        if link == nil, let href = entry.child("link")?.attribute("href") {
            link = URLResolver.resolve(href, base: base)
        }
        let idText = TextNormalizer.collapse(entry.child("id")?.textContent ?? "")
        let dateText =
            entry.child("published")?.textContent ?? entry.child("updated")?.textContent
            ?? entry.child("issued")?.textContent ?? entry.child("modified")?.textContent
        let (published, guessed) = date(dateText, context: context)
        let enclosure =
            entry.children(named: "link").first { $0.attribute("rel") == "enclosure" }?.attribute("href") ?? ""
        let id =
            !idText.isEmpty
            ? idText : (link?.absoluteString ?? hashID(title, enclosure, TextNormalizer.collapse(dateText ?? "")))
        let author = entry.child("author").map {
            TextNormalizer.collapse($0.child("name")?.textContent ?? $0.textContent)
        }
        .flatMap { $0.isEmpty ? nil : $0 }
        let summary = entry.child("summary").map { atomHTML($0, base: base) }
        let content = entry.child("content").map { atomHTML($0, base: base) }
        return titled(
            FeedEntry(
                id: id, url: link, title: title, published: published, publishedWasGuessed: guessed, author: author,
                summaryHTML: summary.flatMap { $0.isEmpty ? nil : $0 },
                contentHTML: content.flatMap { $0.isEmpty ? nil : $0 }))
    }

    private static func date(_ text: String?, context: Context) -> (Date?, Bool) {
        guard let text = text.map(TextNormalizer.collapse), !text.isEmpty else { return (nil, false) }
        if let date = DateParser.parse(text, timeZone: context.timeZone) { return (date, false) }
        return (context.fetchedAt, true)
    }

    // MARK: - Text

    /// RSS text element → plain text, HTML entities decoded once and tags removed.
    private static func rssText(_ node: HTMLNode?) -> String {
        guard let node else { return "" }
        let raw = node.textContent.trimmingCharacters(in: .whitespacesAndNewlines)
        return TextNormalizer.decodeEntities(TextNormalizer.stripTags(raw)).trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// Atom text construct → plain text.
    private static func atomText(_ node: HTMLNode?) -> String {
        guard let node else { return "" }
        switch node.attribute("type")?.lowercased() ?? "text" {
        case "html", "text/html":
            let html = node.textContent
            guard let body = HTMLDocument.parseFragment(html) else { return TextNormalizer.collapse(html) }
            return TextNormalizer.collapse(body.textContent)
        case "xhtml":
            return TextNormalizer.collapse(node.textContent)
        default:
            return node.textContent.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Atom content/summary → sanitised HTML.
    private static func atomHTML(_ node: HTMLNode, base: URL) -> String {
        let nodeBase = xmlBase(node, fallback: base)
        switch node.attribute("type")?.lowercased() ?? "text" {
        case "html", "text/html":
            return HTMLSanitizer.sanitize(node.textContent, baseURL: nodeBase)
        case "xhtml":
            var output = ""
            let container = node.elementChildren.first(where: { $0.name == "div" }) ?? node
            for child in container.children { HTMLSanitizer.serialize(child, baseURL: nodeBase, into: &output) }
            return output.trimmingCharacters(in: .whitespacesAndNewlines)
        default:
            let text = node.textContent.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "" : "<p>" + TextNormalizer.escape(text) + "</p>"
        }
    }

    /// `xml:base` of the node resolved against `fallback`.
    private static func xmlBase(_ node: HTMLNode, fallback: URL) -> URL {
        guard let value = node.attribute("xml:base"), let url = URL(string: value, relativeTo: fallback)?.absoluteURL
        else {
            return fallback
        }
        return url
    }

    /// `hash:` + FNV-1a 64-bit of the fields joined with U+001F; stable across runs and platforms.
    static func hashID(_ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return "hash:" + String(hash, radix: 16)
    }
}

extension HTMLNode {
    /// The first element child with local name `name` (namespace ignored).
    func child(_ name: String) -> HTMLNode? {
        children.first { $0.isElement && $0.name == name }
    }

    /// Element children with local name `name`.
    func children(named name: String) -> [HTMLNode] {
        children.filter { $0.isElement && $0.name == name }
    }
}
