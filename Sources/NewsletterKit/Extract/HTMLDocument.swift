internal import CLibXML2
import Foundation

/// Parses HTML and XML text with libxml2 into an ``HTMLNode`` tree.
///
/// The input is always UTF-8 text that ``CharsetDecoder`` produced; libxml2 is told so explicitly and
/// told to ignore in-document encoding declarations, so a wrong `<meta charset>` or prolog label cannot
/// re-decode it. libxml2 documents are freed before these functions return.
enum HTMLDocument {
    /// Parses an HTML document (malformed markup is repaired the way libxml2's HTML parser does).
    ///
    /// - Parameters:
    ///   - text: The decoded page text.
    ///   - keepScriptText: `false` leaves out the text of `script` elements other than
    ///     `application/ld+json` and of `style` elements, for callers that never read it (articles).
    /// - Returns: The root element (`html`) or `nil` when libxml2 produced no document at all.
    static func parseHTML(_ text: String, keepScriptText: Bool = true) -> HTMLNode? {
        initialize
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = Array("<html></html>".utf8) }
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
        let doc: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                htmlReadMemory(pointer, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let doc else { return nil }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return nil }
        return convert(root, isHTML: true, keepScriptText: keepScriptText)
    }

    /// Parses an XML document in recover mode without network access or external entity loading.
    ///
    /// The prolog's `encoding="…"` is rewritten to UTF-8 first, and anything before `<` is dropped.
    ///
    /// - Parameter text: The decoded feed text.
    /// - Returns: The root element, or `nil` when nothing could be parsed.
    static func parseXML(_ text: String) -> HTMLNode? {
        initialize
        var source = Substring(text)
        source = source.drop(while: { $0 != "<" })
        let neutralised = neutraliseEncoding(String(source))
        let bytes = Array(neutralised.utf8)
        guard !bytes.isEmpty else { return nil }
        let options = Int32(
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
                | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_IGNORE_ENC.rawValue)
        let doc: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                xmlReadMemory(pointer, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let doc else { return nil }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return nil }
        return convert(root, isHTML: false, keepScriptText: true)
    }

    /// Parses an HTML fragment (such as feed item content) and returns the `body` element holding it.
    static func parseFragment(_ html: String) -> HTMLNode? {
        guard let root = parseHTML("<html><head></head><body>" + html + "</body></html>") else { return nil }
        return root.first("body") ?? root
    }

    /// Decodes one HTML named entity (without `&` and `;`) through libxml2's HTML 4 table.
    static func entity(named name: String) -> Unicode.Scalar? {
        if name == "apos" { return "'" }
        guard let entity = htmlEntityLookup(name) else { return nil }
        return Unicode.Scalar(entity.pointee.value)
    }

    static let initialize: Void = {
        xmlInitParser()
        newsletter_xml_silence_errors()
    }()

    /// Replaces the value of `encoding=` in a leading `<?xml … ?>` declaration with `UTF-8`.
    static func neutraliseEncoding(_ text: String) -> String {
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return text }
        let decl = text[..<end.lowerBound]
        guard let encRange = decl.range(of: "encoding") else { return text }
        var cursor = decl[encRange.upperBound...].drop(while: { $0.isWhitespace || $0 == "=" })
        guard let quote = cursor.first, quote == "\"" || quote == "'" else { return text }
        cursor = cursor.dropFirst()
        guard let close = cursor.firstIndex(of: quote) else { return text }
        return String(text[..<cursor.startIndex]) + "UTF-8" + String(text[close...])
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// `text.lowercased()`, skipping the call when there is nothing to lowercase (ASCII without A–Z).
    private static func lowercasedName(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }) { return text }
        return text.lowercased()
    }

    private static func convert(_ node: xmlNodePtr, isHTML: Bool, keepScriptText: Bool) -> HTMLNode {
        let rawName = string(node.pointee.name)
        let name = isHTML ? lowercasedName(rawName) : rawName
        var attributes: [(name: String, value: String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            var attrName = string(current.pointee.name)
            if let ns = current.pointee.ns, let prefix = ns.pointee.prefix {
                attrName = string(prefix) + ":" + attrName
            }
            if isHTML { attrName = lowercasedName(attrName) }
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: raw)
                newsletter_xmlFree(raw)
            }
            attributes.append((attrName, value))
            attribute = current.pointee.next
        }
        let namespace = node.pointee.ns.map { string($0.pointee.href) }
        let element = HTMLNode(element: name, namespace: namespace, attributes: attributes)
        if !keepScriptText {
            if name == "style" { return element }
            if name == "script" && element.attribute("type")?.lowercased() != "application/ld+json" { return element }
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.append(convert(current, isHTML: isHTML, keepScriptText: keepScriptText))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                appendText(string(current.pointee.content), to: element)
            case XML_ENTITY_REF_NODE:
                let entityName = string(current.pointee.name)
                if let scalar = entity(named: entityName) {
                    appendText(String(Character(scalar)), to: element)
                } else if let content = current.pointee.content {
                    appendText(string(content), to: element)
                } else {
                    appendText("&" + entityName + ";", to: element)
                }
            default:
                break
            }
            child = current.pointee.next
        }
        return element
    }

    private static func appendText(_ text: String, to element: HTMLNode) {
        if let last = element.children.last, last.kind == .text {
            last.text += text
        } else {
            element.append(HTMLNode(text: text))
        }
    }
}
