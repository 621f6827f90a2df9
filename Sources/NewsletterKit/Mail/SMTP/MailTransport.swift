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
    /// Sends one message to one recipient, calling `beforeEndOfData` on the way.
    ///
    /// `beforeEndOfData` is called exactly once per call, on the calling thread, at `commitPoint` and in any case
    /// before the end of the data (RFC 5321 §4.1.1.4: the point from which the server may deliver the message) is
    /// sent; when the call ends earlier (a refusal, no connection) it is called before returning. The delivery engine
    /// waits there for the previous message's outcome to be committed. When it throws, this message is not sent (the
    /// connection is dropped with its transaction unfinished, so the server discards it) and the error is rethrown.
    ///
    /// - Parameters:
    ///   - envelopeSender: the RFC 5321 `MAIL FROM` address.
    ///   - recipient: the single `RCPT TO` address.
    ///   - message: the complete RFC 5322 message, CRLF line ends, not dot-stuffed.
    ///   - commitPoint: where in the transaction `beforeEndOfData` is called.
    ///   - beforeEndOfData: work that must be done before this message can be delivered.
    ///   - whileAwaitingReply: called at most once, on the calling thread, after the end of the data is written and
    ///     before its reply is read: work to do while the server takes the message (the engine composes the next
    ///     one there). Not called when the transaction ends before its data.
    /// - Returns: how the server answered: accepted, a temporary or permanent failure with its reply, an
    ///   uncertain delivery (no reply to the end of DATA), or a fatal failure that stops the run.
    /// - Throws: only what `beforeEndOfData` threw.
    func send<Failure: Error>(
        envelopeSender: String, recipient: String, message: [UInt8], commitPoint: CommitPoint,
        beforeEndOfData: () throws(Failure) -> Void, whileAwaitingReply: () -> Void
    ) throws(Failure) -> SMTPOutcome
}

/// Where in a mail transaction a session calls the work that must precede the end of the data
/// (``MailSession/send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:whileAwaitingReply:)``).
public enum CommitPoint: Sendable {
    /// Once the envelope (MAIL, RCPT, DATA; without pipelining, MAIL) is written, while the server answers it: the
    /// work overlaps the server's reply. For a single connection, where no other session's outcome can join a commit.
    case whileEnvelopeIsAnswered
    /// Once the server has answered the envelope, just before the data: as late as it can be, so that a commit made
    /// there carries the outcomes other sessions submitted meanwhile.
    case onceEnvelopeIsAnswered
}

extension MailSession {
    /// ``send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:whileAwaitingReply:)`` at
    /// ``CommitPoint/onceEnvelopeIsAnswered``.
    public func send<Failure: Error>(
        envelopeSender: String, recipient: String, message: [UInt8],
        beforeEndOfData: () throws(Failure) -> Void, whileAwaitingReply: () -> Void
    ) throws(Failure) -> SMTPOutcome {
        try send(
            envelopeSender: envelopeSender, recipient: recipient, message: message,
            commitPoint: .onceEnvelopeIsAnswered,
            beforeEndOfData: beforeEndOfData, whileAwaitingReply: whileAwaitingReply)
    }

    /// Sends one message to one recipient with nothing to do on the way; see
    /// ``send(envelopeSender:recipient:message:beforeEndOfData:whileAwaitingReply:)``.
    public func send(envelopeSender: String, recipient: String, message: [UInt8]) -> SMTPOutcome {
        send(
            envelopeSender: envelopeSender, recipient: recipient, message: message, beforeEndOfData: {},
            whileAwaitingReply: {})
    }
}
