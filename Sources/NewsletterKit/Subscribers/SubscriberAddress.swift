import Foundation

/// How addresses from lists and spreadsheets are cleaned, validated and compared.
///
/// A cell is cleaned before validation: an Excel text formula `="…"` is unwrapped; when it holds non-ASCII
/// characters it is NFKC-normalised (full-width `＠`, letters and digits become ASCII, case 39) and trimmed
/// of Unicode white space (U+3000 ideographic space, U+00A0, U+FEFF included). The cleaned spelling is what
/// the list keeps (the first spelling of an address wins, case 28); two spellings are the same subscriber
/// when their ``key(_:)`` is equal.
public enum SubscriberAddress {
    /// A cell turned into an address.
    public struct Cleaned: Sendable, Equatable {
        /// The address as the list keeps it (cleaned, validated, otherwise as typed).
        public var email: String
        /// Whether cleaning changed more than surrounding ASCII spaces (reported as "normalised").
        public var normalised: Bool
    }

    /// Cleans and validates one cell.
    ///
    /// - Throws: ``MailAddressError`` for an address that breaks ``MailAddress``'s rules, or
    ///   ``SubscriberAddressError`` for a domain with an empty label (`a@b..example.org`, case 38).
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
        if let at = email.lastIndex(of: "@") {
            let domain = email[email.index(after: at)...]
            if !domain.isEmpty,
                domain.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
            {
                throw SubscriberAddressError(
                    address: cell,
                    reason:
                        "the domain '\(domain)' has an empty label (two dots in a row, or a dot at its start or end)")
            }
        }
        _ = try MailAddress(email: email)
        return Cleaned(email: email, normalised: normalised)
    }

    /// The comparison key of a valid address: lower-cased, its domain as lower-case A-labels (IDNA), so
    /// `reader2@测试.example.org` and `Reader2@XN--0ZWM56D.example.org` are one subscriber.
    /// - Complexity: O(*n*) in the address length; no allocation beyond the result for ASCII addresses.
    public static func key(_ email: String) -> String {
        if email.utf8.allSatisfy({ $0 < 0x80 }) { return email.lowercased() }
        guard let at = email.lastIndex(of: "@") else { return email.lowercased() }
        let local = email[..<at].lowercased()
        let domain = String(email[email.index(after: at)...])
        return local + "@" + aLabelDomain(domain).lowercased()
    }

    /// The domain as A-labels (UTS #46 / IDNA2008).
    ///
    /// Pending: the IDNA conversion belongs to `Mail/MailAddress*` (the envelope needs it too); until it
    /// is there this is the NFKC-folded, lower-cased U-label form, so IDN spellings of one domain compare
    /// equal only when written alike.
    static func aLabelDomain(_ domain: String) -> String {
        domain.precomposedStringWithCompatibilityMapping.lowercased()
    }
}

/// An address rejected by a rule of the subscriber list beyond ``MailAddress``'s.
public struct SubscriberAddressError: Error, Sendable, CustomStringConvertible {
    /// The cell as given.
    public let address: String
    /// What is wrong, in words.
    public let reason: String

    public var description: String { "invalid address '\(address)': \(reason)" }
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
