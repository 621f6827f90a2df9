import CCurl
import Foundation

extension CurlSMTPTransport {
    /// What a probe of the SMTP server found.
    public struct Probe: Sendable {
        /// The commands sent, by verb only (`EHLO`, `STARTTLS`, `AUTH`, `NOOP`, `QUIT`): never their
        /// arguments, which for AUTH carry the credentials, nor the lines of the AUTH exchange after it.
        public var commands: [String] = []
        /// The server's reply lines, in order.
        public var replies: [String] = []
        /// Whether the probe got as far as a reply to NOOP after EHLO, STARTTLS and AUTH as configured.
        public var succeeded: Bool { failure == nil }
        /// Why it failed, in words, naming the server, the user and the setting to look at.
        public var failure: String?
        /// What to change, when it failed.
        public var fix: String?
    }

    /// Talks to the server up to AUTH and leaves without sending anything.
    ///
    /// The commands are EHLO, STARTTLS (as ``starttls`` says, or TLS from the start for `smtps://`), AUTH when a user name is set, NOOP,
    /// QUIT. No MAIL, RCPT or DATA is ever sent.
    ///
    /// libcurl sends a custom command instead of a mail transaction when neither an upload nor
    /// recipients are set (`CURLOPT_CUSTOMREQUEST` "NOOP"), after the same connection set-up as a send.
    /// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CUSTOMREQUEST.html
    public func probe() -> Probe {
        var probe = Probe()
        let server = "\(url.scheme ?? "smtp")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")"
        let user = username.map { "user \($0)" } ?? "no user"
        let state = ProbeState()
        do {
            let handle = try CurlEasyHandle()
            try handle.set(CURLOPT_URL, curlURL)
            try handle.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            switch (url.scheme?.lowercased(), starttls) {
            case ("smtps", _), (_, .required): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
            case (_, .opportunistic): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
            case (_, .off): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
            }
            try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
            try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
            if let caFile { try handle.set(CURLOPT_CAINFO, caFile) }
            if let username { try handle.set(CURLOPT_USERNAME, username) }
            if let password { try handle.set(CURLOPT_PASSWORD, password) }
            try handle.set(CURLOPT_CUSTOMREQUEST, "NOOP")
            try handle.set(CURLOPT_TIMEOUT, timeoutSeconds)
            try handle.set(CURLOPT_CONNECTTIMEOUT, min(30, timeoutSeconds))
            try handle.set(CURLOPT_VERBOSE, 1)
            let pointer = Unmanaged.passUnretained(state).toOpaque()
            try handle.set(CURLOPT_DEBUGDATA, pointer: pointer)
            _ = newsletter_curl_setopt_debug_callback(handle.raw) { _, type, data, size, userdata in
                guard type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT, let data, let userdata else {
                    return 0
                }
                let state = Unmanaged<ProbeState>.fromOpaque(userdata).takeUnretainedValue()
                let text = data.withMemoryRebound(to: UInt8.self, capacity: size) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
                }
                let lines = text.split(whereSeparator: \.isNewline).map(String.init)
                if type == CURLINFO_HEADER_IN {
                    state.replies += lines
                } else {
                    // Known verbs only, without their arguments: AUTH's arguments, and the lines a SASL exchange
                    // sends after it (a base64 user name, password or PLAIN response, RFC 4954 §4), are credentials.
                    state.commands += lines.compactMap { line in
                        line.split(separator: " ").first.map { $0.uppercased() }.flatMap {
                            Self.probeVerbs.contains($0) ? $0 : nil
                        }
                    }
                }
                return 0
            }
            // NOOP's reply is handed to the write callback: swallow it.
            try handle.set(CURLOPT_WRITEFUNCTION, callback: { _, size, count, _ in size * count })
            do {
                try withExtendedLifetime(state) { try handle.perform(context: "SMTP \(server)") }
            } catch let error as CurlError {
                probe.commands = state.commands
                probe.replies = state.replies
                (probe.failure, probe.fix) = explain(error, server: server, user: user, replies: state.replies)
                return probe
            }
        } catch {
            probe.failure = "\(server): \(error)"
            return probe
        }
        probe.commands = state.commands
        probe.replies = state.replies
        if username != nil, !state.commands.contains("AUTH") {
            probe.failure = "\(server) did not offer AUTH to \(user)\(Self.lastReply(state.replies))"
            probe.fix =
                "the server may allow AUTH only over TLS (smtp.starttls: required, or an smtps:// smtp.url), or needs no login (remove smtp.username)"
        }
        return probe
    }

    /// The SMTP commands a probe reports (RFC 5321 §4.1, RFC 3207, RFC 4954); any other line it sends is part of
    /// an AUTH exchange and never shown.
    static let probeVerbs: Set<String> = [
        "EHLO", "HELO", "STARTTLS", "AUTH", "NOOP", "QUIT", "RSET", "MAIL", "RCPT", "DATA", "VRFY", "HELP",
    ]

    private static func lastReply(_ replies: [String]) -> String {
        guard let last = replies.last(where: { $0.first?.isNumber == true }) else { return "" }
        return " (server said: \(last))"
    }

    private func explain(_ error: CurlError, server: String, user: String, replies: [String]) -> (String, String) {
        let said = Self.lastReply(replies)
        switch error.code {
        case Int(CURLE_COULDNT_CONNECT.rawValue), Int(CURLE_COULDNT_RESOLVE_HOST.rawValue),
            Int(CURLE_OPERATION_TIMEDOUT.rawValue):
            return (
                "cannot reach the SMTP server \(server): \(error.message)",
                "check smtp.url (host, and port: 587 for STARTTLS, 465 for smtps://) and that the server is up and reachable from here"
            )
        case Int(CURLE_USE_SSL_FAILED.rawValue):
            return (
                "\(server) does not offer STARTTLS, and smtp.starttls is required\(said)",
                "if the server speaks TLS from the start, use smtps://\(url.host ?? "host"):465 as smtp.url; smtp.starttls: off is allowed only for a test server on 127.0.0.1"
            )
        case Int(CURLE_LOGIN_DENIED.rawValue):
            return (
                "\(server) refused the login of \(user)\(said)",
                "check smtp.username and the password in the environment variable named by smtp.password_env"
            )
        case Int(CURLE_PEER_FAILED_VERIFICATION.rawValue), Int(CURLE_SSL_CACERT_BADFILE.rawValue),
            Int(CURLE_SSL_CONNECT_ERROR.rawValue):
            return (
                "TLS with \(server) failed: \(error.message)",
                "smtp.url must name the host its certificate is for; a private CA's certificate goes in smtp.ca_file"
            )
        default:
            return ("\(server) (\(user)): \(error.message) (curl error \(error.code))\(said)", "check the smtp section")
        }
    }
}

/// What the debug callback saw during a probe.
private final class ProbeState {
    var commands: [String] = []
    var replies: [String] = []
}
