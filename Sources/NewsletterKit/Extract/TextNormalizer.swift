import Foundation

/// Whitespace, entity and escaping helpers shared by the extractors.
enum TextNormalizer {
    /// Collapses runs of whitespace (including U+00A0 and zero-width spaces) to one space and trims the ends,
    /// also trimming U+3000 ideographic-space indentation.
    static func collapse(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x200B, 0x200C, 0x200D, 0xFEFF:
                continue
            case 0x09, 0x0A, 0x0D, 0x0C, 0x20, 0xA0, 0x2002, 0x2003, 0x2009:
                pendingSpace = true
            case 0x3000 where result.isEmpty:
                continue
            default:
                if pendingSpace && !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        var string = String(result)
        while let last = string.unicodeScalars.last, last.value == 0x3000 || last == " " {
            string.unicodeScalars.removeLast()
        }
        return string
    }

    /// Decodes HTML character references once: `&amp;` → `&`, `&#39;` → `'`, `&#x4E2D;` → `中`,
    /// `&nbsp;` → U+00A0. Unknown names are left as they are.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var index = text.startIndex
        while let amp = text[index...].firstIndex(of: "&") {
            result += text[index..<amp]
            let rest = text[text.index(after: amp)...]
            if let semicolon = rest.prefix(32).firstIndex(of: ";") {
                let name = rest[..<semicolon]
                if let scalar = reference(String(name)) {
                    result.unicodeScalars.append(scalar)
                    index = text.index(after: semicolon)
                    continue
                }
            }
            result += "&"
            index = text.index(after: amp)
        }
        result += text[index...]
        return result
    }

    private static func reference(_ name: String) -> Unicode.Scalar? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        }
        if name.hasPrefix("#") {
            return UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return HTMLDocument.entity(named: name)
    }

    /// Escapes `&`, `<`, `>` and `"` for HTML text and attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Removes anything that looks like a tag (`<b>`, `</a>`, `<br/>`), keeping a bare `<` followed by a space.
    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var result = ""
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "<") {
            result += text[index..<open]
            let next = text.index(after: open)
            if next < text.endIndex, text[next].isLetter || text[next] == "/" || text[next] == "!",
                let close = text[next...].firstIndex(of: ">")
            {
                index = text.index(after: close)
            } else {
                result += "<"
                index = next
            }
        }
        result += text[index...]
        return result
    }

    /// Number of Chinese/Latin sentence punctuation marks, a cheap "this is prose" signal.
    static func punctuationCount(_ text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "，", "。", "；", "、", "！", "？", ",", ";", "：": count += 1
            case ".": count += 1
            default: break
            }
        }
        return count
    }

    /// Length in characters, ignoring whitespace.
    static func visibleLength(_ text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars where !(scalar.properties.isWhitespace || scalar.value == 0xA0) {
            count += 1
        }
        return count
    }
}
