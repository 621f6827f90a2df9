import Foundation

/// One row of a subscriber list.
public struct Subscriber: Sendable, Equatable {
    /// Whether the subscriber gets digests.
    public enum Status: String, Sendable, CaseIterable {
        case active
        /// Subscribed through a form and not yet confirmed (double opt-in): never gets a digest.
        case pending
        /// Unsubscribed by request (link, one-click POST, mail or the CLI).
        case unsubscribed
        /// Disabled after permanent delivery failures (see the README's bounce rules).
        case bounced
    }

    /// The address as first written (validated; see ``SubscriberAddress``).
    public var email: String
    /// The display name, possibly empty.
    public var name: String
    public var status: Status
    /// A token kept in the list's `token` column: older versions wrote a random one per row.
    ///
    /// Accepted for unsubscribing beside the derived token; new rows leave it empty.
    public var storedToken: String
    /// When the subscriber was added (date only, ISO 8601), possibly empty.
    public var added: String
    /// Values of the list's other columns (for example `部门` from a spreadsheet), by header name; kept as they are.
    public var extra: [String: String]
    /// Derives ``token``; set by ``SubscriberList`` for every row it hands out.
    var tokens: SubscriberTokens?

    /// A subscriber; `token` is the unsubscribe token to use when no ``SubscriberTokens`` derive one
    /// (previews, test sends, lists of older versions).
    public init(
        email: String, name: String = "", status: Status = .active, token: String = "", added: String = "",
        extra: [String: String] = [:]
    ) {
        self.email = email
        self.name = name
        self.status = status
        self.storedToken = token
        self.added = added
        self.extra = extra
    }

    /// The unsubscribe token mailed to this subscriber: ``storedToken`` when the row has a usable one
    /// (older lists: links already mailed keep matching what is mailed next), else the token derived from
    /// the address under the list's secret (``SubscriberTokens``).
    public var token: String {
        if hasUsableStoredToken || tokens == nil { return storedToken }
        return tokens?.token(for: email) ?? storedToken
    }

    /// Whether ``storedToken`` is fit for links and for unsubscribing: 8 to 64 characters of `A-Z a-z 0-9 - _`
    /// (a stored token that is shorter, or would need escaping in a URL or a mailto subject, is ignored).
    public var hasUsableStoredToken: Bool {
        let bytes = storedToken.utf8
        return (8...64).contains(bytes.count)
            && bytes.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D
                    || $0 == 0x5F
            }
    }

    /// The comparison key of ``email`` (``SubscriberAddress/key(_:)``).
    public var key: String { SubscriberAddress.key(email) }

    public static func == (a: Subscriber, b: Subscriber) -> Bool {
        a.email == b.email && a.name == b.name && a.status == b.status && a.storedToken == b.storedToken
            && a.added == b.added && a.extra == b.extra
    }

    /// A display name as stored: control characters (CR, LF, TAB …) and runs of white space become
    /// one space, trimmed.
    public static func cleanName(_ name: String) -> String {
        // Nearly every name needs no change: say so in one pass without building a new string.
        var previousBlank = true
        var unchanged = true
        for scalar in name.unicodeScalars {
            let blank =
                scalar.value < 0x80
                ? scalar.value < 0x21 || scalar.value == 0x7F
                : scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
            if blank, scalar != " " || previousBlank {
                unchanged = false
                break
            }
            previousBlank = blank
        }
        if unchanged, !previousBlank || name.isEmpty { return name }
        var result = ""
        var pendingSpace = false
        for scalar in name.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result += " " }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// The subscriber as a mail address (name used as the display name when present).
    public var address: MailAddress {
        get throws { try MailAddress(email: email, displayName: name.isEmpty ? nil : name) }
    }
}
