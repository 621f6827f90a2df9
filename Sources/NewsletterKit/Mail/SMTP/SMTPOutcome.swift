/// What the SMTP server made of one message to one recipient.
public enum SMTPOutcome: Sendable, Equatable {
    /// 250 after DATA: the server took responsibility for the message.
    case accepted(reply: String)
    /// A 4xx reply, or a connection failure: try again later (RFC 5321 §4.2.1).
    case temporaryFailure(code: Int?, reply: String)
    /// A 5xx reply: do not retry.
    case permanentFailure(code: Int, reply: String)
    /// The whole message was sent but no reply to the end of DATA arrived (timeout, or the
    /// connection closed): it may have been delivered. Never retried in the run; the connection
    /// is dropped so no later reply is read out of step.
    case uncertain(reply: String)
    /// A failure that no retry and no other recipient can fix (TLS required but not offered,
    /// authentication refused, certificate rejected): the run stops.
    case fatal(reply: String)

    /// The SMTP reply code, when one arrived.
    public var code: Int? {
        switch self {
        case .accepted: 250
        case .temporaryFailure(let code, _): code
        case .permanentFailure(let code, _): code
        case .fatal, .uncertain: nil
        }
    }

    /// The server's last reply line, or the transport error.
    public var reply: String {
        switch self {
        case .accepted(let reply), .temporaryFailure(_, let reply), .permanentFailure(_, let reply), .fatal(let reply),
            .uncertain(let reply):
            reply
        }
    }
}
