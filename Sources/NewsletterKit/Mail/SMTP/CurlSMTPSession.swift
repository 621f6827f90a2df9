import CCurl
import Foundation

/// One session of ``CurlSMTPTransport``: a connection set up by libcurl and reused for many messages, each
/// sent in its own mail transaction.
///
/// libcurl connects with `CURLOPT_CONNECT_ONLY`: greeting, EHLO, STARTTLS and AUTH are libcurl's (so its TLS
/// and login policies hold, case 25), and the server's EHLO reply is read through its debug callback. The
/// transaction itself — `MAIL FROM`, `RCPT TO`, `DATA`, the dot-stuffed message and its end — is written here,
/// because libcurl 7.88 sends those commands in lock-step. When the server offers `PIPELINING` (RFC 2920) the
/// three commands go out in one write and their replies are read in order; otherwise one command at a time. With
/// `PIPELINING`, the envelope of the next message, when the caller announces it, goes out in the same write as this
/// message's data and end (RFC 2920 §3.1: message content may start a group): one round trip per message.
///
/// How replies become outcomes (``SMTPOutcome``):
/// - `MAIL`, `RCPT` or `DATA` refused: the first refusal decides (4xx temporary, 5xx permanent). With
///   pipelining, a refused `RCPT` makes the server refuse `DATA` too (503/554): no message is sent; should a
///   server answer 354 anyway, only the terminator follows, so an empty message goes to no accepted recipient.
///   `RSET` then brings the session back to a clean state (RFC 5321 §4.1.1.5).
/// - The reply to the end of the data: 2xx accepted, 4xx temporary, 5xx permanent; none (timeout, closed
///   connection, garbage) is ``SMTPOutcome/uncertain(reply:)`` and the connection is dropped, never reused
///   out of step.
/// - No reply to `MAIL`, `RCPT` or `DATA` within the reply timeout: the server stopped answering, which every
///   other recipient would wait out too: ``SMTPOutcome/fatal(reply:)``.
/// - A connection that closes before any reply to a transaction on a connection reused from an earlier message
///   is reopened once and the transaction sent again (nothing was delivered). `421` closes the connection.
final class CurlSMTPSession: MailSession {
    private let settings: CurlSMTPTransport
    private var connection: SMTPConnection?
    private var senderCache: (given: String, address: MailAddress)?

    init(settings: CurlSMTPTransport) throws {
        self.settings = settings
        // A handle now, so that a libcurl that cannot start fails here rather than at the first message.
        _ = try CurlEasyHandle()
    }

    deinit {
        // A connection in step says goodbye (RFC 5321 §4.1.1.10); its reply is waited for briefly. One with an
        // announced transaction (DATA may have been answered 354) is closed as it is: the server discards that
        // unfinished transaction.
        guard let connection, connection.announced == nil else { return }
        let deadline = ContinuousClock.now + .seconds(min(2, settings.timeoutSeconds))
        try? connection.write(Array("QUIT\r\n".utf8), deadline: deadline)
        _ = try? connection.readReply(deadline: deadline)
    }

    /// Whether the libcurl in use declares SMTPUTF8 in MAIL FROM (7.69.0 and later).
    ///
    /// The transaction is ours now, but the rule stays: a libcurl that old is treated as a client without
    /// SMTPUTF8.
    static let libcurlSpeaksSMTPUTF8 = curl_version_info(CURLVERSION_FIRST).pointee.version_num >= 0x07_45_00

    /// The server's EHLO keywords on the current connection; `nil` while there is none.
    var extensions: Set<String>? { connection?.extensions }

    /// Refuses an envelope address that could inject SMTP commands (CR, LF, NUL) or break out
    /// of its angle brackets.
    static func envelopeProblem(_ address: String) -> String? {
        let bad = address.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 || $0 == 0x3C || $0 == 0x3E }
        return bad ? "refusing to send: envelope address \(address.debugDescription) contains CR, LF, NUL, < or >" : nil
    }

    func send<Failure: Error>(
        envelopeSender: String, recipient: String, message: [UInt8], commitPoint point: CommitPoint,
        beforeEndOfData: () throws(Failure) -> Void, announceNext: () -> NextMessage?, whileAwaitingReply: () -> Void
    ) throws(Failure) -> SMTPOutcome {
        var pending = true
        // At most once; `send` calls it last in case no earlier step did.
        func commitPoint() throws(Failure) {
            guard pending else { return }
            pending = false
            do {
                try beforeEndOfData()
            } catch {
                // This message must not go out: its transaction is left unfinished and the connection closed,
                // so the server discards it.
                connection = nil
                throw error
            }
        }
        let outcome = try attempt(
            envelopeSender: envelopeSender, recipient: recipient, message: message,
            commitPoint: commitPoint, at: point, announceNext: announceNext, awaitingReply: whileAwaitingReply)
        try commitPoint()
        return outcome
    }

    /// The steps of
    /// ``send(envelopeSender:recipient:message:commitPoint:beforeEndOfData:announceNext:whileAwaitingReply:)``.
    ///
    /// `commitPoint` is called where a transaction reaches `point`
    /// (``transaction(on:envelope:message:reused:announced:commitPoint:at:announceNext:awaitingReply:)``).
    private func attempt<Failure: Error>(
        envelopeSender: String, recipient: String, message: [UInt8], commitPoint: () throws(Failure) -> Void,
        at point: CommitPoint, announceNext: () -> NextMessage?, awaitingReply: () -> Void
    ) throws(Failure) -> SMTPOutcome {
        // A transaction announced behind the last message is this one, or the connection goes (its server discards
        // the unfinished transaction): it is never left for a later call to misread.
        let announced =
            connection?.announced
            == SMTPConnection.Announcement(
                message: NextMessage(recipient: recipient, size: message.count), envelopeSender: envelopeSender)
        if connection?.announced != nil, !announced { connection = nil }
        connection?.announced = nil
        var entered = false
        defer { if announced, !entered { connection = nil } }
        if let problem = Self.envelopeProblem(envelopeSender) ?? Self.envelopeProblem(recipient) {
            return .fatal(reply: problem)
        }
        // Envelope addresses as they go on the wire: domains as A-labels computed here (case 38).
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
        var reused = true
        // A connection with replies waiting for an announced transaction is not idle, and need not be.
        if !announced, let open = connection, !open.isIdleAndOpen { connection = nil }
        if connection == nil {
            reused = false
            if let failure = connect() { return failure }
        }
        guard var current = connection else { return .fatal(reply: "no SMTP connection") }
        let envelope: Envelope
        switch self.envelope(sender: sender, senderGiven: envelopeSender, recipient: mailbox, on: current) {
        case .success(let made): envelope = made
        case .failure(let refusal): return refusal.outcome
        }
        entered = true
        switch try transaction(
            on: current, envelope: envelope, message: message, reused: reused, announced: announced,
            commitPoint: commitPoint, at: point, announceNext: announceNext, awaitingReply: awaitingReply)
        {
        case .done(let outcome, let keep):
            if !keep { connection = nil }
            return outcome
        case .reconnect:
            // The reused connection had been closed before this transaction got any reply: nothing was
            // delivered, so one new connection and one more try.
            connection = nil
            if let failure = connect() { return failure }
            guard let fresh = connection else { return .fatal(reply: "no SMTP connection") }
            current = fresh
            switch try transaction(
                on: current, envelope: envelope, message: message, reused: false, announced: false,
                commitPoint: commitPoint, at: point, announceNext: announceNext, awaitingReply: awaitingReply)
            {
            case .done(let outcome, let keep):
                if !keep { connection = nil }
                return outcome
            case .reconnect:
                connection = nil
                return .temporaryFailure(code: nil, reply: "the SMTP connection closed before any reply")
            }
        }
    }

    // MARK: - The transaction

    private struct Envelope {
        var sender: MailAddress
        /// The envelope sender as the caller gave it.
        var senderGiven: String
        var recipient: String
        var smtpUTF8: Bool

        /// `MAIL FROM` (with `SIZE` where offered, RFC 1870, and `SMTPUTF8` where needed), `RCPT TO`, `DATA`.
        func commands(size: Int, on connection: SMTPConnection) -> [String] {
            var mail = "MAIL FROM:<\(sender.email)>"
            if connection.offers("SIZE") { mail += " SIZE=\(size)" }
            if smtpUTF8 { mail += " SMTPUTF8" }
            return [mail, "RCPT TO:<\(recipient)>", "DATA"]
        }
    }

    /// An envelope that cannot go to this server, as the outcome for its message.
    private struct EnvelopeRefusal: Error {
        var outcome: SMTPOutcome
    }

    /// The envelope as it goes on the wire; a refusal when it needs SMTPUTF8 (RFC 6531: only for a UTF-8 local
    /// part) and the server (or libcurl) does not offer it: without it, no byte ≥ 0x80 is sent.
    private func envelope(
        sender: MailAddress, senderGiven: String, recipient: MailAddress, on connection: SMTPConnection
    ) -> Result<
        Envelope, EnvelopeRefusal
    > {
        let needsSMTPUTF8 = recipient.requiresSMTPUTF8 || sender.requiresSMTPUTF8
        if needsSMTPUTF8, !(Self.libcurlSpeaksSMTPUTF8 && connection.offers("SMTPUTF8")) {
            let who = sender.requiresSMTPUTF8 ? "the envelope sender \(sender.email)" : recipient.email
            return .failure(
                EnvelopeRefusal(
                    outcome: .permanentFailure(
                        code: 0,
                        reply:
                            "not sent: \(who) has a non-ASCII local part, which needs SMTPUTF8 (RFC 6531), and \(settings.url.host ?? "the server") does not offer SMTPUTF8"
                    )))
        }
        return .success(
            Envelope(sender: sender, senderGiven: senderGiven, recipient: recipient.email, smtpUTF8: needsSMTPUTF8))
    }

    /// The envelope commands of the announced next message (same envelope sender), to follow this message's end of
    /// data; `nil` when that message cannot be announced here (an address that is refused or needs what the server
    /// lacks), which its own transaction then reports.
    private func announcement(of next: NextMessage, sender: Envelope, on connection: SMTPConnection) -> [UInt8]? {
        guard Self.envelopeProblem(next.recipient) == nil, let mailbox = try? MailAddress(email: next.recipient),
            case .success(let envelope) = envelope(
                sender: sender.sender, senderGiven: sender.senderGiven, recipient: mailbox, on: connection)
        else { return nil }
        return Array(envelope.commands(size: next.size, on: connection).joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
    }

    private enum TransactionResult {
        /// The outcome, and whether the connection is in step for the next transaction.
        case done(SMTPOutcome, keep: Bool)
        /// A reused connection turned out closed before any reply: try once more on a new one.
        case reconnect
    }

    private var server: String { settings.url.host ?? "the SMTP server" }

    /// One mail transaction.
    ///
    /// `commitPoint` is called at `point`: once the first command is written (with pipelining, the whole envelope),
    /// or once the envelope is answered; in any case before the data. It may have been called by an earlier
    /// transaction of the same `send`, and is then a no-op. When `announced`, the envelope was written behind the
    /// previous message's end of data and only its replies are read here. `announceNext` is called once the
    /// envelope is accepted, just before the data (with pipelining only); `awaitingReply` once the end of the data is
    /// written, before its reply is read.
    private func transaction<Failure: Error>(
        on connection: SMTPConnection, envelope: Envelope, message: [UInt8], reused: Bool, announced: Bool,
        commitPoint: () throws(Failure) -> Void, at point: CommitPoint, announceNext: () -> NextMessage?,
        awaitingReply: () -> Void
    ) throws(Failure) -> TransactionResult {
        let clock = ContinuousClock()
        var transactionDeadline = clock.now + .seconds(settings.transactionTimeoutSeconds)
        func replyDeadline() -> ContinuousClock.Instant {
            min(clock.now + .seconds(settings.timeoutSeconds), transactionDeadline)
        }
        let commands = envelope.commands(size: message.count, on: connection)
        var replies: [SMTPReply] = []
        var sent = 0
        let pipelining = connection.offers("PIPELINING")
        do {
            if announced {
                sent = commands.count
            } else if pipelining {
                // RFC 2920 §3.1: MAIL, RCPT and DATA in one group; DATA ends it.
                try connection.write(
                    Array(commands.joined(separator: "\r\n").utf8) + [0x0D, 0x0A], deadline: replyDeadline())
                sent = commands.count
            } else {
                try connection.write(Array(commands[0].utf8) + [0x0D, 0x0A], deadline: replyDeadline())
                sent = 1
            }
        } catch {
            if reused, error.isConnectionGone { return .reconnect }
            return .done(commandFailure(error, after: commands[0]), keep: false)
        }
        if point == .whileEnvelopeIsAnswered {
            try commitPoint()
            transactionDeadline = clock.now + .seconds(settings.transactionTimeoutSeconds)
        }
        do {
            if pipelining || announced {
                while replies.count < commands.count {
                    replies.append(try connection.readReply(deadline: replyDeadline()))
                }
            } else {
                for (index, command) in commands.enumerated() {
                    if index > 0 {
                        try connection.write(Array(command.utf8) + [0x0D, 0x0A], deadline: replyDeadline())
                        sent += 1
                    }
                    let reply = try connection.readReply(deadline: replyDeadline())
                    replies.append(reply)
                    let expected = command == "DATA" ? 354 : nil
                    if expected.map({ reply.code != $0 }) ?? !reply.isPositiveCompletion { break }
                }
            }
        } catch {
            if reused, replies.isEmpty, error.isConnectionGone { return .reconnect }
            return .done(commandFailure(error, after: commands[min(replies.count, sent - 1)]), keep: false)
        }
        if point == .onceEnvelopeIsAnswered {
            try commitPoint()
            transactionDeadline = clock.now + .seconds(settings.transactionTimeoutSeconds)
        }
        // The first refusal decides (RFC 2920 §3.2: every reply of the group is checked).
        if let refusal = replies.first(where: { $0.code != 354 && !$0.isPositiveCompletion }) {
            var keep = refusal.code != 421 && !replies.contains { $0.code == 421 }
            if keep, replies.last?.code == 354 {
                // DATA accepted although nothing else was: end the (empty) data at once, ignore its reply.
                do {
                    try connection.write(Array(".\r\n".utf8), deadline: replyDeadline())
                    _ = try connection.readReply(deadline: replyDeadline())
                } catch {
                    keep = false
                }
            }
            if keep { keep = reset(connection, deadline: replyDeadline()) }
            return .done(Self.outcome(refusal), keep: keep)
        }
        guard replies.count == 3, replies[2].code == 354 else {
            let odd = replies.last?.lastLine ?? "no reply"
            return .done(.temporaryFailure(code: nil, reply: "unexpected reply to DATA: \(odd)"), keep: false)
        }
        // The message, and behind its end the next message's envelope when one is announced (RFC 2920 §3.1). From
        // here on a missing reply means "maybe delivered".
        var data = DotStuffing.encode(message)
        var next: SMTPConnection.Announcement?
        if pipelining, let following = announceNext(),
            let commands = announcement(of: following, sender: envelope, on: connection)
        {
            data.append(contentsOf: commands)
            next = SMTPConnection.Announcement(message: following, envelopeSender: envelope.senderGiven)
        }
        do {
            try connection.write(data, deadline: transactionDeadline)
            connection.announced = next
        } catch {
            return .done(
                .uncertain(
                    reply:
                        "sending the message to \(server) failed part-way (\(error.text)); the message may have been delivered"
                ), keep: false)
        }
        awaitingReply()
        let final: SMTPReply
        do {
            final = try connection.readReply(deadline: replyDeadline())
        } catch {
            // A connection that closed or broke did so at once: no time limit ran out.
            let what =
                error.isConnectionGone
                ? "no reply to the end of DATA (\(error.text))"
                : "no reply to the end of DATA within \(settings.timeoutSeconds) s (\(error.text))"
            return .done(.uncertain(reply: "\(what); the message may have been delivered"), keep: false)
        }
        connection.transactions += 1
        if final.isPositiveCompletion { return .done(.accepted(reply: final.lastLine), keep: true) }
        // The reply to the end of data ends the transaction whatever its code (RFC 5321 §4.1.1.4): an announced
        // envelope behind it starts the next one, which RSET would abort.
        let keep =
            final.code != 421 && final.code >= 400
            && (connection.announced != nil || reset(connection, deadline: replyDeadline()))
        return .done(Self.outcome(final), keep: keep)
    }

    /// `RSET` after a refused transaction; `false` when the connection is not usable afterwards.
    private func reset(_ connection: SMTPConnection, deadline: ContinuousClock.Instant) -> Bool {
        do {
            try connection.write(Array("RSET\r\n".utf8), deadline: deadline)
            return try connection.readReply(deadline: deadline).isPositiveCompletion
        } catch {
            return false
        }
    }

    /// A refusal as an outcome: 4xx temporary, 5xx permanent (RFC 5321 §4.2.1); anything else is not a
    /// refusal the protocol knows, so it counts as temporary.
    private static func outcome(_ reply: SMTPReply) -> SMTPOutcome {
        switch reply.code {
        case 500..<600: .permanentFailure(code: reply.code, reply: reply.lastLine)
        case 400..<500: .temporaryFailure(code: reply.code, reply: reply.lastLine)
        default: .temporaryFailure(code: nil, reply: "unexpected reply: \(reply.lastLine)")
        }
    }

    /// No usable reply to `MAIL`, `RCPT` or `DATA`: nothing was delivered.
    private func commandFailure(_ failure: SMTPConnection.Failure, after command: String) -> SMTPOutcome {
        let verb = command.split(separator: " ").first.map(String.init) ?? command
        switch failure {
        case .timedOut:
            return .fatal(
                reply:
                    "the SMTP server \(server) stopped answering (no reply to \(verb) within \(settings.timeoutSeconds) s)"
            )
        case .closed, .broken, .malformed:
            return .temporaryFailure(code: nil, reply: "\(verb) to \(server): \(failure.text)")
        }
    }

    // MARK: - Connecting

    /// Opens a connection (libcurl: connect, greeting, EHLO, STARTTLS, AUTH); `nil` on success, else the outcome
    /// that the failure means for the message at hand.
    private func connect() -> SMTPOutcome? {
        let state = ConnectState()
        var opened: CurlEasyHandle?
        do {
            let handle = try CurlEasyHandle()
            opened = handle
            try configure(handle)
            let pointer = Unmanaged.passUnretained(state).toOpaque()
            try handle.set(CURLOPT_DEBUGDATA, pointer: pointer)
            defer {
                try? handle.set(CURLOPT_VERBOSE, 0)
                try? handle.set(CURLOPT_DEBUGDATA, pointer: nil)
            }
            try withExtendedLifetime(state) {
                try handle.perform(context: "SMTP to \(server)")
            }
        } catch let error as CurlError {
            let code = opened?.responseCode ?? 0
            return classifyConnectFailure(error, code: code > 0 ? code : state.lastCode, replies: state.replies)
        } catch {
            return .fatal(reply: "\(error)")
        }
        guard let handle = opened else { return .fatal(reply: "no libcurl handle") }
        do {
            connection = try SMTPConnection(handle: handle, extensions: Self.extensions(in: state.replies))
        } catch {
            return .temporaryFailure(code: nil, reply: "\(server): \(error.text)")
        }
        return nil
    }

    private func configure(_ handle: CurlEasyHandle) throws {
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
        try handle.set(CURLOPT_CONNECT_ONLY, 1)
        // Separate limits: the TCP (and TLS) connect, each reply of the set-up (greeting included), and the
        // whole set-up.
        try handle.set(CURLOPT_CONNECTTIMEOUT, min(30, settings.timeoutSeconds))
        try handle.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, settings.timeoutSeconds)
        try handle.set(CURLOPT_TIMEOUT, settings.transactionTimeoutSeconds)
        // The server's replies during the set-up (the EHLO list above all) reach us through the debug callback.
        try handle.set(CURLOPT_VERBOSE, 1)
        _ = newsletter_curl_setopt_debug_callback(handle.raw) { _, type, data, size, userdata in
            guard type == CURLINFO_HEADER_IN, let data, let userdata else { return 0 }
            let state = Unmanaged<ConnectState>.fromOpaque(userdata).takeUnretainedValue()
            let text = data.withMemoryRebound(to: UInt8.self, capacity: size) {
                String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
            }
            state.replies.append(contentsOf: text.split(whereSeparator: \.isNewline).map(String.init))
            return 0
        }
    }

    /// The EHLO keywords (upper-case) of the last EHLO reply among the set-up's reply lines: the one after the
    /// greeting, or after STARTTLS's `220` when TLS was started.
    static func extensions(in replies: [String]) -> Set<String> {
        var found: Set<String> = []
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
            if line.hasPrefix("250 "), let complete = collecting {
                found = complete
                collecting = nil
            }
        }
        return found
    }

    /// A failed set-up as an outcome.
    ///
    /// TLS, certificate and login failures and an unreachable or stalled server
    /// are fatal (the run stops, deliveries stay pending: a retry or another recipient cannot fix them); a 4xx
    /// or 5xx greeting is temporary or permanent by its code; anything else is temporary.
    private func classifyConnectFailure(_ error: CurlError, code: Int, replies: [String]) -> SMTPOutcome {
        let reply =
            replies.last(where: { code > 0 && $0.hasPrefix(String(code)) })
            ?? replies.last(where: { $0.first?.isNumber == true }) ?? error.message
        let fatalCodes: [CURLcode] = [
            CURLE_USE_SSL_FAILED, CURLE_LOGIN_DENIED, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_SSL_CONNECT_ERROR,
        ]
        if fatalCodes.map({ Int($0.rawValue) }).contains(error.code) {
            return .fatal(reply: "\(error.message) (curl error \(error.code))")
        }
        let unreachable: [CURLcode] = [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT]
        if error.code == Int(CURLE_OPERATION_TIMEDOUT.rawValue), code > 0 || !replies.isEmpty {
            // It answered once (the greeting), then stalled: every recipient would wait the same way.
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
        case 500..<600: return .permanentFailure(code: code, reply: reply)
        case 400..<500: return .temporaryFailure(code: code, reply: reply)
        default: return .temporaryFailure(code: nil, reply: "\(error.message) (curl error \(error.code))")
        }
    }
}

@available(*, unavailable)
extension CurlSMTPSession: Sendable {}

extension SMTPConnection.Failure {
    /// The connection is gone (closed or broken), as opposed to slow or garbled.
    fileprivate var isConnectionGone: Bool {
        switch self {
        case .closed, .broken: true
        case .timedOut, .malformed: false
        }
    }
}

/// What the debug callback saw while libcurl set the connection up.
private final class ConnectState {
    var replies: [String] = []

    /// The code of the last reply line, 0 when none arrived.
    var lastCode: Int {
        guard let line = replies.last(where: { $0.first?.isNumber == true }), let code = Int(line.prefix(3)) else {
            return 0
        }
        return code
    }
}
