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
public enum ArticleExtractor {
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
    public static func extract(html: String, url: URL, timeZone: TimeZone, charset: String = "utf-8")
        -> ExtractedArticle
    {
        // Script and style text is never read for articles, except JSON-LD (see ArticlePage.collectHead).
        let root = HTMLDocument.parseHTML(html, keepScriptText: false) ?? HTMLNode(element: "html")
        let page = ArticlePage(root: root, url: url, timeZone: timeZone)
        return page.extract(charset: charset)
    }
}
