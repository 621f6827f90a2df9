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
    ///
    /// Works on the UTF-8 bytes (it runs once per message on the send path): any byte that is not ASCII fails the
    /// dot-atom test, so a combining mark after `<` or `>` gives `nil` as the Character-level reading would.
    static func normalizedMessageID(_ raw: String) -> String? {
        var raw = raw
        return raw.withUTF8 { all -> String? in
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
            var (start, end) = (0, all.count)
            while start < end, isSpace(all[start]) { start += 1 }
            while end > start, isSpace(all[end - 1]) { end -= 1 }
            if end - start >= 2, all[start] == UInt8(ascii: "<"), all[end - 1] == UInt8(ascii: ">") {
                start += 1
                end -= 1
            }
            let text = UnsafeBufferPointer(rebasing: all[start..<end])
            // One "@": a second one fails the dot-atom test of its side.
            guard text.count <= 250, let at = text.firstIndex(of: UInt8(ascii: "@")),
                isDotAtom(bytes: text[..<at]), isDotAtom(bytes: text[(at + 1)...])
            else { return nil }
            return "<" + String(decoding: text, as: UTF8.self) + ">"
        }
    }
}
