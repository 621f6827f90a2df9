import Foundation

/// Whitespace, entity and escaping helpers shared by the extractors.
package enum TextNormalizer {
    /// What one UTF-8 sequence is to the whitespace rules shared by ``collapse(_:)`` and the body
    /// builder: a space (ASCII whitespace, U+00A0, U+2002, U+2003, U+2009), dropped (U+200B–U+200D,
    /// U+FEFF), an ideographic space (U+3000, dropped only as indentation), or other text.
    enum SpaceClass {
        case space(length: Int)
        case dropped(length: Int)
        case ideographicSpace
        case other(length: Int)
    }

    /// Classifies the UTF-8 sequence starting at `index` (the buffer holds valid UTF-8).
    @inline(__always)
    static func spaceClass(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> SpaceClass {
        let byte = bytes[index]
        if byte < 0x80 {
            let isSpace = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
            return isSpace ? .space(length: 1) : .other(length: 1)
        }
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        if length == 2 && byte == 0xC2 && bytes[index + 1] == 0xA0 { return .space(length: 2) }  // U+00A0
        if length == 3 {
            let second = bytes[index + 1]
            let third = bytes[index + 2]
            if byte == 0xE2 && second == 0x80 {
                switch third {
                case 0x8B, 0x8C, 0x8D: return .dropped(length: 3)  // U+200B–U+200D
                case 0x82, 0x83, 0x89: return .space(length: 3)  // U+2002, U+2003, U+2009
                default: break
                }
            } else if byte == 0xEF && second == 0xBB && third == 0xBF {
                return .dropped(length: 3)  // U+FEFF
            } else if byte == 0xE3 && second == 0x80 && third == 0x80 {
                return .ideographicSpace  // U+3000
            }
        }
        return .other(length: length)
    }

    /// Collapses runs of whitespace (including U+00A0 and zero-width spaces) to one space and trims the ends,
    /// also trimming U+3000 ideographic-space indentation.
    ///
    /// The text of an HTML fragment with whitespace runs collapsed to one space (for the evaluation target).
    package static func collapsedText(ofHTML html: String) -> String {
        HTMLDocument.parseFragment(html).map { collapse($0.textContent) } ?? ""
    }

    static func collapse(_ text: String) -> String {
        var text = text
        // Works on UTF-8 bytes: every scalar handled specially is matched by its exact byte sequence and
        // every other scalar is copied through whole, so the result is what a scalar-by-scalar pass gives.
        return text.withUTF8 { bytes -> String? in
            let count = bytes.count
            var result: [UInt8] = []
            result.reserveCapacity(count)
            var pendingSpace = false
            var modified = false
            var index = 0
            while index < count {
                var length: Int
                switch spaceClass(bytes, at: index) {
                case .space(let spaceLength):
                    if spaceLength > 1 || bytes[index] != 0x20 || pendingSpace || result.isEmpty { modified = true }
                    pendingSpace = true
                    index += spaceLength
                    continue
                case .dropped(let droppedLength):
                    modified = true
                    index += droppedLength
                    continue
                case .ideographicSpace where result.isEmpty:
                    modified = true
                    index += 3
                    continue
                case .ideographicSpace:
                    length = 3
                case .other(let otherLength):
                    length = otherLength
                }
                if pendingSpace && !result.isEmpty { result.append(0x20) }
                pendingSpace = false
                for offset in 0..<length { result.append(bytes[index + offset]) }
                index += length
            }
            if pendingSpace { modified = true }
            // Trailing U+3000 and spaces.
            while true {
                let n = result.count
                if n > 0 && result[n - 1] == 0x20 {
                    result.removeLast()
                } else if n >= 3 && result[n - 3] == 0xE3 && result[n - 2] == 0x80 && result[n - 1] == 0x80 {
                    result.removeLast(3)
                } else {
                    break
                }
                modified = true
            }
            return modified ? String(decoding: result, as: UTF8.self) : nil
        } ?? text
    }

    /// Decodes HTML character references once, leaving unknown names as they are.
    ///
    /// `&amp;` → `&`, `&#39;` → `'`, `&#x4E2D;` → `中`, `&nbsp;` → U+00A0.
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
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Removes HTML tags (`<b>`, `</a>`, `<br/>`, `<!-- … -->`) from text that may carry markup (an RSS title, a
    /// meta tag's content), keeping every `<` that does not open a tag of a known HTML element.
    ///
    /// So `the <Saturday> clean-up`, `活动<首期报名开启>` and `a < b` stay as they are: a trial's feed title lost
    /// its `<Saturday>`, and an article title its `<首期报名开启>`. The same rule as feedparser's: only
    /// ``htmlElements`` count as markup.
    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var result = ""
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "<") {
            result += text[index..<open]
            let next = text.index(after: open)
            if let close = text[next...].firstIndex(of: ">"), isTag(text[next..<close]) {
                index = text.index(after: close)
            } else {
                result += "<"
                index = next
            }
        }
        result += text[index...]
        return result
    }

    /// Whether `inner` (what stands between `<` and `>`) is a tag of a known HTML element, an end tag of one, or a
    /// comment or declaration (`!…`), or a namespaced element (`o:p`).
    private static func isTag(_ inner: Substring) -> Bool {
        if inner.first == "!" { return true }
        let name = (inner.first == "/" ? inner.dropFirst() : inner).prefix {
            $0.isASCII && ($0.isLetter || $0.isNumber)
        }
        guard !name.isEmpty else { return false }
        let rest = inner[name.endIndex...]
        // A namespaced element, as Word's `<o:p>` and `<st1:chsdate …>` in pasted text.
        if rest.first == ":", rest.dropFirst().first?.isLetter == true { return true }
        guard rest.isEmpty || rest.first == "/" || rest.first?.isWhitespace == true else { return false }
        return htmlElements.contains(name.lowercased())
    }

    /// The HTML elements (WHATWG HTML §4, with common obsolete ones such as `font` and `center`).
    static let htmlElements: Set<String> = [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "big",
        "blink", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
        "colgroup", "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em",
        "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3",
        "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd",
        "label", "legend", "li", "link", "main", "map", "mark", "marquee", "menu", "meta", "meter", "nav", "nobr",
        "noscript", "object", "ol", "optgroup", "option", "output", "p", "param", "picture", "pre", "progress", "q",
        "rp", "rt", "ruby", "s", "samp", "script", "section", "select", "small", "source", "span", "strike",
        "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot",
        "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr",
    ]

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

    /// Length in Unicode scalars, ignoring whitespace (and the zero-width characters ``collapse(_:)`` drops).
    /// - Complexity: O(*n*); ASCII and CJK scalars skip the Unicode property lookup.
    static func visibleLength(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            let count = bytes.count
            var visible = 0
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if !(byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)) { visible += 1 }
                    index += 1
                    continue
                }
                // Decode one scalar (Swift strings hold valid UTF-8).
                var value: UInt32
                if byte >= 0xF0 {
                    value =
                        UInt32(byte & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                        | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
                    index += 4
                } else if byte >= 0xE0 {
                    value =
                        UInt32(byte & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6
                        | UInt32(bytes[index + 2] & 0x3F)
                    index += 3
                } else {
                    value = UInt32(byte & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                    index += 2
                }
                if value >= 0x3400 && value <= 0x9FFF {
                    visible += 1
                } else if let scalar = Unicode.Scalar(value), !isInvisible(scalar) {
                    visible += 1
                }
            }
            return visible
        }
    }

    /// Whitespace, U+00A0 and zero-width characters.
    @inline(__always)
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        if value >= 0x3400 && value <= 0x9FFF { return false }  // CJK ideographs: the bulk of Chinese pages
        switch value {
        case 0xA0, 0x200B, 0x200C, 0x200D, 0xFEFF: return true
        default: return scalar.properties.isWhitespace
        }
    }

    /// The first range of `needle` in `text` at or after `start`, comparing UTF-8 bytes (no Foundation:
    /// `String.range(of:)` bridges the whole text to UTF-16 on every call).
    /// - Complexity: O(*n* × *m*), for short needles.
    static func range(of needle: String, in text: String, from start: String.Index? = nil) -> Range<String.Index>? {
        let utf8 = text.utf8
        let begin = start.map { utf8.distance(from: utf8.startIndex, to: $0) } ?? 0
        var text = text
        var needle = needle
        let found: Int? = text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard let first = pattern.first, haystack.count >= pattern.count else { return nil }
                var index = begin
                let last = haystack.count - pattern.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < pattern.count && haystack[index + matched] == pattern[matched] { matched += 1 }
                        if matched == pattern.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
        guard let found else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: found)
        let upper = utf8.index(lower, offsetBy: needle.utf8.count)
        return lower..<upper
    }

    /// Whether `needle` occurs in `text`, comparing UTF-8 bytes (no Foundation, no locale).
    /// - Complexity: O(*n* × *m*), for short needles.
    static func contains(_ text: String, _ needle: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard let first = pattern.first else { return true }
                guard haystack.count >= pattern.count else { return false }
                var index = 0
                let last = haystack.count - pattern.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < pattern.count && haystack[index + matched] == pattern[matched] { matched += 1 }
                        if matched == pattern.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }
}
