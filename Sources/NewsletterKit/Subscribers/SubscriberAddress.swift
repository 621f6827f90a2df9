import Foundation

/// How addresses from lists and spreadsheets are cleaned, validated and compared.
///
/// A cell is cleaned before validation: an Excel text formula `="…"` is unwrapped; when it holds non-ASCII
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
        _ = try MailAddress(email: email)
        return Cleaned(email: email, normalised: normalised)
    }

    /// The comparison key of a valid address: lower-cased, its domain as lower-case A-labels (``IDNA``), so
    /// `reader2@测试.example.org` and `Reader2@XN--0ZWM56D.example.org` are one subscriber.
    /// - Complexity: O(*n*) in the address length.
    public static func key(_ email: String) -> String {
        // An ASCII address is its own key once lower-cased (`xn--` labels are already A-labels).
        if email.utf8.allSatisfy({ $0 < 0x80 }) { return email.lowercased() }
        return ((try? MailAddress(email: email))?.email ?? email).lowercased()
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
