public import Foundation

/// Re-serialises HTML through an allow-list so it is safe to put into an email.
///
/// Kept: `p br div h2–h6 ul ol li blockquote pre code table thead tbody tfoot tr td th caption figure
/// figcaption hr dl dt dd a img strong em u s sub sup small` (with `b`→`strong`, `i`→`em`, `h1`→`h2`).
/// Dropped with their content: `script style iframe object embed form-controls svg math template head` and
/// the like. Any other element is unwrapped (its children are kept). Attributes are limited to
/// `a[href title]`, `img[src alt title width height]`, `td/th[colspan rowspan]`, `ol[start]`; `on*`,
/// `style`, `class` never survive. URLs are made absolute against the base URL and only `http`, `https`
/// (and `mailto` for links) are kept, so `javascript:` and `data:` URLs disappear.
public enum HTMLSanitizer: Sendable {
    /// Sanitises an HTML fragment.
    ///
    /// - Parameters:
    ///   - html: HTML markup, such as an RSS `<description>` or Atom `<content type="html">`.
    ///   - baseURL: URL that relative `href`/`src` values resolve against (`nil` drops relative URLs).
    /// - Returns: Sanitised markup; text is escaped exactly once (`&amp;` stays `&amp;`).
    public static func sanitize(_ html: String, baseURL: URL?) -> String {
        guard let body = HTMLDocument.parseFragment(html) else { return TextNormalizer.escape(html) }
        var output = ""
        for child in body.children { serialize(child, baseURL: baseURL, into: &output) }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "embed", "applet", "frame", "frameset", "noscript", "template",
        "svg", "math", "head", "title", "meta", "link", "base", "input", "button", "select", "textarea", "option",
        "canvas", "audio", "video", "source", "track", "param", "noembed", "noframes", "xml", "map",
    ]

    private static let kept: Set<String> = [
        "p", "br", "div", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "table",
        "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure", "figcaption", "hr", "dl", "dt", "dd",
        "a", "img", "strong", "em", "u", "s", "sub", "sup", "small",
    ]

    private static let renamed: [String: String] = [
        "b": "strong", "i": "em", "h1": "h2", "section": "div", "article": "div", "center": "div", "main": "div",
        "strike": "s", "del": "s", "ins": "u", "tt": "code", "kbd": "code", "samp": "code",
    ]

    private static let voidElements: Set<String> = ["br", "hr", "img"]

    /// Appends the sanitised serialisation of `node` to `output`.
    static func serialize(_ node: HTMLNode, baseURL: URL?, into output: inout String) {
        if node.kind == .text {
            output += TextNormalizer.escape(node.text)
            return
        }
        let name = renamed[node.name] ?? node.name
        if droppedWithContent.contains(name) { return }
        guard kept.contains(name) else {
            for child in node.children { serialize(child, baseURL: baseURL, into: &output) }
            return
        }
        var attributes = ""
        switch name {
        case "a":
            if let href = node.attribute("href"), let url = URLResolver.resolve(href, base: baseURL, allowMailto: true)
            {
                attributes += " href=\"\(TextNormalizer.escape(url.absoluteString))\""
            }
            if let title = node.attribute("title"), !title.isEmpty {
                attributes += " title=\"\(TextNormalizer.escape(title))\""
            }
        case "img":
            let src = node.attribute("src") ?? node.attribute("data-src") ?? node.attribute("data-original") ?? ""
            guard let url = URLResolver.resolve(src, base: baseURL) else { return }
            attributes += " src=\"\(TextNormalizer.escape(url.absoluteString))\""
            for key in ["alt", "title", "width", "height"] {
                if let value = node.attribute(key), !value.isEmpty {
                    attributes += " \(key)=\"\(TextNormalizer.escape(value))\""
                }
            }
        case "td", "th":
            for key in ["colspan", "rowspan"] {
                if let value = node.attribute(key), Int(value) != nil { attributes += " \(key)=\"\(value)\"" }
            }
        case "ol":
            if let value = node.attribute("start"), Int(value) != nil { attributes += " start=\"\(value)\"" }
        default:
            break
        }
        output += "<\(name)\(attributes)>"
        if voidElements.contains(name) { return }
        for child in node.children { serialize(child, baseURL: baseURL, into: &output) }
        output += "</\(name)>"
    }
}
