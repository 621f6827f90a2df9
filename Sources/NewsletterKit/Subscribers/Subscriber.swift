import Foundation

/// One row of a subscriber list.
public struct Subscriber: Sendable, Equatable {
    /// Whether the subscriber gets digests.
    public enum Status: String, Sendable, CaseIterable {
        case active
        /// Unsubscribed by request (link, one-click POST or the CLI).
        case unsubscribed
        /// Disabled after repeated permanent delivery failures.
        case bounced
    }

    /// The address, validated; its domain lowercased.
    public var email: String
    /// The display name, possibly empty.
    public var name: String
    public var status: Status
    /// The secret in the subscriber's unsubscribe link (16 hex digits).
    public var token: String
    /// When the subscriber was added (date only, ISO 8601), possibly empty.
    public var added: String

    public init(
        email: String, name: String = "", status: Status = .active, token: String = Subscriber.makeToken(),
        added: String = ""
    ) {
        self.email = email
        self.name = name
        self.status = status
        self.token = token
        self.added = added
    }

    /// A fresh random unsubscribe token: 16 lowercase hex digits (64 bits).
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%016llx", generator.next() as UInt64)
    }

    /// A display name as stored: control characters (CR, LF, TAB …) and runs of white space become
    /// one space, trimmed.
    public static func cleanName(_ name: String) -> String {
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
