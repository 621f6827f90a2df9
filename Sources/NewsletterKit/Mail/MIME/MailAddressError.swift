/// An error thrown when an email address or display name cannot be used in a message header.
///
/// The error carries the offending input in ``address`` and names it in its description, so the
/// operator can find the bad line (for example in a subscriber list). Callers that log errors for
/// other people's addresses should log ``code`` only.
public struct MailAddressError: Error, Sendable, Hashable {
    /// What was wrong with the address.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case empty
            case missingAt
            case multipleAt
            case emptyLocalPart
            case localPartTooLong
            case invalidLocalPart
            case emptyDomain
            case domainTooLong
            case invalidDomain
            case domainLabelTooLong
            case emptyDomainLabel
            case addressTooLong
            case nonASCII
            case malformed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The input was empty or only whitespace.
        public static let empty = Code(.empty)
        /// The address has no `@`.
        public static let missingAt = Code(.missingAt)
        /// The address has more than one `@` (quoted local parts are not supported).
        public static let multipleAt = Code(.multipleAt)
        /// Nothing before the `@`.
        public static let emptyLocalPart = Code(.emptyLocalPart)
        /// The local part is longer than 64 octets (RFC 5321 §4.5.3.1.1).
        public static let localPartTooLong = Code(.localPartTooLong)
        /// The local part is not an RFC 5322 dot-atom (spaces, controls, specials, or misplaced dots).
        public static let invalidLocalPart = Code(.invalidLocalPart)
        /// Nothing after the `@`.
        public static let emptyDomain = Code(.emptyDomain)
        /// The domain is longer than 253 octets (RFC 5321 §4.5.3.1.2).
        public static let domainTooLong = Code(.domainTooLong)
        /// The domain is not a dotted host name of letters, digits and inner hyphens.
        public static let invalidDomain = Code(.invalidDomain)
        /// A domain label is longer than 63 octets (RFC 1035 §2.3.4).
        public static let domainLabelTooLong = Code(.domainLabelTooLong)
        /// The domain has an empty label: two dots in a row, or a dot at either end (`a@b..example.org`).
        public static let emptyDomainLabel = Code(.emptyDomainLabel)
        /// The whole address is longer than 254 octets (RFC 5321 path limit minus the brackets).
        public static let addressTooLong = Code(.addressTooLong)
        /// The address contains non-ASCII characters where only ASCII is allowed (no longer thrown by
        /// ``MailAddress``: domains become A-labels and UTF-8 local parts need SMTPUTF8 at delivery).
        public static let nonASCII = Code(.nonASCII)
        /// The `Name <address>` form could not be parsed (for example an unclosed `<` or quote).
        public static let malformed = Code(.malformed)

        public var description: String {
            switch base {
            case .empty: "the address is empty"
            case .missingAt: "the address has no '@'"
            case .multipleAt: "the address has more than one '@'"
            case .emptyLocalPart: "the part before '@' is empty"
            case .localPartTooLong: "the part before '@' is longer than 64 octets"
            case .invalidLocalPart:
                "the part before '@' contains spaces, control characters, specials or misplaced dots"
            case .emptyDomain: "the domain is empty"
            case .domainTooLong: "the domain is longer than 253 octets"
            case .invalidDomain: "the domain is not a valid dotted host name (or IDNA2008 name)"
            case .domainLabelTooLong: "a domain label is longer than 63 octets"
            case .emptyDomainLabel: "the domain has an empty label (two dots in a row, or a dot at an end)"
            case .addressTooLong: "the address is longer than 254 octets"
            case .nonASCII: "the address contains non-ASCII characters (SMTPUTF8 is not supported)"
            case .malformed: "expected 'Name <user@example.com>' or 'user@example.com'"
            }
        }
    }

    /// What was wrong.
    public let code: Code
    /// The input that was rejected, as given.
    public let address: String

    init(_ code: Code, address: String) {
        self.code = code
        self.address = address
    }
}

extension MailAddressError: CustomStringConvertible {
    public var description: String {
        "Invalid email address '\(address)': \(code)"
    }
}
