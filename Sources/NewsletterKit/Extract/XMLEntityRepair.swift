import Foundation

/// Repairs HTML named entities and bare `&` in an XML feed before it is parsed (case 34).
///
/// Left as they are: the five XML entities, numeric references, names declared in the document's internal
/// DTD subset, and everything inside CDATA sections and comments. A name in libxml2's HTML entity table
/// (`&nbsp;`, `&shy;`, `&mdash;`, `&ldquo;`, `&eacute;`, …) becomes its numeric reference; every other `&`
/// (`D&D`, `Q&A:`, an unknown `&foo;`) becomes `&amp;`, so the text keeps it literally. Without the repair
/// libxml2 drops or truncates such text (XML 1.0 §4.1: an undeclared entity is a well-formedness error).
enum XMLEntityRepair {
    private static let xmlEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// - Returns: The repaired text and the number of references changed (0: `text` is returned as is).
    static func repair(_ text: String) -> (text: String, repaired: Int) {
        guard text.contains("&") else { return (text, 0) }
        var declared: Set<String> = []
        for match in text.matches(of: /<!ENTITY\s+([A-Za-z_][\w.-]*)/) { declared.insert(String(match.1)) }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        output.reserveCapacity(scalars.count + 64)
        var repaired = 0
        var i = 0
        func starts(with literal: String, at index: Int) -> Bool {
            var j = index
            for scalar in literal.unicodeScalars {
                guard j < scalars.count, scalars[j] == scalar else { return false }
                j += 1
            }
            return true
        }
        func copy(until terminator: String) {
            // Copies through the end of `terminator` (or to the end of the text).
            while i < scalars.count {
                if starts(with: terminator, at: i) {
                    for _ in terminator.unicodeScalars {
                        output.append(scalars[i])
                        i += 1
                    }
                    return
                }
                output.append(scalars[i])
                i += 1
            }
        }
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "<" {
                if starts(with: "<![CDATA[", at: i) {
                    copy(until: "]]>")
                    continue
                }
                if starts(with: "<!--", at: i) {
                    copy(until: "-->")
                    continue
                }
                output.append(scalar)
                i += 1
                continue
            }
            guard scalar == "&" else {
                output.append(scalar)
                i += 1
                continue
            }
            // Numeric reference.
            if i + 2 < scalars.count, scalars[i + 1] == "#" {
                var j = i + 2
                let hex = j < scalars.count && (scalars[j] == "x" || scalars[j] == "X")
                if hex { j += 1 }
                let digitsStart = j
                while j < scalars.count,
                    hex ? scalars[j].properties.isASCIIHexDigit : ("0"..."9").contains(scalars[j])
                {
                    j += 1
                }
                if j > digitsStart, j < scalars.count, scalars[j] == ";" {
                    while i <= j {
                        output.append(scalars[i])
                        i += 1
                    }
                    continue
                }
            }
            // Named reference.
            var j = i + 1
            var name = ""
            while j < scalars.count, j - i <= 32,
                scalars[j].properties.isAlphabetic || ("0"..."9").contains(scalars[j]) || scalars[j] == "_"
                    || scalars[j] == "-" || scalars[j] == "."
            {
                name.unicodeScalars.append(scalars[j])
                j += 1
            }
            if !name.isEmpty, j < scalars.count, scalars[j] == ";" {
                if xmlEntities.contains(name) || declared.contains(name) {
                    output.append(contentsOf: "&\(name);".unicodeScalars)
                } else if let value = HTMLDocument.entity(named: name) {
                    output.append(contentsOf: "&#\(value.value);".unicodeScalars)
                    repaired += 1
                } else {
                    output.append(contentsOf: "&amp;\(name);".unicodeScalars)
                    repaired += 1
                }
                i = j + 1
                continue
            }
            output.append(contentsOf: "&amp;".unicodeScalars)
            repaired += 1
            i += 1
        }
        return repaired == 0 ? (text, 0) : (String(output), repaired)
    }
}
