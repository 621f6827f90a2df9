internal import CLibXML2
import Foundation

/// An XPath 1.0 expression evaluated with libxml2's `xmlXPath` against an ``HTMLNode`` tree.
///
/// The expression runs on a libxml2 copy of exactly the tree the extractor reads (so Hanweb datastore
/// records, which the extractor parses out of their `<script type="text/xml">`, are visible as `<li>`
/// elements), with the tree's root element as the document element (`/html/body/…`). Element names are
/// lowercase. A result node that is an attribute (`//a/@href`) or text (`//h1/text()`) stands for its
/// element; a result that is not a node set (`count(//a)`, `string(//h1)`) matches nothing.
struct XPathSelector: Sendable {
    struct SyntaxError: Error, CustomStringConvertible {
        var expression: String
        var description: String { "invalid XPath expression \"\(expression)\" (libxml2 could not compile it)" }
    }

    /// The expression as written (without any `xpath:` prefix).
    let expression: String

    /// Compiles `expression` once to check it.
    /// - Throws: ``SyntaxError`` when libxml2 cannot compile it.
    init(_ expression: String) throws {
        _ = HTMLDocument.initialize
        self.expression = expression
        guard let compiled = Self.xml(expression, { xmlXPathCompile($0) }) else {
            throw SyntaxError(expression: expression)
        }
        xmlXPathFreeCompExpr(compiled)
    }

    /// The elements the expression selects under `root`, in document order, without duplicates.
    func select(in root: HTMLNode) -> [HTMLNode] {
        guard let doc = Self.xml("1.0", { xmlNewDoc($0) }) else { return [] }
        defer { xmlFreeDoc(doc) }
        var elements: [UnsafeMutableRawPointer: HTMLNode] = [:]
        guard let mirror = Self.mirror(root, in: doc, elements: &elements) else { return [] }
        xmlDocSetRootElement(doc, mirror)
        guard let context = xmlXPathNewContext(doc) else { return [] }
        defer { xmlXPathFreeContext(context) }
        guard let object = Self.xml(expression, { xmlXPathEvalExpression($0, context) }) else { return [] }
        defer { xmlXPathFreeObject(object) }
        let count = newsletter_xpath_count(object)
        guard count > 0 else { return [] }
        var result: [HTMLNode] = []
        var seen = Set<ObjectIdentifier>()
        for index in 0..<count {
            guard var node = newsletter_xpath_node(object, Int32(index)) else { continue }
            if node.pointee.type != XML_ELEMENT_NODE, let parent = node.pointee.parent { node = parent }
            guard let element = elements[UnsafeMutableRawPointer(node)],
                seen.insert(ObjectIdentifier(element)).inserted
            else { continue }
            result.append(element)
        }
        return result
    }

    /// A libxml2 copy of `node` (elements, attributes, text), recording which copy stands for which element.
    private static func mirror(
        _ node: HTMLNode, in doc: xmlDocPtr, elements: inout [UnsafeMutableRawPointer: HTMLNode]
    ) -> xmlNodePtr? {
        guard let copy = xml(node.name, { xmlNewDocNode(doc, nil, $0, nil) }) else { return nil }
        elements[UnsafeMutableRawPointer(copy)] = node
        for attribute in node.attributes where !attribute.name.contains(":") {
            xml(attribute.name) { name in xml(attribute.value) { value in _ = xmlNewProp(copy, name, value) } }
        }
        for child in node.children {
            if child.isElement {
                if let element = mirror(child, in: doc, elements: &elements) { xmlAddChild(copy, element) }
            } else if let text = xml(child.text, { xmlNewDocText(doc, $0) }) {
                xmlAddChild(copy, text)
            }
        }
        return copy
    }

    /// Calls `body` with `text` as a NUL-terminated `xmlChar` string.
    private static func xml<T>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> T) -> T {
        text.withCString { pointer in
            pointer.withMemoryRebound(to: xmlChar.self, capacity: text.utf8.count + 1) { body($0) }
        }
    }
}

/// A per-source selector: the CSS subset (``CSSSelector``) or an XPath expression (``XPathSelector``).
///
/// XPath when the text starts with `/` or `(` (`//div[@class="list"]//a`, `(//ul)[2]/li/a`) or is
/// prefixed `xpath:` (`xpath:id("list")//a`); CSS otherwise (a CSS selector never starts with `/` or `(`).
enum PageSelector: Sendable {
    case css(CSSSelector)
    case xpath(XPathSelector)

    /// Parses `text`.
    /// - Throws: ``CSSSelector/SyntaxError`` or ``XPathSelector/SyntaxError``.
    init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("xpath:") {
            self = .xpath(try XPathSelector(String(trimmed.dropFirst(6)).trimmingCharacters(in: .whitespaces)))
        } else if trimmed.hasPrefix("/") || trimmed.hasPrefix("(") {
            self = .xpath(try XPathSelector(trimmed))
        } else {
            self = .css(try CSSSelector(trimmed))
        }
    }

    /// The matching elements under `root`, in document order.
    func select(in root: HTMLNode) -> [HTMLNode] {
        switch self {
        case .css(let selector): selector.select(in: root)
        case .xpath(let selector): selector.select(in: root)
        }
    }
}
