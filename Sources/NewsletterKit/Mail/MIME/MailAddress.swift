/// An email address with an optional display name, validated for use in `From`, `To` and `Reply-To`.
///
/// Validation follows the practical subset of RFC 5321 §4.1.2 and RFC 5322 §3.4.1 that real
/// mail servers accept: exactly one `@`; a dot-atom local part of at most 64 octets; a domain of
/// at most 253 octets made of dot-separated labels (letters, digits, inner hyphens, each at most
/// 63 octets, at least two labels); the whole address at most 254 octets. Domains are held as lower-case
/// A-labels computed by ``IDNA`` (`reader2@测试.example.org` and `reader2@XN--0ZWM56D.example.org` are both
/// `reader2@xn--0zwm56d.example.org`, so they compare equal); an empty label (`a@b..example.org`) is an error.
/// A local part may be UTF-8 (RFC 6531 §3.3); such an address ``requiresSMTPUTF8``. The local part is kept as
/// given.
///
/// Addresses are never RFC 2047-encoded. Display names are written as an RFC 5322 quoted-string
/// when ASCII, or as RFC 2047 encoded-words when they contain non-ASCII characters (see
/// ``EncodedWord``). Display names are sanitised like every header value: CR, LF, TAB and runs
/// of whitespace become one space, and the result is trimmed; an empty name becomes `nil`.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The bare address, `local@domain`, with the domain lowercased.
    public var email: String
    /// The sanitised display name, or `nil` when there is none.
    public var displayName: String?

    /// Creates a validated address.
    ///
    /// - Parameters:
    ///   - email: The bare address, `local@domain`. Surrounding whitespace is ignored.
    ///   - displayName: A human-readable name, any Unicode; sanitised, `nil` or empty for none.
    /// - Throws: ``MailAddressError`` naming `email` when it breaks one of the rules above.
    public init(email: String, displayName: String? = nil) throws {
        self.email = try Self.validate(email)
        let name = displayName.map(EncodedWord.sanitize)
        self.displayName = (name?.isEmpty ?? true) ? nil : name
    }

    /// Parses `Name <local@domain>`, `"Quoted Name" <local@domain>`, `<local@domain>` or `local@domain`.
    ///
    /// In a quoted name, `\"` and `\\` are unescaped. RFC 2047 encoded-words in the name are not decoded.
    ///
    /// - Parameter string: The text to parse.
    /// - Throws: ``MailAddressError`` naming `string` when it cannot be parsed or the address is invalid.
    public init(parsing string: String) throws {
        let trimmed = string.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw MailAddressError(.empty, address: string) }
        guard trimmed.last == ">" else {
            guard !trimmed.contains("<") else { throw MailAddressError(.malformed, address: string) }
            try self.init(email: trimmed)
            return
        }
        guard let open = trimmed.lastIndex(of: "<") else { throw MailAddressError(.malformed, address: string) }
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = String(trimmed[..<open]).trimmingASCIIWhitespace()
        if name.first == "\"" {
            guard let unquoted = Self.unquote(name) else { throw MailAddressError(.malformed, address: string) }
            name = unquoted
        }
        do {
            try self.init(email: inner, displayName: name)
        } catch let error as MailAddressError {
            throw MailAddressError(error.code, address: string)
        }
    }

    /// The part before the `@`, as given (ASCII, or UTF-8 under RFC 6531).
    public var localPart: Substring {
        email[..<(email.lastIndex(of: "@") ?? email.endIndex)]
    }

    /// Whether the address can only travel with SMTPUTF8 (RFC 6531): its local part is not ASCII.
    ///
    /// The domain never needs it: it is always held as A-labels.
    public var requiresSMTPUTF8: Bool {
        !localPart.utf8.allSatisfy { $0 < 0x80 }
    }

    /// A human-readable form: `Name <local@domain>` or `local@domain`, not encoded for a header.
    public var description: String {
        guard let displayName else { return email }
        return "\(displayName) <\(email)>"
    }

    // MARK: - Validation

    /// The address as held (domain as lower-case A-labels), or the rule it breaks.
    ///
    /// - Parameters:
    ///   - raw: the address as given; surrounding whitespace is ignored.
    ///   - shortcut: `false` skips the one-pass check of plain ASCII addresses (tests compare both).
    /// - Returns: `local@domain` with the domain as lower-case A-labels.
    /// - Throws: ``MailAddressError`` naming `raw` and the rule it breaks.
    static func validate(_ raw: String, shortcut: Bool = true) throws -> String {
        let input = raw.trimmingASCIIWhitespace()
        func fail(_ code: MailAddressError.Code) -> MailAddressError { MailAddressError(code, address: raw) }
        guard !input.isEmpty else { throw fail(.empty) }
        if shortcut, let valid = plainASCII(input) { return valid }
        let parts = input.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count > 1 else { throw fail(.missingAt) }
        guard parts.count == 2 else { throw fail(.multipleAt) }
        let local = parts[0]
        guard !local.isEmpty else { throw fail(.emptyLocalPart) }
        guard local.utf8.count <= 64 else { throw fail(.localPartTooLong) }
        guard !parts[1].isEmpty else { throw fail(.emptyDomain) }

        // Domain: A-labels (IDNA2008 / UTS #46), then LDH labels (RFC 5321 §4.1.2, RFC 1035 §2.3.1).
        let domain: String
        do {
            domain = try IDNA.toASCII(String(parts[1]))
        } catch .emptyLabel {
            throw fail(.emptyDomainLabel)
        } catch .labelTooLong {
            throw fail(.domainLabelTooLong)
        } catch {
            throw fail(.invalidDomain)
        }
        guard domain.utf8.count <= 253 else { throw fail(.domainTooLong) }
        guard local.utf8.count + 1 + domain.utf8.count <= 254 else { throw fail(.addressTooLong) }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw fail(.invalidDomain) }
        for label in labels {
            let bytes = label.utf8
            guard !bytes.isEmpty else { throw fail(.emptyDomainLabel) }
            guard bytes.count <= 63 else { throw fail(.domainLabelTooLong) }
            guard bytes.allSatisfy({ Self.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }),
                bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
            else { throw fail(.invalidDomain) }
        }

        // Local part: dot-atom-text (RFC 5322 §3.2.3), with UTF-8 beyond ASCII (RFC 6531 §3.3); no controls,
        // spaces or format characters.
        let localAllowed = local.unicodeScalars.allSatisfy { scalar in
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                return Self.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || MessageIDSyntax.isAtextSymbol(byte)
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned,
                .privateUse:
                return false
            default:
                return true
            }
        }
        guard localAllowed, local.first != ".", local.last != ".", !local.contains("..") else {
            throw fail(.invalidLocalPart)
        }
        return "\(local)@\(domain)"
    }

    /// The common address checked in one pass over its bytes.
    ///
    /// An ASCII dot-atom local part and a domain of LDH labels none of which is an A-label (`xn--`), which
    /// ``IDNA/toASCII(_:)`` would only lower-case. `nil` when the address is anything else, valid or not: the
    /// full rules above decide it.
    private static func plainASCII(_ input: String) -> String? {
        input.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at <= 64, bytes.count - at - 1 <= 253,
                bytes.count <= 254
            else { return nil }
            // Local part: atext and inner single dots.
            guard MessageIDSyntax.isDotAtom(bytes: bytes[..<at]) else { return nil }
            // Domain: at least two labels of 1 to 63 letters, digits and inner hyphens, none starting `xn--`.
            var domain: [UInt8] = []
            domain.reserveCapacity(bytes.count - at - 1)
            var labels = 0
            var labelStart = at + 1
            var index = at + 1
            while index <= bytes.count {
                guard index == bytes.count || bytes[index] == UInt8(ascii: ".") else {
                    let byte = bytes[index]
                    guard isAlphanumeric(byte) || byte == UInt8(ascii: "-") else { return nil }
                    domain.append(byte | (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? 0x20 : 0))
                    index += 1
                    continue
                }
                let length = index - labelStart
                guard length > 0, length <= 63, bytes[labelStart] != UInt8(ascii: "-"),
                    bytes[index - 1] != UInt8(ascii: "-")
                else { return nil }
                if length >= 4, domain[domain.count - length..<domain.count - length + 4].elementsEqual("xn--".utf8) {
                    return nil
                }
                labels += 1
                if index < bytes.count { domain.append(UInt8(ascii: ".")) }
                index += 1
                labelStart = index
            }
            guard labels >= 2 else { return nil }
            return String(decoding: bytes[...at], as: UTF8.self) + String(decoding: domain, as: UTF8.self)
        } ?? nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Removes the quotes of an RFC 5322 quoted-string and its backslash escapes; `nil` if unterminated.
    private static func unquote(_ quoted: String) -> String? {
        var result = ""
        var iterator = quoted.unicodeScalars.dropFirst().makeIterator()
        while let scalar = iterator.next() {
            switch scalar {
            case "\\":
                guard let escaped = iterator.next() else { return nil }
                result.unicodeScalars.append(escaped)
            case "\"":
                return iterator.next() == nil ? result : nil
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return nil
    }
}
