import Foundation

/// A small, immutable-after-build DOM tree converted from a libxml2 document.
///
/// Element names are lowercased for HTML; for XML they are the local name with ``namespace`` holding
/// the namespace URI. Text and CDATA both become ``Kind/text`` nodes with entities already resolved.
final class HTMLNode {
    /// What a node is.
    enum Kind: Equatable {
        case element
        case text
    }

    let kind: Kind
    /// Element local name (lowercased in HTML), or `"#text"`.
    let name: String
    /// Namespace URI of an XML element, if any.
    let namespace: String?
    /// Attributes in document order; names are `prefix:local` when namespaced (for example `xml:base`).
    var attributes: [(name: String, value: String)] {
        didSet { hintTokens = nil }
    }
    /// Child nodes in document order.
    var children: [HTMLNode] = []
    /// The text of a text node (empty for elements).
    var text: String
    /// The parent element, `nil` for the root.
    weak var parent: HTMLNode?
    /// ``ContentHints/tokens(_:)`` of this element, computed on first use (attributes do not change after
    /// the tree is built; setting them clears it).
    var hintTokens: [String]?
    /// ``ContentHints/weight(_:)`` of this element, computed on first use.
    var hintWeight: Double?
    /// Scratch visible length written by ``measureVisibleLengths()`` (valid until the tree changes).
    private(set) var measuredVisibleLength = 0

    init(element name: String, namespace: String? = nil, attributes: [(name: String, value: String)] = []) {
        self.kind = .element
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.text = ""
    }

    init(text: String) {
        self.kind = .text
        self.name = "#text"
        self.namespace = nil
        self.attributes = []
        self.text = text
    }

    var isElement: Bool { kind == .element }

    /// The value of the first attribute named `name` (case-insensitive), if present.
    func attribute(_ name: String) -> String? {
        for attribute in attributes where attribute.name == name { return attribute.value }  // HTML names are lowercase
        guard !attributes.isEmpty else { return nil }
        let asciiName = name.utf8.allSatisfy { $0 < 0x80 }
        var lowerName: String?
        for attribute in attributes {
            // ASCII against ASCII: compare case-insensitively on bytes, without building lowercased copies
            // (`lowercased()` of ASCII is the ASCII mapping, so this is the same test).
            if asciiName && attribute.name.utf8.allSatisfy({ $0 < 0x80 }) {
                if Self.asciiCaseInsensitiveEqual(attribute.name, name) { return attribute.value }
            } else {
                let lowered = lowerName ?? name.lowercased()
                lowerName = lowered
                if attribute.name.lowercased() == lowered { return attribute.value }
            }
        }
        return nil
    }

    private static func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
        let a = a.utf8
        let b = b.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = x >= 0x41 && x <= 0x5A ? x + 0x20 : x
            let ly = y >= 0x41 && y <= 0x5A ? y + 0x20 : y
            if lx != ly { return false }
        }
        return true
    }

    /// Appends `child` and sets its parent.
    func append(_ child: HTMLNode) {
        child.parent = self
        children.append(child)
    }

    /// Removes this node from its parent.
    func detach() {
        guard let parent else { return }
        parent.children.removeAll { $0 === self }
        self.parent = nil
    }

    /// Element children only.
    var elementChildren: [HTMLNode] { children.filter { $0.isElement } }

    /// All text below this node, concatenated without any normalisation.
    var textContent: String {
        if kind == .text { return text }
        var result = ""
        appendText(to: &result)
        return result
    }

    /// All text below this node, or `nil` as soon as it holds more than `limit` visible (non-whitespace)
    /// scalars: a cheap test for "short" nodes that does not build the text of large subtrees.
    func textContent(visibleLimit limit: Int) -> String? {
        if kind == .text { return TextNormalizer.visibleLength(text) > limit ? nil : text }
        var result = ""
        var visible = 0
        return appendText(to: &result, visible: &visible, limit: limit) ? result : nil
    }

    /// Stores in ``measuredVisibleLength`` of this node and every element below it the number of visible
    /// scalars (``TextNormalizer/visibleLength(_:)``) of its text, in one pass.
    /// - Returns: This node's visible length.
    /// - Complexity: O(*n*) in the size of the subtree.
    @discardableResult
    func measureVisibleLengths() -> Int {
        if kind == .text {
            measuredVisibleLength = TextNormalizer.visibleLength(text)
            return measuredVisibleLength
        }
        var total = 0
        for child in children { total += child.measureVisibleLengths() }
        measuredVisibleLength = total
        return total
    }

    private func appendText(to result: inout String, visible: inout Int, limit: Int) -> Bool {
        for child in children {
            if child.kind == .text {
                visible += TextNormalizer.visibleLength(child.text)
                if visible > limit { return false }
                result += child.text
            } else if !child.appendText(to: &result, visible: &visible, limit: limit) {
                return false
            }
        }
        return true
    }

    private func appendText(to result: inout String) {
        for child in children {
            if child.kind == .text { result += child.text } else { child.appendText(to: &result) }
        }
    }

    /// Visits this node and its descendants in document order.
    ///
    /// - Parameter body: Return `false` to skip the visited node's descendants.
    func walk(_ body: (HTMLNode) -> Bool) {
        guard body(self) else { return }
        for child in children { child.walk(body) }
    }

    /// All descendant elements (not including self) named one of `names`, in document order.
    func descendants(named names: Set<String>) -> [HTMLNode] {
        var result: [HTMLNode] = []
        for child in children where child.isElement {
            child.walk { node in
                if node.isElement && names.contains(node.name) { result.append(node) }
                return true
            }
        }
        return result
    }

    /// The first descendant element named `name`, searching depth-first.
    func first(_ name: String) -> HTMLNode? {
        var found: HTMLNode?
        walk { node in
            if found != nil { return false }
            if node.isElement && node.name == name && node !== self {
                found = node
                return false
            }
            return true
        }
        return found
    }

    /// Element ancestors, nearest first.
    var ancestors: [HTMLNode] {
        var result: [HTMLNode] = []
        var node = parent
        while let current = node {
            result.append(current)
            node = current.parent
        }
        return result
    }

    /// The `class` and `id` attribute values joined and lowercased, for hint matching.
    var classAndID: String {
        ((attribute("class") ?? "") + " " + (attribute("id") ?? "")).lowercased()
    }
}
