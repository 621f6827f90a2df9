/// Syntax checks shared by Message-ID, List-Id and boundaries.
enum MessageIDSyntax {
    /// Whether `byte` is one of RFC 5322 §3.2.3's `atext` symbols, ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtextSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2F, 0x3D, 0x3F, 0x5E...0x60, 0x7B...0x7E: true
        default: false
        }
    }

    /// Whether `text` is an RFC 5322 §3.2.3 `dot-atom-text`.
    static func isDotAtom(_ text: some StringProtocol) -> Bool {
        isDotAtom(bytes: text.utf8)
    }

    /// Whether `bytes` are an RFC 5322 §3.2.3 `dot-atom-text`.
    static func isDotAtom(bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, first != UInt8(ascii: ".") else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let isAtext =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || isAtextSymbol(byte)
            if byte == UInt8(ascii: ".") {
                if previous == UInt8(ascii: ".") { return false }
            } else if !isAtext {
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: ".")
    }

    /// The Message-ID in `<left@right>` form, or `nil` when it is not `dot-atom-text "@" dot-atom-text`
    /// (RFC 5322 §3.6.4; the obsolete and literal forms are not accepted).
    static func normalizedMessageID(_ raw: String) -> String? {
        var text = Substring(raw.trimmingASCIIWhitespace())
        // (Two different characters: at least two, without counting them.)
        if text.first == "<" && text.last == ">" {
            text = text.dropFirst().dropLast()
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, isDotAtom(parts[0]), isDotAtom(parts[1]), text.utf8.count <= 250 else { return nil }
        return "<\(text)>"
    }
}
