public import Foundation
public import Logging
import Mustache

/// Renders a digest's HTML and plain-text bodies from Mustache templates.
///
/// Templates are `digest.html.mustache` (HTML-escaped values) and `digest.txt.mustache`
/// (starting with `{{%CONTENT_TYPE: TEXT}}`: no escaping), read from the user's `Templates/`
/// folder; a missing file falls back to the built-in default with a warning. Values are plain
/// text and escaped exactly once, by the HTML template (case 11).
///
/// Template variables: `title`, `subject`, `issue_date`, `article_count`, `preheader` (the first
/// three titles), `subscriber_name`, `unsubscribe_url`, `archive_url` and `view_url` (this issue's
/// archive page, when `archive_url` is configured; `view_url` only in messages), `web_page` (set when
/// rendering the archive page); `groups`, the shown articles in
/// sections, each with a `heading` (the source's name) when the digest is grouped by source, and its
/// `articles`; `articles` (all shown articles in one list), each with
/// `number` (from 1), `title`, `url`, `date`, and where known `source`, `category`, `author`,
/// `excerpt`; `omitted_count` and `archive_number` when the size budget left items out; `links`,
/// each with `number` and `url` (the articles, then the archive page when items were left out),
/// which the text template lists at the end as numbered references `[1]`.
public struct DigestRenderer: Sendable {
    /// The HTML and text bodies of one message.
    public struct Bodies: Sendable, Equatable {
        public var html: String
        public var text: String
        /// How many articles were shown only as a count because of the size budget.
        public var omittedCount: Int
    }

    /// The recipient-specific values.
    public struct Recipient: Sendable {
        public var name: String
        public var unsubscribeURL: String?
        /// The archive's web page rather than a message: no "view in browser" link, no size budget,
        /// and the footer links the other issues instead of speaking to a subscriber.
        public var isWebPage = false

        public init(name: String, unsubscribeURL: String?) {
            self.name = name
            self.unsubscribeURL = unsubscribeURL
        }

        /// The subscriber-neutral archive page (no name, no token).
        public static let webPage: Recipient = {
            var recipient = Recipient(name: "", unsubscribeURL: nil)
            recipient.isWebPage = true
            return recipient
        }()
    }

    /// Excerpt length, in characters.
    public static let excerptLength = 140

    private let htmlTemplate: MustacheTemplate
    private let textTemplate: MustacheTemplate
    /// The HTML part's budget in bytes as transmitted: after the transfer encoding the message will use
    /// (base64 for CJK-heavy HTML, 4 bytes per 3), as ``TransferEncoding/transmittedSize(of:)`` counts
    /// them, so the default 90,000 keeps the part under Gmail's ~102 KB clipping size (case 13).
    public var htmlBudgetBytes: Int
    /// Linked from the "N more" line when the budget forces items out.
    public var archiveURL: String?

    /// Loads the templates.
    /// - Parameters:
    ///   - directory: the user's templates folder, or `nil` for the built-in defaults.
    ///   - htmlBudgetBytes: the HTML part's budget in bytes as transmitted (see ``htmlBudgetBytes``).
    ///   - archiveURL: the archive page linked from the "N more" line, or `nil` for no link.
    ///   - logger: receives a warning for each template that falls back to the default.
    /// - Throws: ``RenderError`` naming the file and line of a template that does not parse.
    public init(directory: URL?, htmlBudgetBytes: Int = 90_000, archiveURL: String? = nil, logger: Logger) throws {
        let loader = TemplateLoader(
            directory: directory, vocabulary: TemplateVocabulary.variables, provider: "no digest",
            missingLevel: .warning)
        htmlTemplate = try loader.load("digest.html.mustache", builtIn: DefaultTemplates.html, logger: logger)
        textTemplate = try loader.load("digest.txt.mustache", builtIn: DefaultTemplates.text, logger: logger)
        self.htmlBudgetBytes = htmlBudgetBytes
        self.archiveURL = archiveURL
    }

    /// How much of a digest one rendering shows: the excerpt length and the number of items shown.
    public struct TrimLevel: Sendable, Hashable {
        /// Excerpt length in characters (0: no excerpts).
        public var excerptLimit: Int
        /// Items shown; the rest become one "另有 N 篇" line.
        public var shown: Int
    }

    /// The first trim level: full excerpts, every item.
    static func firstLevel(for content: DigestContent) -> TrimLevel {
        TrimLevel(excerptLimit: excerptLength, shown: content.items.count)
    }

    /// The next, smaller level (case 13): shorter excerpts, then none, then 10 % fewer items at a time; `nil`
    /// after the level that shows no item.
    static func level(after level: TrimLevel) -> TrimLevel? {
        if level.excerptLimit > 60 { return TrimLevel(excerptLimit: 60, shown: level.shown) }
        if level.excerptLimit > 0 { return TrimLevel(excerptLimit: 0, shown: level.shown) }
        guard level.shown > 0 else { return nil }
        return TrimLevel(excerptLimit: 0, shown: max(0, level.shown - max(1, level.shown / 10)))
    }

    /// Renders both bodies for one recipient, trimming to the HTML budget (case 13): first shorter
    /// excerpts, then no excerpts, then the last items replaced by one "另有 N 篇" line.
    public func render(_ content: DigestContent, for recipient: Recipient) -> Bodies {
        var level = Self.firstLevel(for: content)
        while true {
            let html = renderHTML(content, for: recipient, at: level)
            guard !recipient.isWebPage, TransferEncoding.transmittedSize(of: html) > htmlBudgetBytes, level.shown > 0,
                let next = Self.level(after: level)
            else {
                let text = PlainTextWrapper.wrap(renderText(content, for: recipient, at: level), width: Self.textWidth)
                return Bodies(html: html, text: text, omittedCount: content.items.count - level.shown)
            }
            level = next
        }
    }

    /// The text part's width in columns.
    static let textWidth = 72

    /// The HTML body at one trim level, line ends normalised to LF.
    func renderHTML(_ content: DigestContent, for recipient: Recipient, at level: TrimLevel) -> String {
        let view = self.view(content, recipient: recipient, excerptLimit: level.excerptLimit, shown: level.shown)
        return Self.normalizeNewlines(htmlTemplate.render(view))
    }

    /// The text body at one trim level, line ends normalised to LF, not yet wrapped.
    func renderText(_ content: DigestContent, for recipient: Recipient, at level: TrimLevel) -> String {
        let view = self.view(content, recipient: recipient, excerptLimit: level.excerptLimit, shown: level.shown)
        return Self.normalizeNewlines(textTemplate.render(view))
    }

    private func view(_ content: DigestContent, recipient: Recipient, excerptLimit: Int, shown: Int) -> [String: Any] {
        let articles: [[String: Any]] = content.items.prefix(shown).enumerated().map { index, item in
            var entry: [String: Any] = [
                "number": index + 1,
                "title": item.title,
                "url": item.url,
                "date": item.date,
            ]
            if let origin = item.origin, !origin.isEmpty { entry["source"] = origin }
            if let category = item.category, !category.isEmpty { entry["category"] = category }
            if let author = item.author, !author.isEmpty { entry["author"] = author }
            let excerpt = Self.excerpt(item.excerpt, limit: excerptLimit)
            if !excerpt.isEmpty { entry["excerpt"] = excerpt }
            return entry
        }
        var view: [String: Any] = [
            "groups": Self.groups(content, articles: articles),
            "title": content.title,
            "subject": content.subject,
            "issue_date": content.issueDate,
            "article_count": content.items.count,
            "articles": articles,
            "preheader": content.items.prefix(3).map(\.title).joined(separator: " · "),
            "subscriber_name": recipient.name,
        ]
        // The text part lists every link once at the end, as numbered references: the articles
        // `[1]`…`[n]`, then the archive page when items were left out.
        var links: [[String: Any]] = content.items.prefix(shown).enumerated().map { ["number": $0 + 1, "url": $1.url] }
        if shown < content.items.count { view["omitted_count"] = content.items.count - shown }
        // The issue's own archive page: "view in browser", and the page listing every article when
        // the budget left some out.
        if let base = archiveURL {
            let page = content.archivePageURL(base: base)
            view["archive_url"] = page
            if recipient.isWebPage {
                view["web_page"] = true
            } else {
                view["view_url"] = page
            }
            if shown < content.items.count {
                view["archive_number"] = links.count + 1
                links.append(["number": links.count + 1, "url": page])
            }
        } else if recipient.isWebPage {
            view["web_page"] = true
        }
        view["links"] = links
        if let url = recipient.unsubscribeURL { view["unsubscribe_url"] = url }
        return view
    }

    /// The articles in sections: one per source, each with its `heading`, when the digest is grouped
    /// by source and its articles come from more than one; otherwise one section without a heading.
    private static func groups(_ content: DigestContent, articles: [[String: Any]]) -> [[String: Any]] {
        let names = content.items.prefix(articles.count).map { $0.sourceName ?? "" }
        guard content.groupBy == .source, Set(content.items.map { $0.sourceName ?? "" }).count > 1 else {
            return [["articles": articles]]
        }
        var groups: [[String: Any]] = []
        var start = 0
        while start < articles.count {
            var end = start
            while end < articles.count, names[end] == names[start] { end += 1 }
            groups.append(["heading": names[start], "articles": Array(articles[start..<end])])
            start = end
        }
        return groups
    }

    /// Shortens `text` to at most `limit` characters, preferring to end at a sentence end, adding "…".
    static func excerpt(_ text: String, limit: Int) -> String {
        guard limit > 0 else { return "" }
        let paragraphs = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        // Paragraphs run on: with a space between Latin text, with nothing after a wide character
        // (a space between two Chinese sentences shows as a gap).
        var flat = ""
        for paragraph in paragraphs {
            if let last = flat.last, let first = paragraph.first, !(Self.isWide(last) && Self.isWide(first)) {
                flat += " "
            }
            flat += paragraph
        }
        guard flat.count > limit else { return flat }
        let cut = flat.prefix(limit)
        if let end = cut.lastIndex(where: { "。！？!?；;".contains($0) }),
            cut.distance(from: cut.startIndex, to: end) >= limit / 2
        {
            return String(cut[...end])
        }
        return String(cut) + "…"
    }

    private static func isWide(_ character: Character) -> Bool {
        PlainTextWrapper.displayWidth(String(character)) == 2
    }

    /// Template files may carry CRLF or CR; bodies use LF until the message is assembled.
    ///
    /// - Complexity: O(*n*) in the number of UTF-8 bytes; one pass, no copy when there is no CR.
    static func normalizeNewlines(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.contains(UInt8(ascii: "\r")) else { return nil }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\r") {
                    result.append(UInt8(ascii: "\n"))
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                } else {
                    result.append(byte)
                }
                index += 1
            }
            return String(decoding: result, as: UTF8.self)
        } ?? text
    }
}
