/// Base64 (RFC 2045 §6.8) for header words and body parts.
public enum Base64Body {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes bytes as one unwrapped base64 string with `=` padding.
    ///
    /// - Parameter bytes: Any bytes.
    /// - Returns: `4 × ⌈n / 3⌉` characters.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(value >> 18 & 0x3F)])
            output.append(alphabet[Int(value >> 12 & 0x3F)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(value >> 6 & 0x3F)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(value & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Encodes a text body: its line ends normalised to CRLF, then UTF-8, base64 lines of 76 characters
    /// joined by CRLF (no final CRLF).
    ///
    /// - Parameter text: The body text; `\n`, `\r\n` and lone `\r` all count as line ends.
    /// - Returns: Lines of at most 76 characters separated by CRLF.
    public static func encodeBody(_ text: String) -> String {
        let encoded = Array(encode(Array(LineEnding.normalizedToCRLF(text).utf8)).utf8)
        var lines: [String] = []
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            lines.append(String(decoding: encoded[start..<end], as: UTF8.self))
            start = end
        }
        return lines.joined(separator: "\r\n")
    }
}
