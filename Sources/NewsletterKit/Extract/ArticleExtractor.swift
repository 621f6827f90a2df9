public import Foundation

/// Extracts title, dates, bylines and the readable body from an article page.
///
/// Built for Chinese government/party-media CMS pages (table layouts, `&nbsp;` indentation, GBK bytes
/// labelled gb2312, datelines such as `发布日期:2019-05-31 05:47:39`, breadcrumbs `当前位置:首页>>栏目`,
/// trailer lines `(来源:…)`, `责任编辑:…`) and generic news pages (`og:*`, `article:published_time`, JSON-LD).
///
/// The body is found by scoring blocks on text length, Chinese and Latin punctuation, link density and
/// class/id hints, then cleaned of navigation, breadcrumbs, hotline headers, sidebars, 上一篇/下一篇,
/// share bars, related lists and footers.
public enum ArticleExtractor: Sendable {
    /// Decodes, parses and extracts an article page.
    ///
    /// - Parameters:
    ///   - bytes: The page bytes exactly as fetched.
    ///   - contentType: The HTTP `Content-Type` header value, if any.
    ///   - url: The page URL; relative links and images are resolved against it (or `<base href>`).
    ///   - timeZone: Zone for datelines that name none (the site's zone, e.g. Asia/Shanghai).
    /// - Returns: The extracted article; fields that cannot be found are `nil` or empty, never an error.
    public static func extract(bytes: [UInt8], contentType: String?, url: URL, timeZone: TimeZone) -> ExtractedArticle {
        let decoded = CharsetDecoder.decode(bytes, contentType: contentType)
        return extract(html: decoded.text, url: url, timeZone: timeZone, charset: decoded.charset)
    }

    /// Extracts an article from already-decoded HTML text.
    ///
    /// - Parameters:
    ///   - html: The page as text.
    ///   - url: The page URL.
    ///   - timeZone: Zone for datelines that name none.
    ///   - charset: Reported back in ``ExtractedArticle/charset``.
    /// - Returns: The extracted article; fields that cannot be found are `nil` or empty, never an error.
    public static func extract(html: String, url: URL, timeZone: TimeZone, charset: String = "utf-8")
        -> ExtractedArticle
    {
        // Script and style text is never read for articles, except JSON-LD (see ArticlePage.collectHead).
        let root = HTMLDocument.parseHTML(html, keepScriptText: false) ?? HTMLNode(element: "html")
        let page = ArticlePage(root: root, url: url, timeZone: timeZone)
        return page.extract(charset: charset)
    }
}

extension ArticleExtractor {
    /// Overrides the guessed title, publish time and body of `article` with what per-source selectors point at.
    ///
    /// - Parameters:
    ///   - selectors: The source's `title`, `date` and `body` selectors (CSS subset or XPath, see ``PageSelector``); the
    ///     `date` element's `datetime` or `content` attribute is read before its text.
    ///   - article: The guess from ``extract(bytes:contentType:url:timeZone:)``.
    ///   - bytes: The page bytes exactly as fetched.
    ///   - contentType: The HTTP `Content-Type` header value, if any, used to decode `bytes`.
    ///   - url: The page URL; links and images in a selected body are resolved against it.
    ///   - timeZone: Zone for a selected date that names none.
    /// - Returns: The article and, when a selector matched nothing (or its date is unreadable), its name and
    ///   text, e.g. `title: h1.headline`.
    public static func applying(
        _ selectors: SourceSelectors, to article: ExtractedArticle, bytes: [UInt8], contentType: String?,
        url: URL, timeZone: TimeZone
    ) -> (article: ExtractedArticle, miss: String?) {
        guard selectors.hasArticleSelectors else { return (article, nil) }
        let decoded = CharsetDecoder.decode(bytes, contentType: contentType)
        guard let root = HTMLDocument.parseHTML(decoded.text, keepScriptText: false) else { return (article, "page") }
        var result = article
        func first(_ selector: String) -> HTMLNode? { (try? PageSelector(selector))?.select(in: root).first }
        if let selector = selectors.title {
            guard let node = first(selector) else { return (article, "title: \(selector)") }
            let text = TextNormalizer.collapse(node.textContent)
            guard !text.isEmpty else { return (article, "title: \(selector)") }
            result.title = text
        }
        if let selector = selectors.date {
            guard let node = first(selector) else { return (article, "date: \(selector)") }
            let text = node.attribute("datetime") ?? node.attribute("content") ?? node.textContent
            guard
                let found = DateParser.parseDetailed(
                    text.trimmingCharacters(in: .whitespacesAndNewlines), timeZone: timeZone)
                    ?? DateParser.firstDate(in: text, timeZone: timeZone)?.date
            else { return (article, "date: \(selector) (no date in \"\(TextNormalizer.collapse(text).prefix(40))\")") }
            result.published = found.date
            result.publishedText = found.iso8601
            result.publishedIsStated = true
        }
        if let selector = selectors.body {
            guard let node = first(selector) else { return (article, "body: \(selector)") }
            var html = ""
            HTMLSanitizer.serialize(node, baseURL: url, into: &html)
            result.bodyHTML = HTMLSanitizer.sanitize(html, baseURL: url)
            result.bodyText = HTMLText.plainText(fromHTML: result.bodyHTML, baseURL: url)
        }
        return (result, nil)
    }
}

extension ArticleExtractor {
    /// The title to keep when a page's headline and the listing link's text (or a feed entry's title) disagree.
    ///
    /// The link text is what the site itself called the article: the page's title wins when it holds the
    /// link text (the link text was cut short), the link text wins when it holds the page's title (the page
    /// only has a shortened one) or when the two share nothing (the page's candidate was the site name or a
    /// column heading).
    /// A link text cut short (`…`, `...`) is completed from the page only by a title that begins as it does: the
    /// page's headline, or else a line of the article's text (older templates put the site name in `<h1>` and
    /// `<title>` and the headline in an `<h2>` or a table cell; a new-user trial got `某某县人民政府` as the title).
    /// - Parameters:
    ///   - page: The headline extracted from the page (may be empty).
    ///   - link: The listing link's text (whole `title=""` when the text was cut with `…`).
    ///   - body: The article's text, whose lines may hold the headline in full (may be empty).
    /// - Returns: `link` when `page` is empty; `page` when the link text has fewer than 4 letters or digits;
    ///   for a link text cut short, `page` when it begins with the link text, else the first short line of
    ///   `body` that does, else `link`; otherwise `page` when it holds the link text, else `link`.
    public static func preferredTitle(page: String, link: String, body: String = "") -> String {
        let linkStem = link.trimmingCharacters(in: CharacterSet(charactersIn: "….· "))
        func squeeze(_ text: String) -> String {
            String(text.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
        }
        let p = squeeze(page)
        let l = squeeze(linkStem)
        guard !p.isEmpty else { return link }
        guard l.count >= 4 else { return page }
        let truncated = link.hasSuffix("…") || link.hasSuffix("...") || link.hasSuffix("..")
        if p == l { return page }
        if truncated {
            if p.contains(l) { return page }
            // The page's headline is something else (the site's name): a line of the text that completes the link.
            for line in body.split(whereSeparator: \.isNewline).prefix(12) {
                let text = line.trimmingCharacters(in: .whitespaces)
                let squeezed = squeeze(text)
                if squeezed.hasPrefix(l), squeezed.count <= l.count + 60 { return text }
            }
            return l.contains(p) ? page : link
        }
        if p.contains(l) { return page }
        return link
    }
}
