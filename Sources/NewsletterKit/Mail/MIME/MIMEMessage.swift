public import Foundation

/// A complete newsletter email: RFC 5322 headers and a `multipart/alternative` body with a text/plain part
/// first and a text/html part last (RFC 2046 §5.1.4), both UTF-8.
///
/// The message is a value; ``bytes()`` is a pure function of it, so a preview and the real send produce the
/// same bytes except for the per-recipient fields replaced with ``addressed(to:messageID:unsubscribe:)``
/// (To, Message-ID, List-Unsubscribe). The boundary is chosen once at creation.
///
/// Header order: From, To, Reply-To, Subject, Date, Message-ID, MIME-Version, List-Id, List-Unsubscribe,
/// List-Unsubscribe-Post, Precedence (`bulk`), the extra headers in the given order, Content-Type.
///
/// Output guarantees: CRLF line ends only (no bare LF, no lone CR), every header line ≤ 78 octets except
/// where an unbreakable token forces more, every line ≤ 998 octets, body lines ≤ 76 characters, ASCII only,
/// and the message ends with CRLF.
public struct MIMEMessage: Sendable {
    /// The sender.
    public private(set) var from: MailAddress
    /// The single recipient (a newsletter message goes to one subscriber).
    public private(set) var to: MailAddress
    /// Where replies go, or `nil`.
    public private(set) var replyTo: MailAddress?
    /// The subject, any Unicode; sanitised and RFC 2047-encoded when written.
    public private(set) var subject: String
    /// The origination date.
    public private(set) var date: Date
    /// The zone the Date header is written in (as a numeric offset).
    public private(set) var timeZone: TimeZone
    /// The Message-ID with angle brackets, `<left@right>`.
    public private(set) var messageID: String
    /// The List-Id, or `nil`.
    public private(set) var listID: ListID?
    /// The recipient's unsubscribe targets, or `nil`.
    public private(set) var unsubscribe: ListUnsubscribe?
    /// The text/plain body, any line ends.
    public private(set) var textBody: String
    /// The text/html body, any line ends.
    public private(set) var htmlBody: String
    /// Extra unstructured headers such as `X-Mailer`, in order.
    public private(set) var extraHeaders: [(name: String, value: String)]
    /// The multipart boundary (RFC 2046 §5.1.1), without the leading dashes.
    public private(set) var boundary: String

    /// Header names the builder writes itself; extra headers may not repeat them (compared case-insensitively).
    public static let reservedHeaderNames: Set<String> = [
        "from", "to", "cc", "bcc", "reply-to", "sender", "subject", "date", "message-id", "mime-version",
        "list-id", "list-unsubscribe", "list-unsubscribe-post", "precedence", "content-type",
        "content-transfer-encoding",
    ]

    /// Creates a message.
    ///
    /// - Parameters:
    ///   - from: The sender.
    ///   - to: The recipient.
    ///   - replyTo: The reply address, or `nil`.
    ///   - subject: The subject; CR, LF, TAB and whitespace runs become one space.
    ///   - date: The Date header's instant.
    ///   - timeZone: The zone for the Date header; defaults to the process's current zone.
    ///   - messageID: `<left@right>` or `left@right`, for example from ``makeMessageID(domain:)``.
    ///   - listID: The List-Id, or `nil`.
    ///   - unsubscribe: The recipient's unsubscribe targets, or `nil`.
    ///   - textBody: The text/plain part; `\n`, `\r\n` and lone `\r` are all written as CRLF.
    ///   - htmlBody: The text/html part; line ends as for `textBody`.
    ///   - extraHeaders: Extra unstructured headers, for example `[("X-Mailer", "newsletter 1.0")]`.
    ///   - boundary: A fixed boundary (for golden tests), or `nil` for a random `=_`-prefixed one. A boundary
    ///     starting with `=_` can never occur in quoted-printable or base64 text.
    /// - Throws: ``MIMEError`` for an invalid Message-ID, extra header name or boundary, or a reserved extra
    ///   header name.
    public init(
        from: MailAddress,
        to: MailAddress,
        replyTo: MailAddress? = nil,
        subject: String,
        date: Date,
        timeZone: TimeZone = .current,
        messageID: String,
        listID: ListID? = nil,
        unsubscribe: ListUnsubscribe? = nil,
        textBody: String,
        htmlBody: String,
        extraHeaders: [(name: String, value: String)] = [],
        boundary: String? = nil
    ) throws {
        guard let normalizedID = MessageIDSyntax.normalizedMessageID(messageID) else {
            throw MIMEError(.invalidMessageID, context: messageID)
        }
        for header in extraHeaders {
            try Self.validateHeaderName(header.name)
        }
        let boundary = boundary ?? Self.makeBoundary()
        guard Self.isValidBoundary(boundary) else { throw MIMEError(.invalidBoundary, context: boundary) }
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.date = date
        self.timeZone = timeZone
        self.messageID = normalizedID
        self.listID = listID
        self.unsubscribe = unsubscribe
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.extraHeaders = extraHeaders
        self.boundary = boundary
    }

    /// A copy of this message for another recipient: only To, Message-ID and List-Unsubscribe change, so its
    /// bytes differ from this message's only in those headers.
    ///
    /// - Parameters:
    ///   - to: The recipient.
    ///   - messageID: A new Message-ID (`<left@right>` or `left@right`).
    ///   - unsubscribe: The recipient's unsubscribe targets, or `nil`.
    /// - Returns: The copy.
    /// - Throws: ``MIMEError`` with ``MIMEError/Code/invalidMessageID``.
    public func addressed(to: MailAddress, messageID: String, unsubscribe: ListUnsubscribe?) throws -> MIMEMessage {
        guard let normalizedID = MessageIDSyntax.normalizedMessageID(messageID) else {
            throw MIMEError(.invalidMessageID, context: messageID)
        }
        var copy = self
        copy.to = to
        copy.messageID = normalizedID
        copy.unsubscribe = unsubscribe
        return copy
    }

    /// A new globally unique Message-ID, `<uuid@domain>` (RFC 5322 §3.6.4).
    ///
    /// - Parameter domain: The sender's domain, for example `news.example.com`; lowercased, and characters
    ///   other than letters, digits, `.` and `-` are dropped (`localhost` if nothing is left).
    /// - Returns: For example `<0f8fad5b-d9cb-469f-a165-70867728950e@news.example.com>`.
    public static func makeMessageID(domain: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        var host = String(domain.lowercased().filter { allowed.contains($0) })
        while host.hasPrefix(".") { host.removeFirst() }
        while host.hasSuffix(".") { host.removeLast() }
        while host.contains("..") { host = host.replacingOccurrences(of: "..", with: ".") }
        if host.isEmpty { host = "localhost" }
        return "<\(UUID().uuidString.lowercased())@\(host)>"
    }

    // MARK: - Validation

    private static func validateHeaderName(_ name: String) throws {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= 76, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") })
        else { throw MIMEError(.invalidHeaderName, context: name) }
        guard !reservedHeaderNames.contains(name.lowercased()) else {
            throw MIMEError(.reservedHeaderName, context: name)
        }
    }

    private static let boundaryCharacters = Set(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ".utf8
    )

    static func isValidBoundary(_ boundary: String) -> Bool {
        let bytes = boundary.utf8
        return !bytes.isEmpty && bytes.count <= 70 && bytes.last != UInt8(ascii: " ")
            && bytes.allSatisfy { boundaryCharacters.contains($0) }
    }

    private static func makeBoundary() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        let random = String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        return "=_NL_" + random
    }
}
