import CCurl
public import Foundation

/// Sends mail over SMTP: one message per recipient, the connection kept between messages of a session.
///
/// libcurl opens each connection (``CurlSMTPSession``: greeting, EHLO, STARTTLS, AUTH); the mail
/// transactions are spoken over it, pipelined (RFC 2920) where the server offers it. `smtp://` URLs use
/// STARTTLS as configured (`required` → `CURLUSESSL_ALL`, so nothing, not even AUTH, is sent unless TLS is
/// up: case 25); `smtps://` uses implicit TLS. Certificate checks stay on. The session dot-stuffs the message
/// and sends every line end as CRLF.
/// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_USE_SSL.html, https://curl.se/libcurl/c/CURLOPT_MAIL_RCPT.html
public struct CurlSMTPTransport: MailTransport {
    public var url: URL
    public var starttls: StartTLSPolicy
    public var username: String?
    public var password: String?
    public var caFile: String?
    /// How long to wait for each server reply (the greeting, and each command's reply,
    /// including the one to the end of DATA), in seconds (`CURLOPT_SERVER_RESPONSE_TIMEOUT`).
    ///
    /// Connecting may take at most `min(30, timeoutSeconds)` (`CURLOPT_CONNECTTIMEOUT`); one
    /// whole transaction at most ``transactionTimeoutSeconds`` (`CURLOPT_TIMEOUT`).
    public var timeoutSeconds: Int
    /// The EHLO name (RFC 5321 §4.1.1.1), normally the sender's domain.
    public var heloDomain: String

    public init(
        url: URL, starttls: StartTLSPolicy, username: String?, password: String?, caFile: String?,
        timeoutSeconds: Int, heloDomain: String
    ) {
        self.url = url
        self.starttls = starttls
        self.username = username
        self.password = password
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
        self.heloDomain = heloDomain
    }

    /// The limit for one whole transaction (connect to the reply to the end of DATA): four
    /// reply timeouts, so a server that trickles replies cannot hold a session forever.
    public var transactionTimeoutSeconds: Int { timeoutSeconds * 4 }

    public func makeSession() throws -> any MailSession {
        try CurlSMTPSession(settings: self)
    }

    /// The URL given to libcurl: the configured one with the EHLO name as its path.
    var curlURL: String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.path = "/" + heloDomain
        components.user = nil
        components.password = nil
        return components.string ?? url.absoluteString
    }
}
