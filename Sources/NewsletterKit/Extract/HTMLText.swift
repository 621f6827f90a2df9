import Foundation

/// Plain text of an HTML fragment, paragraph by paragraph (feed entries' content).
enum HTMLText {
    /// The text of `html`: entities decoded once, whitespace collapsed, one paragraph (block,
    /// list item, heading, `<br>`-separated line) per line pair.
    /// - Complexity: O(*n*) in the fragment's length.
    static func plainText(fromHTML html: String, baseURL: URL = URL(fileURLWithPath: "/")) -> String {
        guard let root = HTMLDocument.parseFragment(html) else {
            return TextNormalizer.collapse(TextNormalizer.stripTags(html))
        }
        var builder = BlockBuilder(baseURL: baseURL)
        builder.visit(root)
        builder.flush()
        return builder.blocks.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}
