/// How STARTTLS (RFC 3207) is used on `smtp://` URLs, for sending (``CurlSMTPTransport``) and for
/// reading the bounce mailbox.
public enum StartTLSPolicy: String, Sendable {
    /// Abort unless the server upgrades to TLS (`CURLUSESSL_ALL`).
    case required
    /// Upgrade when offered (`CURLUSESSL_TRY`); only allowed for loopback servers or without AUTH.
    case opportunistic
    /// Plain text; only allowed for loopback servers.
    case off
}
