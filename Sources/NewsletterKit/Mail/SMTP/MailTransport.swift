/// Opens sessions to a mail server.
///
/// ``CurlSMTPTransport`` in production; tests may record.
public protocol MailTransport: Sendable {
    /// Opens a session. Each session is used by one thread at a time and may keep its connection.
    /// - Throws: when the session cannot be set up at all (e.g. libcurl cannot start).
    func makeSession() throws -> any MailSession
}

/// One connection's worth of sending, reused across messages.
public protocol MailSession: AnyObject {
    /// Sends one message to one recipient.
    /// - Parameters:
    ///   - envelopeSender: the RFC 5321 `MAIL FROM` address.
    ///   - recipient: the single `RCPT TO` address.
    ///   - message: the complete RFC 5322 message, CRLF line ends, not dot-stuffed.
    /// - Returns: how the server answered: accepted, a temporary or permanent failure with its reply, an
    ///   uncertain delivery (no reply to the end of DATA), or a fatal failure that stops the run.
    func send(envelopeSender: String, recipient: String, message: [UInt8]) -> SMTPOutcome
}
