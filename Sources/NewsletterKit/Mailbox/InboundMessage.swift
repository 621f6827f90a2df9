import Foundation

/// A received message (or one MIME part of it), parsed loosely enough for bounces from real
/// mail servers: headers unfolded, `multipart/*` split into parts, `message/rfc822` parsed as a
/// nested message, base64 and quoted-printable bodies decoded.
///
/// Never throws: what cannot be parsed
/// stays as text.
struct InboundMessage: Sendable {
    /// Header fields in order, names as written, values unfolded.
    let headers: [(name: String, value: String)]
    /// The raw body bytes (after the blank line).
    let body: [UInt8]
    /// The parts of a multipart body, or the nested message of a `message/rfc822` part.
    let parts: [InboundMessage]

    init(_ bytes: [UInt8], depth: Int = 0) {
        let split = Self.headerEnd(bytes)
        headers = Self.parseHeaders(Array(bytes[..<split.headerEnd]))
        body = Array(bytes[split.bodyStart...])
        let (type, parameters) = Self.contentType(of: headers)
        if depth < 8, type.hasPrefix("multipart/"), let boundary = parameters["boundary"], !boundary.isEmpty {
            parts = Self.splitMultipart(body, boundary: boundary).map { InboundMessage($0, depth: depth + 1) }
        } else if depth < 8, type == "message/rfc822" || type == "message/global" {
            parts = [InboundMessage(Self.decodeTransfer(body, headers: headers), depth: depth + 1)]
        } else {
            parts = []
        }
    }

    /// The header fields of a block of `Name: value` lines that is a part's whole text (a delivery-status or
    /// feedback-report block, `text/rfc822-headers`), unfolded as a message's headers are.
    static func fields(of text: String) -> [(name: String, value: String)] {
        InboundMessage(Array((text.trimmingCharacters(in: .newlines) + "\n\n").utf8)).headers
    }

    /// The first value of the header `name` (case-insensitive), trimmed.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value.trimmingCharacters(in: .whitespaces)
    }

    /// The media type, lowercased (`text/plain` when absent), and its parameters (names lowercased).
    var contentType: (type: String, parameters: [String: String]) { Self.contentType(of: headers) }

    /// The body after undoing its Content-Transfer-Encoding, as text (UTF-8, invalid bytes replaced).
    var decodedText: String {
        String(decoding: Self.decodeTransfer(body, headers: headers), as: UTF8.self)
    }

    /// This message and every part below it, depth first.
    var allParts: [InboundMessage] {
        [self] + parts.flatMap(\.allParts)
    }

    /// The text of every `text/*` leaf part (or the body of a non-multipart message), joined.
    var text: String {
        allParts.filter { $0.parts.isEmpty && ($0.contentType.type.hasPrefix("text/")) }.map(\.decodedText)
            .joined(separator: "\n")
    }

    // MARK: - Parsing

    private static func headerEnd(_ bytes: [UInt8]) -> (headerEnd: Int, bodyStart: Int) {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 10 {
                if index + 1 < bytes.count, bytes[index + 1] == 10 { return (index, index + 2) }
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 { return (index, index + 3) }
            }
            index += 1
        }
        return (bytes.count, bytes.count)
    }

    private static func parseHeaders(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        let text = String(decoding: bytes, as: UTF8.self)
        var result: [(name: String, value: String)] = []
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : Substring(rawLine)
            if let first = line.first, first == " " || first == "\t" {
                if let last = result.popLast() {
                    result.append((last.name, last.value + " " + line.trimmingCharacters(in: .whitespaces)))
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, !name.contains(" ") { result.append((name, value)) }
        }
        return result
    }

    static func contentType(of headers: [(name: String, value: String)]) -> (type: String, parameters: [String: String])
    {
        guard let value = headers.first(where: { $0.name.lowercased() == "content-type" })?.value else {
            return ("text/plain", [:])
        }
        var pieces = splitParameters(value)
        let type =
            pieces.isEmpty ? "text/plain" : pieces.removeFirst().trimmingCharacters(in: .whitespaces).lowercased()
        var parameters: [String: String] = [:]
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var parameter = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if parameter.hasPrefix("\""), parameter.hasSuffix("\""), parameter.count >= 2 {
                parameter = String(parameter.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            parameters[name] = parameter
        }
        return (type, parameters)
    }

    /// Splits at `;` outside quotes.
    private static func splitParameters(_ value: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";", !quoted {
                result.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        result.append(current)
        return result
    }

    private static func splitMultipart(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [[UInt8]] = []
        var current: [UInt8]? = nil
        var lineStart = 0
        while lineStart < body.count {
            var lineEnd = lineStart
            while lineEnd < body.count, body[lineEnd] != 10 { lineEnd += 1 }
            let next = min(lineEnd + 1, body.count)
            let line = body[lineStart..<lineEnd]
            let trimmed = line.last == 13 ? line.dropLast() : line[...]
            if trimmed.starts(with: delimiter) {
                let rest = trimmed.dropFirst(delimiter.count)
                if let part = current {
                    parts.append(part.last == 10 ? Array(part.dropLast(part.suffix(2) == [13, 10] ? 2 : 1)) : part)
                }
                if rest.starts(with: [45, 45]) { return parts }  // "--": the closing delimiter
                current = []
            } else if current != nil {
                current?.append(contentsOf: body[lineStart..<next])
            }
            lineStart = next
        }
        if let part = current, !part.isEmpty { parts.append(part) }
        return parts
    }

    static func decodeTransfer(_ body: [UInt8], headers: [(name: String, value: String)]) -> [UInt8] {
        let encoding =
            headers.first { $0.name.lowercased() == "content-transfer-encoding" }?.value.lowercased()
            .trimmingCharacters(in: .whitespaces) ?? ""
        switch encoding {
        case "base64":
            let text = String(decoding: body.filter { $0 > 32 }, as: UTF8.self)
            return Data(base64Encoded: text, options: .ignoreUnknownCharacters).map { Array($0) } ?? body
        case "quoted-printable":
            return decodeQuotedPrintable(body)
        default:
            return body
        }
    }

    private static func decodeQuotedPrintable(_ body: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(body.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 65...70: byte - 55
            case 97...102: byte - 87
            default: nil
            }
        }
        while index < body.count {
            let byte = body[index]
            if byte == 61 {  // "="
                if index + 1 < body.count, body[index + 1] == 10 {
                    index += 2
                    continue
                }
                if index + 2 < body.count, body[index + 1] == 13, body[index + 2] == 10 {
                    index += 3
                    continue
                }
                if index + 2 < body.count, let high = hex(body[index + 1]), let low = hex(body[index + 2]) {
                    result.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            result.append(byte)
            index += 1
        }
        return result
    }
}
