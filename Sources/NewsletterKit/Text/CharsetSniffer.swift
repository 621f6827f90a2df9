import Foundation

/// Finds charset declarations inside a document's first bytes, as a browser's prescan does.
enum CharsetSniffer {
    /// The charset label declared in the HTTP `Content-Type` value.
    ///
    /// - Parameter contentType: A header value such as `text/html; charset="GBK"`.
    /// - Returns: The raw label (`GBK`), or `nil` when there is none.
    static func httpLabel(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if pair[0].trimmingCharacters(in: [" ", "\t"]).lowercased() == "charset" {
                let value = pair[1].trimmingCharacters(in: [" ", "\t", "\"", "'"])
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// The label in `<?xml … encoding="…"?>` at the start of the bytes (after BOM and whitespace).
    static func xmlDeclarationLabel(_ bytes: [UInt8]) -> String? {
        let head = latin1(bytes.prefix(512))
        var text = Substring(head)
        if text.hasPrefix("\u{EF}\u{BB}\u{BF}") { text = text.dropFirst(3) }
        text = text.drop(while: { $0.isWhitespace })
        guard text.hasPrefix("<?xml"), let end = text.firstRange(of: "?>") else { return nil }
        let decl = text[..<end.lowerBound]
        return attributeValue(named: "encoding", in: decl)
    }

    /// The label declared by the first `<meta charset>` or `<meta http-equiv=content-type content=…>`
    /// within the first 4 KB, skipping comments and other tags (so `<script charset=…>` is ignored).
    static func metaLabel(_ bytes: [UInt8]) -> String? {
        let head = latin1(bytes.prefix(4096), lowercased: true)
        var index = head.startIndex
        while let open = head[index...].firstIndex(of: "<") {
            let rest = head[open...]
            if rest.hasPrefix("<!--") {
                guard let close = rest.firstRange(of: "-->") else { return nil }
                index = close.upperBound
                continue
            }
            guard let close = rest.firstIndex(of: ">") else { return nil }
            let tag = head[open..<close]
            index = head.index(after: close)
            guard tag.hasPrefix("<meta"), tag.count > 5 else { continue }
            let afterName = tag[tag.index(tag.startIndex, offsetBy: 5)]
            guard afterName.isWhitespace || afterName == "/" else { continue }
            if let charset = attributeValue(named: "charset", in: tag), !charset.isEmpty {
                return charset
            }
            if let equiv = attributeValue(named: "http-equiv", in: tag), equiv == "content-type",
                let content = attributeValue(named: "content", in: tag),
                let range = content.range(of: "charset=")
            {
                let value = content[range.upperBound...]
                    .trimmingCharacters(in: [" ", "\"", "'"])
                    .split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "\"" || $0 == "'" })
                    .first
                if let value, !value.isEmpty { return String(value) }
            }
        }
        return nil
    }

    /// Reads `name="value"`, `name='value'` or `name=value` from a tag's source.
    static func attributeValue(named name: String, in tag: Substring) -> String? {
        var search = tag.startIndex
        while let range = tag[search...].range(of: name) {
            search = range.upperBound
            if range.lowerBound > tag.startIndex {
                let before = tag[tag.index(before: range.lowerBound)]
                if !(before.isWhitespace || before == "\"" || before == "'" || before == "/") { continue }
            }
            var cursor = tag[range.upperBound...].drop(while: { $0.isWhitespace })
            guard cursor.first == "=" else { continue }
            cursor = cursor.dropFirst().drop(while: { $0.isWhitespace })
            guard let quote = cursor.first else { return "" }
            if quote == "\"" || quote == "'" {
                let body = cursor.dropFirst()
                let end = body.firstIndex(of: quote) ?? body.endIndex
                return String(body[..<end])
            }
            let end =
                cursor.firstIndex(where: {
                    $0.isWhitespace || $0 == ">" || $0 == "/" || $0 == "\"" || $0 == "'" || $0 == ";"
                })
                ?? cursor.endIndex
            return String(cursor[..<end])
        }
        return nil
    }

    /// Interprets bytes as Latin-1 so that ASCII markup can be searched whatever the real encoding.
    ///
    /// - Parameters:
    ///   - bytes: The raw bytes, in any encoding; each byte becomes the scalar of the same value.
    ///   - lowercased: Also lowercase, giving what `latin1(bytes).lowercased()` gives: within
    ///     Latin-1 only A–Z, U+00C0–U+00D6 and U+00D8–U+00DE change, each to the scalar 0x20 above.
    /// - Returns: One character per byte (U+0000–U+00FF), so the text has as many scalars as there are bytes.
    static func latin1<S: Sequence<UInt8>>(_ bytes: S, lowercased: Bool = false) -> String {
        // Built as UTF-8 directly: U+0080–U+00FF are two bytes, C2 or C3 then 0x80 + the low six bits.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.underestimatedCount * 2)
        for var byte in bytes {
            if lowercased && ((byte >= 0x41 && byte <= 0x5A) || (byte >= 0xC0 && byte <= 0xDE && byte != 0xD7)) {
                byte += 0x20
            }
            if byte < 0x80 {
                utf8.append(byte)
            } else {
                utf8.append(0xC0 | (byte >> 6))
                utf8.append(0x80 | (byte & 0x3F))
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
