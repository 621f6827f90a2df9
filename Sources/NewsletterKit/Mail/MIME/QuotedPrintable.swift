/// Quoted-printable body encoding (RFC 2045 §6.7) for UTF-8 text parts.
///
/// - Line ends in the input (`\n`, `\r\n` or a lone `\r`) become hard line breaks, CRLF in the output.
/// - Every output line is at most ``maxLineLength`` (76) characters including the `=` of a soft break
///   (`=` CRLF, rule 5).
/// - A soft break never falls between the `=XX` escapes of one Unicode scalar, so the text between soft
///   breaks always decodes as strict UTF-8.
/// - Printable ASCII except `=` is written as is (rule 2); `=` becomes `=3D`; other bytes, including every
///   byte of a non-ASCII character and all control characters, become `=XX` with upper-case hex (rule 1).
/// - SP and HTAB are literal except at the end of a hard line, where they become `=20` / `=09` (rule 3).
/// - A physical line never starts with `.` (written `=2E`) or `From ` (the `F` written `=46`), so SMTP
///   dot-stuffing and mbox `>From` quoting cannot alter the content.
public enum QuotedPrintable: Sendable {
    /// The longest encoded line, in characters without CRLF.
    public static let maxLineLength = 76

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes text as quoted-printable UTF-8.
    ///
    /// - Parameter text: The body text, any line ends.
    /// - Returns: ASCII lines joined by CRLF; no final CRLF is added beyond the input's own last line end.
    /// - Complexity: O(*n*) in the number of UTF-8 bytes.
    public static func encode(_ text: String) -> String {
        String(decoding: encodeBytes(text), as: UTF8.self)
    }

    /// ``encode(_:)`` as bytes.
    static func encodeBytes(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + bytes.count / 2)
            var start = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x0D || byte == 0x0A {
                    encodeLine(UnsafeBufferPointer(rebasing: bytes[start..<index]), into: &output)
                    output += [0x0D, 0x0A]
                    if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                    start = index + 1
                }
                index += 1
            }
            encodeLine(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]), into: &output)
            return output
        }
    }

    /// Encodes one hard line (UTF-8, no CR or LF in it) into physical lines joined by soft breaks.
    private static func encodeLine(_ line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var lineStart = output.count
        var index = 0
        let count = line.count
        while index < count {
            let byte = line[index]
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            let isLast = index + length >= count
            let literal: Bool
            switch byte {
            case 0x21...0x3C, 0x3E...0x7E: literal = true
            case 0x20, 0x09: literal = !isLast
            default: literal = false
            }
            let tokenLength = literal ? 1 : 3 * length
            if output.count - lineStart + tokenLength > (isLast ? maxLineLength : maxLineLength - 1) {
                output += [UInt8(ascii: "="), 0x0D, 0x0A]
                lineStart = output.count
            }
            // A physical line never starts with `.` or `From `.
            var guarded = false
            if output.count == lineStart {
                if byte == UInt8(ascii: ".") {
                    guarded = true
                } else if byte == UInt8(ascii: "F"), index + 4 < count, line[index + 1] == UInt8(ascii: "r"),
                    line[index + 2] == UInt8(ascii: "o"), line[index + 3] == UInt8(ascii: "m"),
                    line[index + 4] == UInt8(ascii: " ")
                {
                    guarded = true
                }
            }
            if literal && !guarded {
                output.append(byte)
            } else {
                for offset in 0..<length {
                    let value = line[min(index + offset, count - 1)]
                    output += [UInt8(ascii: "="), hex[Int(value >> 4)], hex[Int(value & 0x0F)]]
                }
            }
            index += length
        }
    }
}
