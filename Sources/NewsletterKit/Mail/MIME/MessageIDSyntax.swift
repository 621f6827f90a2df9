/// Syntax checks shared by Message-ID, List-Id and boundaries.
enum MessageIDSyntax {
    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    /// Whether `text` is an RFC 5322 §3.2.3 `dot-atom-text`.
    static func isDotAtom(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, first != UInt8(ascii: "."), last != UInt8(ascii: ".")
        else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let isAtext =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || atextSymbols.contains(byte)
            if byte == UInt8(ascii: ".") {
                if previous == UInt8(ascii: ".") { return false }
            } else if !isAtext {
                return false
            }
            previous = byte
        }
        return true
    }

    /// The Message-ID in `<left@right>` form, or `nil` when it is not `dot-atom-text "@" dot-atom-text`
    /// (RFC 5322 §3.6.4; the obsolete and literal forms are not accepted).
    static func normalizedMessageID(_ raw: String) -> String? {
        var text = Substring(raw.trimmingASCIIWhitespace())
        if text.first == "<" && text.last == ">" && text.count >= 2 {
            text = text.dropFirst().dropLast()
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, isDotAtom(parts[0]), isDotAtom(parts[1]), text.utf8.count <= 250 else { return nil }
        return "<\(text)>"
    }
}
