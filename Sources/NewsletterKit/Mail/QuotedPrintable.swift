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
public enum QuotedPrintable {
    /// The longest encoded line, in characters without CRLF.
    public static let maxLineLength = 76

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes text as quoted-printable UTF-8.
    ///
    /// - Parameter text: The body text, any line ends.
    /// - Returns: ASCII lines joined by CRLF; no final CRLF is added beyond the input's own last line end.
    /// - Complexity: O(*n*) in the number of UTF-8 bytes.
    public static func encode(_ text: String) -> String {
        LineEnding.lines(text).map(encodeLine).joined(separator: "\r\n")
    }

    /// Encodes one hard line (no CR or LF in it) into physical lines joined by soft breaks.
    private static func encodeLine(_ line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        var output = ""
        var current: [UInt8] = []  // the physical line being built
        for (index, scalar) in scalars.enumerated() {
            let isLast = index == scalars.count - 1
            var token = literalOrEscaped(scalar, isLast: isLast)
            if current.count + token.count > (isLast ? maxLineLength : maxLineLength - 1) {
                output += String(decoding: current, as: UTF8.self) + "=\r\n"
                current = []
            }
            if current.isEmpty {
                token = guardLineStart(token, scalar: scalar, following: scalars[(index + 1)...])
            }
            current += token
        }
        return output + String(decoding: current, as: UTF8.self)
    }

    /// The encoded form of one scalar: itself when safe, else `=XX` for each UTF-8 byte.
    private static func literalOrEscaped(_ scalar: Unicode.Scalar, isLast: Bool) -> [UInt8] {
        switch scalar.value {
        case 0x21...0x3C, 0x3E...0x7E:
            return [UInt8(scalar.value)]
        case 0x20, 0x09:
            return isLast ? escaped(UInt8(scalar.value)) : [UInt8(scalar.value)]
        default:
            return String(scalar).utf8.flatMap(escaped)
        }
    }

    /// Escapes a line-initial `.` and the `F` of a line-initial `From `.
    private static func guardLineStart(
        _ token: [UInt8],
        scalar: Unicode.Scalar,
        following: ArraySlice<Unicode.Scalar>
    ) -> [UInt8] {
        if scalar == "." { return escaped(UInt8(ascii: ".")) }
        if scalar == "F", following.starts(with: "rom ".unicodeScalars) { return escaped(UInt8(ascii: "F")) }
        return token
    }

    private static func escaped(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
    }
}
