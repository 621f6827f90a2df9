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
    ///   - announceNext: called at most once, on the calling thread, after `beforeEndOfData` and just before the data
    ///     is written, where the server offers `PIPELINING`: the next message this session will be asked to send, if
    ///     it is known by then. Its envelope (`MAIL FROM` with `SIZE`, `RCPT TO`, `DATA`) then follows this message's
    ///     end of data in the same write (RFC 2920 §3.1: message content may start a group), so that each message
    ///     costs one round trip; its replies are read by the next call, which must be for that recipient (any other
    ///     call, or none, drops the connection with the announced transaction unfinished: nothing is delivered).
    ///   - whileAwaitingReply: called at most once, on the calling thread, after the end of the data is written and
    ///     before its reply is read: work to do while the server takes the message. Not called when the
    ///     transaction ends before its data.
    /// - Returns: how the server answered: accepted, a temporary or permanent failure with its reply, an
    ///   uncertain delivery (no reply to the end of DATA), or a fatal failure that stops the run.
    /// - Throws: only what `beforeEndOfData` threw.
    func send<Failure: Error>(
        envelopeSender: String, recipient: String, message: [UInt8], commitPoint: CommitPoint,
        beforeEndOfData: () throws(Failure) -> Void, announceNext: () -> NextMessage?, whileAwaitingReply: () -> Void
    ) throws(Failure) -> SMTPOutcome
}

/// The message a session will send next, as far as its envelope needs it
/// (``MailSession/send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:announceNext:whileAwaitingReply:)``).
public struct NextMessage: Sendable, Equatable {
    /// The single `RCPT TO` address.
    public var recipient: String
    /// The message's size in bytes as ``MailSession`` is given it (CRLF line ends, not dot-stuffed): the `SIZE`
    /// parameter of `MAIL FROM` (RFC 1870 §3).
    public var size: Int

    public init(recipient: String, size: Int) {
        self.recipient = recipient
        self.size = size
    }
}

/// Where in a mail transaction a session calls the work that must precede the end of the data
/// (``MailSession/send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:announceNext:whileAwaitingReply:)``).
public enum CommitPoint: Sendable {
    /// Once the envelope (MAIL, RCPT, DATA; without pipelining, MAIL) is written, while the server answers it: the
    /// work overlaps the server's reply. For a single connection, where no other session's outcome can join a commit.
    case whileEnvelopeIsAnswered
    /// Once the server has answered the envelope, just before the data: as late as it can be, so that a commit made
    /// there carries the outcomes other sessions submitted meanwhile.
    case onceEnvelopeIsAnswered
}

extension MailSession {
    /// ``send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:announceNext:whileAwaitingReply:)`` at
    /// ``CommitPoint/onceEnvelopeIsAnswered``, with no next message announced.
    public func send<Failure: Error>(
        envelopeSender: String, recipient: String, message: [UInt8],
        beforeEndOfData: () throws(Failure) -> Void, whileAwaitingReply: () -> Void
    ) throws(Failure) -> SMTPOutcome {
        try send(
            envelopeSender: envelopeSender, recipient: recipient, message: message,
            commitPoint: .onceEnvelopeIsAnswered,
            beforeEndOfData: beforeEndOfData, announceNext: { nil }, whileAwaitingReply: whileAwaitingReply)
    }

    /// ``send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:announceNext:whileAwaitingReply:)`` with
    /// no next message announced.
    public func send<Failure: Error>(
        envelopeSender: String, recipient: String, message: [UInt8], commitPoint: CommitPoint,
        beforeEndOfData: () throws(Failure) -> Void, whileAwaitingReply: () -> Void
    ) throws(Failure) -> SMTPOutcome {
        try send(
            envelopeSender: envelopeSender, recipient: recipient, message: message, commitPoint: commitPoint,
            beforeEndOfData: beforeEndOfData, announceNext: { nil }, whileAwaitingReply: whileAwaitingReply)
    }

    /// Sends one message to one recipient with nothing to do on the way; see
    /// ``send(envelopeSender:recipient:message:beforeEndOfData:whileAwaitingReply:)``.
    public func send(envelopeSender: String, recipient: String, message: [UInt8]) -> SMTPOutcome {
        send(
            envelopeSender: envelopeSender, recipient: recipient, message: message, beforeEndOfData: {},
            whileAwaitingReply: {})
    }
}
