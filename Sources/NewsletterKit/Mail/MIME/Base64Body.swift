/// Base64 (RFC 2045 §6.8) for header words and body parts.
public enum Base64Body: Sendable {
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
        String(decoding: lines(Array(LineEnding.normalizedToCRLF(text).utf8)[...]), as: UTF8.self)
    }

    /// Base64 of `bytes` in lines of 76 characters (57 input bytes each) joined by CRLF, no final CRLF.
    ///
    /// - Complexity: O(*n*), one output allocation.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let encodedCount = (bytes.count + 2) / 3 * 4
        let lineCount = (encodedCount + 75) / 76
        var output = [UInt8](repeating: 0, count: encodedCount + max(0, lineCount - 1) * 2)
        output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                alphabet.withUnsafeBufferPointer { table in
                    var o = 0
                    var i = 0
                    var column = 0
                    let count = input.count
                    while i < count {
                        if column == 76 {
                            out[o] = 0x0D
                            out[o + 1] = 0x0A
                            o += 2
                            column = 0
                        }
                        let first = UInt32(input[i])
                        let second = i + 1 < count ? UInt32(input[i + 1]) : 0
                        let third = i + 2 < count ? UInt32(input[i + 2]) : 0
                        let value = first << 16 | second << 8 | third
                        out[o] = table[Int(value >> 18 & 0x3F)]
                        out[o + 1] = table[Int(value >> 12 & 0x3F)]
                        out[o + 2] = i + 1 < count ? table[Int(value >> 6 & 0x3F)] : UInt8(ascii: "=")
                        out[o + 3] = i + 2 < count ? table[Int(value & 0x3F)] : UInt8(ascii: "=")
                        o += 4
                        column += 4
                        i += 3
                    }
                }
            }
        }
        return output
    }
}
