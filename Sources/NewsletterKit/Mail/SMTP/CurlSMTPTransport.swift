import CCurl
public import Foundation

/// Sends mail over SMTP with libcurl: one message per recipient, the connection kept between
/// messages of a session.
///
/// `smtp://` URLs use STARTTLS as configured (`required` → `CURLUSESSL_ALL`, so nothing, not
/// even AUTH, is sent unless TLS is up: case 25); `smtps://` uses implicit TLS. Certificate
/// checks stay on. libcurl dot-stuffs the body itself; messages must already use CRLF.
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

/// A libcurl easy handle configured for SMTP; see ``CurlSMTPTransport``.
final class CurlSMTPSession: MailSession {
    private let handle: CurlEasyHandle
    private let settings: CurlSMTPTransport

    init(settings: CurlSMTPTransport) throws {
        self.settings = settings
        handle = try CurlEasyHandle()
        try handle.set(CURLOPT_URL, settings.curlURL)
        try handle.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        switch (settings.url.scheme?.lowercased(), settings.starttls) {
        case ("smtps", _): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case (_, .required): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case (_, .opportunistic): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        case (_, .off): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = settings.caFile { try handle.set(CURLOPT_CAINFO, caFile) }
        if let username = settings.username { try handle.set(CURLOPT_USERNAME, username) }
        if let password = settings.password { try handle.set(CURLOPT_PASSWORD, password) }
        try handle.set(CURLOPT_UPLOAD, 1)
        try Self.setTimeouts(handle, settings)
        try handle.set(CURLOPT_CRLF, 0)
        // Server replies reach us through the debug callback (CURLINFO_HEADER_IN).
        try handle.set(CURLOPT_VERBOSE, 1)
        _ = newsletter_curl_setopt_debug_callback(handle.raw) { _, type, data, size, userdata in
            guard type == CURLINFO_HEADER_IN, let data, let userdata else { return 0 }
            let upload = Unmanaged<UploadState>.fromOpaque(userdata).takeUnretainedValue()
            let text = data.withMemoryRebound(to: UInt8.self, capacity: size) {
                String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
            }
            upload.replies.append(contentsOf: text.split(whereSeparator: \.isNewline).map(String.init))
            return 0
        }
        try handle.set(
            CURLOPT_READFUNCTION,
            callback: { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let upload = Unmanaged<UploadState>.fromOpaque(userdata).takeUnretainedValue()
                let room = size * count
                let remaining = upload.bytes.count - upload.offset
                let length = min(room, remaining)
                guard length > 0 else { return 0 }
                upload.bytes.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress else { return }
                    buffer.withMemoryRebound(to: UInt8.self, capacity: length) { target in
                        target.update(from: base + upload.offset, count: length)
                    }
                }
                upload.offset += length
                return length
            })
    }

    /// Separate limits for connecting, for each server reply and for a whole transaction.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CONNECTTIMEOUT.html,
    ///   https://curl.se/libcurl/c/CURLOPT_SERVER_RESPONSE_TIMEOUT.html, https://curl.se/libcurl/c/CURLOPT_TIMEOUT.html
    private static func setTimeouts(_ handle: CurlEasyHandle, _ settings: CurlSMTPTransport) throws {
        try handle.set(CURLOPT_CONNECTTIMEOUT, min(30, settings.timeoutSeconds))
        try handle.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, settings.timeoutSeconds)
        try handle.set(CURLOPT_TIMEOUT, settings.transactionTimeoutSeconds)
    }

    /// Refuses an envelope address that could inject SMTP commands (CR, LF, NUL) or break out
    /// of its angle brackets.
    static func envelopeProblem(_ address: String) -> String? {
        let bad = address.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 || $0 == 0x3C || $0 == 0x3E }
        return bad ? "refusing to send: envelope address \(address.debugDescription) contains CR, LF, NUL, < or >" : nil
    }

    /// Whether the libcurl in use declares SMTPUTF8 in MAIL FROM (7.69.0 and later); with an older one every
    /// server is treated as one without SMTPUTF8.
    static let libcurlSpeaksSMTPUTF8 = curl_version_info(CURLVERSION_FIRST).pointee.version_num >= 0x07_45_00

    /// The server's EHLO keywords (upper-case, for example `SMTPUTF8`, `PIPELINING`) from the current connection's
    /// greeting, read through the debug callback; `nil` until a connection was made.
    private(set) var extensions: Set<String>?
    private var senderCache: (given: String, address: MailAddress)?

    func send(envelopeSender: String, recipient: String, message: [UInt8]) -> SMTPOutcome {
        if let problem = Self.envelopeProblem(envelopeSender) ?? Self.envelopeProblem(recipient) {
            return .fatal(reply: problem)
        }
        // Envelope addresses as they go on the wire: domains as A-labels computed here (case 38), so libcurl's
        // own IDN handling (present or not, depending on its build) never matters.
        let sender: MailAddress
        if let cached = senderCache, cached.given == envelopeSender {
            sender = cached.address
        } else {
            do {
                sender = try MailAddress(email: envelopeSender)
            } catch {
                return .fatal(reply: "envelope sender: \(error)")
            }
            senderCache = (envelopeSender, sender)
        }
        let mailbox: MailAddress
        do {
            mailbox = try MailAddress(email: recipient)
        } catch {
            return .permanentFailure(code: 0, reply: "not sent: \(error)")
        }
        // SMTPUTF8 (RFC 6531) only for a UTF-8 local part, and only towards a server that offers it: libcurl
        // (≥ 7.69) then adds the SMTPUTF8 parameter to MAIL FROM itself. Without it, no byte ≥ 0x80 is sent.
        if mailbox.requiresSMTPUTF8 || sender.requiresSMTPUTF8 {
            if extensions == nil, Self.libcurlSpeaksSMTPUTF8 { learnExtensions() }
            guard Self.libcurlSpeaksSMTPUTF8, extensions?.contains("SMTPUTF8") == true else {
                let who = sender.requiresSMTPUTF8 ? "the envelope sender \(sender.email)" : recipient
                return .permanentFailure(
                    code: 0,
                    reply:
                        "not sent: \(who) has a non-ASCII local part, which needs SMTPUTF8 (RFC 6531), and \(settings.url.host ?? "the server") does not offer SMTPUTF8"
                )
            }
        }
        let upload = UploadState(bytes: message)
        let pointer = Unmanaged.passUnretained(upload).toOpaque()
        defer { handle.releaseLists() }
        do {
            try handle.set(CURLOPT_READDATA, pointer: pointer)
            try handle.set(CURLOPT_DEBUGDATA, pointer: pointer)
            try handle.set(CURLOPT_MAIL_FROM, "<\(sender.email)>")
            try handle.set(CURLOPT_MAIL_RCPT, list: ["<\(mailbox.email)>"])
            try handle.set(CURLOPT_INFILESIZE_LARGE, message.count)
        } catch {
            return .fatal(reply: "\(error)")
        }
        defer { learn(from: upload.replies) }
        do {
            try withExtendedLifetime(upload) {
                try handle.perform(context: "SMTP to \(settings.url.host ?? "server")")
            }
        } catch let error as CurlError {
            return classify(error, upload: upload)
        } catch {
            return .temporaryFailure(code: nil, reply: "\(error)")
        }
        return .accepted(reply: upload.replies.last ?? "250")
    }

    /// Connects (greeting, EHLO, STARTTLS, AUTH as configured) and sends `NOOP`, to read the server's
    /// extensions before a message that depends on them; the connection stays open for the next message.
    private func learnExtensions() {
        let upload = UploadState(bytes: [])
        let pointer = Unmanaged.passUnretained(upload).toOpaque()
        defer {
            try? handle.set(CURLOPT_CUSTOMREQUEST, pointer: nil)
            try? handle.set(CURLOPT_UPLOAD, 1)
            learn(from: upload.replies)
        }
        do {
            try handle.set(CURLOPT_DEBUGDATA, pointer: pointer)
            try handle.set(CURLOPT_READDATA, pointer: pointer)
            try handle.set(CURLOPT_MAIL_RCPT, pointer: nil)
            try handle.set(CURLOPT_UPLOAD, 0)
            try handle.set(CURLOPT_CUSTOMREQUEST, "NOOP")
            try withExtendedLifetime(upload) {
                try handle.perform(context: "SMTP NOOP to \(settings.url.host ?? "server")")
            }
        } catch {
            // The message's own transfer reports the connection problem.
        }
    }

    /// Reads the EHLO reply that follows a greeting (or a STARTTLS `220`) in the server's reply lines.
    private func learn(from replies: [String]) {
        var collecting: Set<String>?
        var sawHostLine = false
        for line in replies {
            if line.hasPrefix("220") {
                collecting = []
                sawHostLine = false
                continue
            }
            guard collecting != nil, line.hasPrefix("250") else { continue }
            if sawHostLine {
                let keyword = line.dropFirst(4).split(separator: " ").first.map { $0.uppercased() }
                if let keyword { collecting?.insert(keyword) }
            }
            sawHostLine = true
            if line.hasPrefix("250 "), let found = collecting {
                extensions = found
                collecting = nil
            }
        }
    }

    /// Turns a failed transfer into an outcome by the SMTP reply code (4xx temporary, 5xx
    /// permanent), falling back to the `CURLcode` when no reply code arrived: TLS, certificate and
    /// login failures and an unreachable server are fatal (the run stops, deliveries stay pending);
    /// a connection lost mid-transaction is temporary.
    private func classify(_ error: CurlError, upload: UploadState) -> SMTPOutcome {
        let code = handle.responseCode
        // The reply that carried the code (libcurl may have sent QUIT and read "221" since).
        let reply =
            upload.replies.last(where: { code > 0 && $0.hasPrefix(String(code)) })
            ?? upload.replies.last(where: { $0.first?.isNumber == true }) ?? error.message
        if let uncertain = Self.uncertainOutcome(error, code: code, upload: upload) { return uncertain }
        let fatalCodes: [CURLcode] = [
            CURLE_USE_SSL_FAILED, CURLE_LOGIN_DENIED, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_SSL_CONNECT_ERROR,
        ]
        if fatalCodes.map({ Int($0.rawValue) }).contains(error.code) {
            return .fatal(reply: "\(error.message) (curl error \(error.code))")
        }
        // No server at all (unresolvable, refused, or silent until the timeout): every other
        // recipient would wait the same way, so the run stops and everyone stays pending.
        let unreachable: [CURLcode] = [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT]
        if error.code == Int(CURLE_OPERATION_TIMEDOUT.rawValue), code > 0 || !upload.replies.isEmpty {
            // It answered once (greeting or a command), then stalled: every recipient would
            // wait the same way, so the run stops and everyone stays pending.
            return .fatal(
                reply:
                    "the SMTP server \(settings.url.host ?? "") stopped answering (no reply within \(settings.timeoutSeconds) s after \(reply)): \(error.message) (curl error \(error.code))"
            )
        }
        if code == 0, unreachable.map({ Int($0.rawValue) }).contains(error.code) {
            return .fatal(
                reply:
                    "cannot reach the SMTP server \(settings.url.host ?? ""):\(settings.url.port.map(String.init) ?? "default port"): \(error.message) (curl error \(error.code))"
            )
        }
        switch code {
        case 500..<600:
            return .permanentFailure(code: code, reply: reply)
        case 400..<500:
            return .temporaryFailure(code: code, reply: reply)
        default:
            return .temporaryFailure(code: nil, reply: "\(error.message) (curl error \(error.code))")
        }
    }
}

extension CurlSMTPSession {
    /// The whole message was handed to libcurl but no reply to the end of DATA came (a timeout,
    /// or the connection closed): the server may have taken it.
    ///
    /// Not a temporary failure: a retry
    /// could deliver it twice.
    fileprivate static func uncertainOutcome(_ error: CurlError, code: Int, upload: UploadState) -> SMTPOutcome? {
        let noReply: [CURLcode] = [CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SEND_ERROR]
        guard noReply.map({ Int($0.rawValue) }).contains(error.code), !upload.bytes.isEmpty,
            upload.offset == upload.bytes.count, !(400..<600).contains(code)
        else { return nil }
        return .uncertain(
            reply:
                "no reply to the end of DATA: \(error.message) (curl error \(error.code)); the message may have been delivered"
        )
    }
}

@available(*, unavailable)
extension CurlSMTPSession: Sendable {}

/// The message being uploaded and the server replies seen while doing so.
private final class UploadState {
    let bytes: [UInt8]
    var offset = 0
    var replies: [String] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}
