/// An error thrown when a message, list header or unsubscribe target cannot be built.
///
/// The description says which field was rejected and why; it includes the rejected value only for
/// structural values (header names, list ids, message ids), never for the body.
public struct MIMEError: Error, Sendable, Hashable {
    /// What was wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case invalidMessageID
            case invalidListID
            case invalidUnsubscribeURL
            case missingUnsubscribeURL
            case invalidHeaderName
            case reservedHeaderName
            case invalidBoundary
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A Message-ID is not `<left@right>` with dot-atom parts (RFC 5322 §3.6.4).
        public static let invalidMessageID = Code(.invalidMessageID)
        /// A List-Id is not a dot-atom with at least one dot, at most 255 octets (RFC 2919 §2).
        public static let invalidListID = Code(.invalidListID)
        /// An unsubscribe URL has the wrong scheme, or contains spaces, controls, non-ASCII, `<`, `>` or `,`,
        /// or is too long for a header line (RFC 2369 §2).
        public static let invalidUnsubscribeURL = Code(.invalidUnsubscribeURL)
        /// Neither an https nor a mailto unsubscribe URL was given.
        public static let missingUnsubscribeURL = Code(.missingUnsubscribeURL)
        /// An extra header name is empty, longer than 76 octets, or not printable ASCII without `:`
        /// (RFC 5322 §3.6.8).
        public static let invalidHeaderName = Code(.invalidHeaderName)
        /// An extra header would duplicate one the builder writes itself (From, Subject, Content-Type, …).
        public static let reservedHeaderName = Code(.reservedHeaderName)
        /// A boundary is empty, longer than 70 characters, ends in a space, or has characters outside
        /// RFC 2046 §5.1.1 `bchars`.
        public static let invalidBoundary = Code(.invalidBoundary)

        public var description: String {
            switch base {
            case .invalidMessageID: "invalid Message-ID"
            case .invalidListID: "invalid List-Id"
            case .invalidUnsubscribeURL: "invalid List-Unsubscribe URL"
            case .missingUnsubscribeURL: "List-Unsubscribe needs an https or mailto URL"
            case .invalidHeaderName: "invalid header name"
            case .reservedHeaderName: "header is set by the message builder and cannot be added again"
            case .invalidBoundary: "invalid MIME boundary"
            }
        }
    }

    /// What was wrong.
    public let code: Code
    /// The rejected value or field name, for the message.
    public let context: String

    init(_ code: Code, context: String) {
        self.code = code
        self.context = context
    }
}

extension MIMEError: CustomStringConvertible {
    public var description: String {
        context.isEmpty ? "MIME error: \(code)" : "MIME error: \(code) '\(context)'"
    }
}
