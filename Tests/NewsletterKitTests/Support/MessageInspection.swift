import Foundation

/// Helpers that look at raw message bytes the way a strict receiver would.
enum MessageInspection {
    /// The message split at CRLF (the final empty piece after the last CRLF is dropped).
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                lines.append(current)
                current = []
                index += 2
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Whether any LF lacks a CR before it or any CR lacks an LF after it (`(?<!\r)\n|\r(?!\n)`).
    static func hasBareLineEnd(_ bytes: [UInt8]) throws -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let regex = try NSRegularExpression(pattern: #"(?<!\r)\n|\r(?!\n)"#)
        let regexMatches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        var byteMatches = false
        for index in bytes.indices {
            let byte: UInt8 = bytes[index]
            if byte == 0x0A, index == 0 || bytes[index - 1] != 0x0D { byteMatches = true }
            if byte == 0x0D, index + 1 == bytes.count || bytes[index + 1] != 0x0A { byteMatches = true }
        }
        return regexMatches || byteMatches
    }

    /// Whether a header section contains a quoted-printable soft break (`=` CRLF not closing an encoded-word).
    static func hasSoftLineBreak(_ headers: String) -> Bool {
        headers.components(separatedBy: "\r\n").contains { $0.hasSuffix("=") && !$0.hasSuffix("?=") }
    }

    /// The header section (up to the first empty line), as a string including its final CRLF.
    static func headerSection(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let range = text.range(of: "\r\n\r\n") else { return text }
        return String(text[..<range.lowerBound]) + "\r\n"
    }

    /// The folded field with the given name from a header section, including continuation lines and CRLFs.
    static func field(_ name: String, in headers: String) -> String? {
        var result: String?
        for line in headers.components(separatedBy: "\r\n") where !line.isEmpty {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                if let current = result { result = current + line + "\r\n" }
            } else if result != nil {
                break
            } else if line.lowercased().hasPrefix(name.lowercased() + ":") {
                result = line + "\r\n"
            }
        }
        return result
    }

    /// Decodes one `=?UTF-8?B?…?=` word as strict UTF-8; `nil` if it is not one or the bytes are not whole
    /// characters.
    static func strictlyDecodedWord(_ word: some StringProtocol) -> String? {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return nil }
        let payload = word.dropFirst(10).dropLast(2)
        guard let data = Data(base64Encoded: String(payload)) else { return nil }
        return String(validating: Array(data), as: UTF8.self)
    }

    /// All encoded-words in a header section.
    static func encodedWords(in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: "=\\?[^?\\s]+\\?[BbQq]\\?[^?\\s]*\\?=") else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }
}

extension MessageInspection {
    /// A strict quoted-printable decoder (RFC 2045 §6.7); `nil` on a malformed escape.
    static func decodeQuotedPrintable(_ encoded: String) -> [UInt8]? {
        let bytes = Array(encoded.utf8)
        var output: [UInt8] = []
        var index = 0
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }
}
