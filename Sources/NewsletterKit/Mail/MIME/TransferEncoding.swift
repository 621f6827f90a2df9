/// The Content-Transfer-Encoding of a text part (RFC 2045 §6).
///
/// Only 7-bit-safe encodings are used: 8bit would be smaller for CJK text but needs the server's 8BITMIME
/// extension, which the SMTP transport cannot check.
public enum TransferEncoding: String, Sendable, Hashable, CaseIterable {
    /// RFC 2045 §6.7; ~1 byte per ASCII character, 9 bytes per CJK character.
    case quotedPrintable = "quoted-printable"
    /// RFC 2045 §6.8; 4 bytes per 3, so 4 bytes per CJK character.
    case base64

    /// The share of non-ASCII Unicode scalars above which a part is base64-encoded: 0.2 (20 %).
    public static let base64Threshold = 0.2

    /// The encoding for a text: base64 when more than 20 % of its Unicode scalars are non-ASCII, else
    /// quoted-printable.
    ///
    /// - Parameter text: The part's text.
    /// - Returns: ``base64`` or ``quotedPrintable``.
    /// - Complexity: O(*n*) in the number of Unicode scalars.
    public static func preferred(for text: String) -> TransferEncoding {
        var total = 0
        var nonASCII = 0
        for scalar in text.unicodeScalars {
            total += 1
            if !scalar.isASCII { nonASCII += 1 }
        }
        return Double(nonASCII) > Double(total) * base64Threshold ? .base64 : .quotedPrintable
    }

    /// Encodes a text part: line ends normalised to CRLF, UTF-8, then this encoding, lines ≤ 76 characters
    /// joined by CRLF.
    ///
    /// - Parameter text: The part's text.
    /// - Returns: The encoded body, without a final CRLF unless the text itself ends with a line end.
    public func encode(_ text: String) -> String {
        switch self {
        case .quotedPrintable: QuotedPrintable.encode(text)
        case .base64: Base64Body.encodeBody(text)
        }
    }

    /// The size in octets of a text part's body as transmitted, with the encoding ``preferred(for:)`` picks.
    ///
    /// Use it to keep the HTML part under a clipping budget (Gmail clips at about 102 KB). The part's own
    /// MIME headers and the boundary lines are not counted.
    ///
    /// - Parameter text: The part's text.
    /// - Returns: The number of octets between the part's header block and the CRLF before the next boundary.
    public static func transmittedSize(of text: String) -> Int {
        preferred(for: text).encode(text).utf8.count
    }
}
