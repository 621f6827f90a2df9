import Foundation

/// A small CSS selector subset, matched against an ``HTMLNode`` tree.
///
/// Grammar (Selectors Level 3 subset): a comma-separated list of complex selectors; each is compound
/// selectors joined by descendant (whitespace) or child (`>`) combinators; a compound is an optional
/// type (`div`, `*`) followed by any of `.class`, `#id`, `[attr]`, `[attr=value]`, `[attr~=value]`,
/// `[attr^=value]`, `[attr$=value]`, `[attr*=value]` (values bare or quoted). Examples:
/// `div.right ul li > a`, `#list a[href*="/t20"]`, `.page a.next`. Anything else is a syntax error.
struct CSSSelector: Sendable {
    struct SyntaxError: Error, CustomStringConvertible {
        var selector: String
        var reason: String
        var description: String { "invalid selector \"\(selector)\": \(reason)" }
    }

    private struct AttributeTest: Sendable {
        var name: String
        var op: String?
        var value: String
    }

    private struct Compound: Sendable {
        var tag: String?
        var classes: [String] = []
        var id: String?
        var attributes: [AttributeTest] = []
    }

    private enum Combinator: Sendable {
        case descendant
        case child
    }

    /// Each alternative: compounds left to right, with the combinator before each (first is ignored).
    private var alternatives: [[(Combinator, Compound)]]
    /// The selector as written.
    let text: String

    init(_ text: String) throws {
        self.text = text
        alternatives = []
        for part in Self.splitTopLevel(text, on: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw SyntaxError(selector: text, reason: "empty alternative") }
            alternatives.append(try Self.parseComplex(trimmed, whole: text))
        }
        guard !alternatives.isEmpty else { throw SyntaxError(selector: text, reason: "empty selector") }
    }

    /// All elements below `root` (and `root` itself) that match, in document order, without duplicates.
    func select(in root: HTMLNode) -> [HTMLNode] {
        var result: [HTMLNode] = []
        root.walk { node in
            if node.isElement, alternatives.contains(where: { Self.matches(node, $0, $0.count - 1) }) {
                result.append(node)
            }
            return true
        }
        return result
    }

    private static func matches(_ node: HTMLNode, _ chain: [(Combinator, Compound)], _ index: Int) -> Bool {
        guard matches(node, chain[index].1) else { return false }
        if index == 0 { return true }
        switch chain[index].0 {
        case .child:
            guard let parent = node.parent else { return false }
            return matches(parent, chain, index - 1)
        case .descendant:
            var ancestor = node.parent
            while let current = ancestor {
                if matches(current, chain, index - 1) { return true }
                ancestor = current.parent
            }
            return false
        }
    }

    private static func matches(_ node: HTMLNode, _ compound: Compound) -> Bool {
        if let tag = compound.tag, tag != "*", node.name != tag { return false }
        if let id = compound.id, node.attribute("id") != id { return false }
        if !compound.classes.isEmpty {
            let classes = Set((node.attribute("class") ?? "").split(whereSeparator: \.isWhitespace).map(String.init))
            guard compound.classes.allSatisfy(classes.contains) else { return false }
        }
        for test in compound.attributes {
            guard let value = node.attribute(test.name) else { return false }
            switch test.op {
            case nil: continue
            case "=": if value != test.value { return false }
            case "~=":
                if !value.split(whereSeparator: \.isWhitespace).contains(Substring(test.value)) { return false }
            case "^=": if !value.hasPrefix(test.value) { return false }
            case "$=": if !value.hasSuffix(test.value) { return false }
            case "*=": if !value.contains(test.value) { return false }
            default: return false
            }
        }
        return true
    }

    private static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "[" {
                depth += 1
            } else if character == "]" {
                depth -= 1
            } else if character == separator && depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    private static func parseComplex(_ text: String, whole: String) throws -> [(Combinator, Compound)] {
        var chain: [(Combinator, Compound)] = []
        let characters = Array(text)
        var i = 0
        var pending: Combinator = .descendant
        func isNameCharacter(_ c: Character) -> Bool {
            c.isLetter || c.isNumber || c == "-" || c == "_" || c == "*"
        }
        func readName() -> String {
            var name = ""
            while i < characters.count, isNameCharacter(characters[i]) {
                name.append(characters[i])
                i += 1
            }
            return name
        }
        while i < characters.count {
            if characters[i].isWhitespace {
                i += 1
                continue
            }
            if characters[i] == ">" {
                guard !chain.isEmpty else { throw SyntaxError(selector: whole, reason: "'>' with nothing before it") }
                pending = .child
                i += 1
                continue
            }
            var compound = Compound()
            let tag = readName()
            if !tag.isEmpty { compound.tag = tag.lowercased() }
            while i < characters.count, !characters[i].isWhitespace, characters[i] != ">" {
                let c = characters[i]
                i += 1
                switch c {
                case ".":
                    let name = readName()
                    guard !name.isEmpty else { throw SyntaxError(selector: whole, reason: "'.' without a class name") }
                    compound.classes.append(name)
                case "#":
                    let name = readName()
                    guard !name.isEmpty else { throw SyntaxError(selector: whole, reason: "'#' without an id") }
                    compound.id = name
                case "[":
                    guard let close = characters[i...].firstIndex(of: "]") else {
                        throw SyntaxError(selector: whole, reason: "'[' without ']'")
                    }
                    let inside = String(characters[i..<close])
                    i = close + 1
                    compound.attributes.append(try parseAttribute(inside, whole: whole))
                default:
                    throw SyntaxError(
                        selector: whole, reason: "unsupported character '\(c)' (supported: tag, .class, #id, [attr])")
                }
            }
            if compound.tag == nil && compound.classes.isEmpty && compound.id == nil && compound.attributes.isEmpty {
                throw SyntaxError(selector: whole, reason: "empty compound selector")
            }
            chain.append((pending, compound))
            pending = .descendant
        }
        guard !chain.isEmpty else { throw SyntaxError(selector: whole, reason: "empty selector") }
        return chain
    }

    private static func parseAttribute(_ text: String, whole: String) throws -> AttributeTest {
        for op in ["~=", "^=", "$=", "*=", "="] {
            if let range = text.range(of: op) {
                let name = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces).lowercased()
                var value = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                    value = String(value.dropFirst().dropLast())
                }
                guard !name.isEmpty else { throw SyntaxError(selector: whole, reason: "attribute test without name") }
                return AttributeTest(name: name, op: op, value: value)
            }
        }
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !name.isEmpty else { throw SyntaxError(selector: whole, reason: "empty attribute test") }
        return AttributeTest(name: name, op: nil, value: "")
    }
}
