import Foundation

/// How addresses from lists and spreadsheets are cleaned, validated and compared.
///
/// A cell is cleaned before validation: an Excel text formula `="…"` is unwrapped; a name-addr as Outlook and
/// most address books export it (`Dan Lee <dan@example.com>`, `"Lee, Dan" <dan@example.com>`, RFC 5322 §3.4)
/// gives its address, and its display name for an empty name column; when it holds non-ASCII
/// characters it is NFKC-normalised (full-width `＠`, letters and digits become ASCII, case 39) and trimmed
/// of Unicode white space (U+3000 ideographic space, U+00A0, U+FEFF included). The cleaned spelling is what
/// the list keeps (the first spelling of an address wins, case 28); two spellings are the same subscriber
/// when their ``key(_:)`` is equal.
public enum SubscriberAddress: Sendable {
    /// A cell turned into an address.
    public struct Cleaned: Sendable, Equatable {
        /// The address as the list keeps it (cleaned, validated, otherwise as typed).
        public var email: String
        /// Whether cleaning changed more than surrounding ASCII spaces (reported as "normalised").
        public var normalised: Bool
        /// The display name of a `Name <address>` cell (unquoted, trimmed); `nil` for a bare address.
        public var displayName: String?

        public init(email: String, normalised: Bool, displayName: String? = nil) {
            self.email = email
            self.normalised = normalised
            self.displayName = displayName
        }
    }

    /// Cleans and validates one cell.
    ///
    /// - Throws: ``MailAddressError`` for an address that breaks ``MailAddress``'s rules (an empty domain
    ///   label such as `a@b..example.org` included, case 38).
    public static func clean(_ cell: String) throws -> Cleaned {
        var text = Substring(cell).trimmingASCIISpaces()
        var normalised = false
        // Excel's way of forcing text: ="0123" (also written by some exporters to stop Excel converting).
        if text.hasPrefix("=\""), text.hasSuffix("\""), text.count >= 3 {
            text = text.dropFirst(2).dropLast()
            normalised = true
        }
        var email = String(text)
        if !email.utf8.allSatisfy({ $0 < 0x80 }) {
            let folded = email.precomposedStringWithCompatibilityMapping.trimmingCharacters(
                in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}\u{200B}")))
            if folded != email {
                email = folded
                normalised = true
            }
        }
        var displayName: String?
        // `Name <address>` (after folding, so that full-width `＜＞＠` count): the address between the last `<` and
        // the final `>`.
        if email.hasSuffix(">"), let open = email.lastIndex(of: "<") {
            let inner = email[email.index(after: open)..<email.index(before: email.endIndex)]
            if inner.contains("@") {
                var name = email[..<open].trimmingASCIISpaces()
                if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = name.dropFirst().dropLast() }
                displayName = name.isEmpty ? nil : String(name)
                email = String(inner.trimmingASCIISpaces())
                normalised = true
            }
        }
        if !isPlainASCIIAddress(email.utf8) { _ = try MailAddress(email: email) }
        return Cleaned(email: email, normalised: normalised, displayName: displayName)
    }

    /// Whether `bytes` is an address that ``MailAddress`` certainly accepts as it is: an ASCII dot-atom local
    /// part of at most 64 bytes and an ASCII host name of LDH labels (at least two, 1 to 63 bytes, no `-` at
    /// either end, no `--` anywhere, so that no label can be an A-label to check), 254 bytes at most in all.
    ///
    /// Lists are almost all such addresses; checking them byte by byte keeps reading 100,000 rows linear
    /// and fast. Anything else (UTF-8, IDN, odd forms) goes through ``MailAddress``'s full rules.
    /// - Complexity: O(*n*) in the address length, no allocation.
    static func isPlainASCIIAddress(_ bytes: String.UTF8View) -> Bool {
        guard bytes.count <= 254 else { return false }
        var atSeen = false
        var localLength = 0
        var previous: UInt8 = 0
        var labelLength = 0
        var labels = 0
        for byte in bytes {
            let alphanumeric =
                (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
            if !atSeen {
                if byte == UInt8(ascii: "@") {
                    guard localLength > 0, localLength <= 64, previous != UInt8(ascii: ".") else { return false }
                    atSeen = true
                    previous = byte
                    continue
                }
                if byte == UInt8(ascii: ".") {
                    guard localLength > 0, previous != UInt8(ascii: ".") else { return false }
                } else {
                    guard alphanumeric || atextSymbols.contains(byte) else { return false }
                }
                localLength += 1
            } else if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labels += 1
                labelLength = 0
            } else if byte == UInt8(ascii: "-") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength += 1
            } else {
                guard alphanumeric else { return false }
                labelLength += 1
            }
            guard labelLength <= 63 else { return false }
            previous = byte
        }
        guard atSeen, labelLength > 0, previous != UInt8(ascii: "-") else { return false }
        return labels + 1 >= 2
    }

    /// RFC 5322 `atext` symbols (besides letters and digits).
    private static let atextSymbols: Set<UInt8> = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    /// The comparison key of a valid address: lower-cased, its domain as lower-case A-labels (``IDNA``), so
    /// `reader2@测试.example.org` and `Reader2@XN--0ZWM56D.example.org` are one subscriber.
    /// - Complexity: O(*n*) in the address length.
    public static func key(_ email: String) -> String {
        // An ASCII address is its own key once lower-cased (`xn--` labels are already A-labels).
        if email.utf8.allSatisfy({ $0 < 0x80 }) { return email.lowercased() }
        return ((try? MailAddress(email: email))?.email ?? email).lowercased()
    }
}

extension String {
    /// Without leading and trailing spaces (Unicode `Zs`, U+3000 included) and tabs: what
    /// `trimmingCharacters(in: .whitespaces)` gives, without bridging to `NSString` (a cell that needs no
    /// trimming, nearly all of them, is returned as it is).
    func trimmingSpaces() -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            // Foundation's set also holds U+200B (a space in older Unicode versions).
            scalar == " " || scalar == "\t"
                || (scalar.value >= 0x80
                    && (scalar.properties.generalCategory == .spaceSeparator || scalar.value == 0x200B))
        }
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return self }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
            let end = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[start...end])
    }
}

extension Substring {
    /// Without leading and trailing ASCII spaces and tabs.
    func trimmingASCIISpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
