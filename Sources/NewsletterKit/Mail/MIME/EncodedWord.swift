/// RFC 2047 encoded-words for header values: UTF-8, B (base64) encoding, whole characters per word.
///
/// The rules this encoder keeps, so that every decoder, including ones that decode word by word,
/// gets back the exact text:
/// - A value is first sanitised (``sanitize(_:)``): CR, LF, TAB, other control characters and runs of
///   whitespace become one space, and the result is trimmed. A CR or LF in a value can therefore never
///   start a new header line, and no encoded-word decodes to bytes containing CR, LF or TAB.
/// - A value that is pure ASCII (and contains no `=?` and no token too long for a line) is not encoded;
///   it is folded at spaces so that lines stay within 78 octets where possible.
/// - Otherwise the whole value is encoded as `=?UTF-8?B?…?=` words of at most ``maxEncodedBytes`` (36)
///   UTF-8 bytes each, so each word is at most 60 characters (RFC 2047 §2 allows 75). A word always
///   holds whole Unicode scalars (RFC 2047 §5 (3)) and keeps a grapheme cluster together when the
///   cluster fits in one word; clusters longer than 36 bytes are split between scalars.
/// - Each encoded-word is on its own physical line: the first after `Name: `, the others folded with
///   CRLF + one SP (RFC 5322 §2.2.3), so every line is at most 78 octets and never contains a QP soft
///   break (`=` CRLF). The whitespace between adjacent encoded-words is not part of the value (RFC 2047
///   §6.2), so spaces of the value are always encoded inside the words.
///
/// Example (`Subject`, 3 lines of 69, 61 and 21 octets, each followed by CRLF):
/// ```
/// Subject: =?UTF-8?B?W+ekuuS+i+WRqOaKpV0g56ysMTLmnJ/vvJrmtYvor5XmlrA=?=
///  =?UTF-8?B?6Ze7ICYg5pu05paw5rGH5oC7IOKAlCAyMDI25bm0MTHmnIgy?=
///  =?UTF-8?B?OeaXpQ==?=
/// ```
public enum EncodedWord: Sendable {
    /// The most UTF-8 bytes one encoded-word carries (36 bytes = 48 base64 characters = a 60-character word).
    public static let maxEncodedBytes = 36
    /// The line length, in octets without CRLF, that folding keeps to (RFC 5322 §2.1.1 "SHOULD").
    public static let maxLineLength = 78
    /// The hard line limit, in octets without CRLF (RFC 5322 §2.1.1 "MUST").
    public static let hardLineLimit = 998

    static let prefix = "=?UTF-8?B?"
    static let suffix = "?="

    /// Sanitises a header value: CR, LF, TAB, other C0/C1 controls, DEL, NEL, U+2028/U+2029 and runs of
    /// spaces become one space; leading and trailing spaces are removed.
    ///
    /// Other spaces (U+00A0 NO-BREAK SPACE, U+3000 IDEOGRAPHIC SPACE) are kept: they are text, not folding
    /// whitespace.
    ///
    /// - Parameter value: Any text, for example a feed title `"\n  测试标题\t\r\n"`.
    /// - Returns: A single-line value, for example `"测试标题"`.
    /// - Complexity: O(*n*) in the number of Unicode scalars.
    public static func sanitize(_ value: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if isFoldableSpace(scalar) {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            result.append(scalar)
        }
        return String(result)
    }

    /// Whether a value, after sanitising, must be written as encoded-words.
    ///
    /// True when it contains a non-ASCII character, the sequence `=?` (which a decoder could mistake for an
    /// encoded-word), or a space-free run too long to fit a 998-octet line.
    ///
    /// - Parameter value: A value; it is sanitised first.
    /// - Returns: `true` when the value must be written as encoded-words.
    public static func requiresEncoding(_ value: String) -> Bool {
        let value = sanitize(value)
        if !value.utf8.allSatisfy({ $0 < 0x80 }) || value.contains("=?") { return true }
        // 998 minus room for a header name: keep the longest unbreakable token well below the hard limit.
        return value.split(separator: " ").contains { $0.utf8.count > 900 }
    }

    /// Encodes a value as a list of encoded-words, without folding.
    ///
    /// - Parameter value: A value; it is sanitised first.
    /// - Returns: Words like `=?UTF-8?B?5rWL6K+V?=`, each carrying 1…36 UTF-8 bytes of whole characters,
    ///   in order. Concatenating their decoded bytes gives the sanitised value. Empty for an empty value.
    public static func encode(_ value: String) -> [String] {
        chunks(of: sanitize(value), firstMaxBytes: maxEncodedBytes).filter { !$0.isEmpty }.map(word)
    }

    /// Builds a complete unstructured header field (`Subject`, `X-Mailer`, …) folded as described above.
    ///
    /// - Parameters:
    ///   - name: The field name, for example `Subject`. It is not validated here.
    ///   - value: The value; sanitised, then left as folded ASCII or encoded.
    /// - Returns: `Name: value` with CRLF folding and a final CRLF.
    public static func headerField(name: String, value: String) -> String {
        var builder = HeaderFieldBuilder(name: name)
        builder.appendUnstructured(value)
        return builder.field
    }

    // MARK: - Internals

    static func isFoldableSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x20, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    /// One encoded-word for the given UTF-8 bytes.
    static func word(_ bytes: [UInt8]) -> String {
        prefix + Base64Body.encode(bytes) + suffix
    }

    /// The most UTF-8 bytes an encoded-word may carry when `available` characters remain on the line.
    static func byteBudget(forCharacters available: Int) -> Int {
        let base64Characters = available - prefix.count - suffix.count
        guard base64Characters >= 4 else { return 0 }
        return min(maxEncodedBytes, base64Characters / 4 * 3)
    }

    /// Splits text into UTF-8 chunks of whole scalars, keeping grapheme clusters together when they fit.
    ///
    /// The first chunk holds at most `firstMaxBytes` bytes and may be empty when the first character does not
    /// fit; every later chunk holds 1…``maxEncodedBytes`` bytes.
    static func chunks(of text: String, firstMaxBytes: Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        var limit = firstMaxBytes
        func add(_ bytes: [UInt8]) {
            if current.count + bytes.count > limit {
                if !current.isEmpty || chunks.isEmpty { chunks.append(current) }
                current = []
                limit = maxEncodedBytes
            }
            current += bytes
        }
        for character in text {
            let bytes = Array(character.utf8)
            if bytes.count <= maxEncodedBytes {
                add(bytes)
            } else {
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}
