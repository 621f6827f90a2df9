import Foundation

/// One failed recipient reported by a bounce.
public struct BounceNotice: Sendable, Equatable {
    /// The address the report names (`Final-Recipient`, or the address in a non-standard bounce).
    public var recipient: String?
    /// The RFC 3463 status, for example `5.1.1`; `5.0.0`/`4.0.0` when only an SMTP code or words were given.
    public var status: String
    /// The address is disabled at once (``BounceSeverity/hard``).
    public var permanent: Bool { severity == .hard }
    /// The remote server's words (`Diagnostic-Code`), if any.
    public var diagnostic: String?

    /// How the bounce counts against the address, from its RFC 3463 status and the server's words.
    ///
    /// - ``BounceSeverity/blocked``: subject 7, security or policy (RFC 3463 §3.8: `5.7.1` a blocklist or policy,
    ///   `5.7.26` unauthenticated mail) unless the words say the address does not exist (`User unknown`: hard),
    ///   or an unspecific `X.0.0` whose words blame the sender (`blocked using`,
    ///   `Spamhaus`, `SPF`, `DMARC`, `reputation`…). The receiving server refused *us*, not the address: one
    ///   listing or one DNS mistake would otherwise disable everyone at that provider.
    /// - ``BounceSeverity/hard``: any other 5.x.x except `5.2.2` (mailbox full, temporary in practice).
    /// - ``BounceSeverity/soft``: 4.x.x and `5.2.2`.
    public var severity: BounceSeverity {
        let codes = status.split(separator: ".")
        let subject = codes.count == 3 ? codes[1] : ""
        // Servers that answer every refusal with 5.7.1 still say when the address does not exist (Postfix's
        // "Recipient address rejected: User unknown"): that is a hard bounce (a re-trial kept mailing one).
        let addressGone = status.hasPrefix("5") && Self.blamesTheAddress(diagnostic ?? "")
        if (subject == "7" && !addressGone) || (subject == "0" && Self.blamesTheSender(diagnostic ?? "")) {
            return .blocked
        }
        if status.hasPrefix("5"), !(subject == "2" && codes[2] == "2") { return .hard }
        return .soft
    }

    private static let senderBlame = [
        "blocked using", "blocklist", "blacklist", "block list", "black list", "spamhaus", "spamcop", "barracuda",
        "rbl", "dnsbl", "reputation", "dmarc", "spf", "dkim", "not authenticated", "unauthenticated",
        "authentication", "policy", "spam",
    ]

    private static let addressGoneWords = [
        "user unknown", "unknown user", "no such user", "no such mailbox", "does not exist", "doesn't exist",
        // Not "mailbox unavailable": Microsoft says it of blocked senders too.
        "mailbox not found", "recipient not found", "invalid recipient", "unknown recipient",
        "address not found", "no mailbox", "用户不存在", "邮箱不存在", "地址不存在",
    ]

    static func blamesTheAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        return addressGoneWords.contains { lower.contains($0) }
    }

    static func blamesTheSender(_ text: String) -> Bool {
        let lower = text.lowercased()
        return senderBlame.contains { lower.contains($0) }
    }
}

/// How a bounce counts against the address it names (``BounceNotice/severity``).
public enum BounceSeverity: Sendable, Equatable {
    /// The address does not exist or refuses mail for good: it is disabled at once.
    case hard
    /// A temporary failure the relay gave up on (a full mailbox…): `soft_bounce_limit` digests in a row disable it.
    case soft
    /// The server refused the sender (blocklist, authentication, policy), not the address: recorded and reported,
    /// never held against the address.
    case blocked
}

/// What a message in the unsubscribe/bounce mailbox is.
public enum MailboxClassification: Sendable, Equatable {
    /// A bounce: the failed recipients and the Message-IDs of the returned message (candidates,
    /// in the order found; the ledger decides which one we sent).
    case bounce([BounceNotice], originalMessageIDs: [String])
    /// A delivery report without a failure (a delay warning, `delivered`, `relayed`): nothing to do.
    case reportWithoutFailure
    /// A `mailto:` unsubscribe request carrying a token.
    case unsubscribe(token: String)
    /// A complaint: an RFC 5965 feedback report (`Feedback-Type: abuse`, or none) saying a recipient marked the
    /// reported message as spam, with that message's Message-IDs (candidates, as for a bounce).
    case complaint(originalMessageIDs: [String])
    /// An automatic reply (RFC 3834 `Auto-Submitted`, vacation and out-of-office notices).
    case autoReply
    /// Nothing we recognise: left in the mailbox and reported.
    case unclassifiable(String)
}

/// Sorts incoming messages into bounces, complaints, unsubscribe requests and auto-replies.
///
/// Bounces: RFC 3464 delivery status notifications (`multipart/report;
/// report-type=delivery-status`, as Postfix, Gmail, Exchange and most servers send), and the
/// common plain-text forms (Exim's "Mail delivery failed", qmail's "failure notice", older Gmail
/// and Yahoo notices). A status of class 5 is a hard bounce, class 4 a soft one; `Action: delayed`
/// reports and delay warnings are not bounces. The returned message is identified by its
/// Message-ID, found in the attached original (`message/rfc822`, `text/rfc822-headers`), a quoted
/// copy in the text, or else the report's own `In-Reply-To`/`References`.
///
/// An unsubscribe request carries its token (`unsubscribe-LIST-TOKEN`) in the Subject, as our `mailto:` link
/// sets it; in the text only when the Subject asks to unsubscribe and the token stands on its own, outside any
/// quoted or attached copy of our headers. Every digest carries the token in its `List-Unsubscribe` field, so
/// a reply, receipt, challenge or complaint that quotes the headers must not unsubscribe anyone (a new-user
/// trial saw six such messages unsubscribe their readers).
public enum MailboxClassifier: Sendable {
    /// Classifies one raw message (RFC 5322 bytes).
    ///
    /// - Parameters:
    ///   - bytes: the whole message as fetched from the mailbox, headers and body.
    ///   - unsubscribePrefix: the token marker of our `mailto:` subjects, e.g. `unsubscribe-weekly-`
    ///     (any `unsubscribe-LIST-` is accepted; this one is tried first).
    /// - Returns: a bounce (its notices and the returned message's Message-IDs) or a report without a failure,
    ///   a complaint, an unsubscribe request with the token in its Subject, an auto-reply (or read receipt), an
    ///   unsubscribe request with the token in its text, or else `unclassifiable` with the reason (checked in
    ///   that order).
    public static func classify(_ bytes: [UInt8], unsubscribePrefix: String = "unsubscribe-") -> MailboxClassification {
        classify(InboundMessage(bytes), unsubscribePrefix: unsubscribePrefix)
    }

    static func classify(_ message: InboundMessage, unsubscribePrefix: String) -> MailboxClassification {
        let (type, parameters) = message.contentType
        let reportType = type == "multipart/report" ? parameters["report-type"]?.lowercased() : nil
        if type == "multipart/report",
            reportType == "delivery-status" || message.allParts.contains(where: { isStatusPart($0.contentType.type) })
        {
            return deliveryStatusNotification(message)
        }
        if reportType == "feedback-report" { return feedbackReport(message) }
        if reportType == "disposition-notification" { return .autoReply }  // a read receipt (RFC 8098)
        if looksLikeBounce(message) {
            return plainBounce(message)
        }
        let subject = decodedSubject(message)
        // Before the auto-reply check: a provider's unsubscribe button may mark its mail `Auto-Submitted`.
        if let token = token(in: subject, prefix: unsubscribePrefix) { return .unsubscribe(token: token) }
        if isAutoReply(message) { return .autoReply }
        if asksToUnsubscribe(subject), let token = token(in: standaloneText(message), prefix: unsubscribePrefix) {
            return .unsubscribe(token: token)
        }
        return .unclassifiable("not a bounce, auto-reply or unsubscribe request (\(identity(message)))")
    }

    /// From, Subject and Date of a message as a person reads them (encoded-words decoded), to find it in the mailbox.
    static func identity(_ message: InboundMessage) -> String {
        var parts = [
            "From: \(decodedHeader(message, "From") ?? "-")", "Subject: \(decodedHeader(message, "Subject") ?? "-")",
        ]
        if let date = message.header("Date") { parts.append("Date: \(date)") }
        return parts.joined(separator: ", ")
    }

    /// ``identity(_:)`` of raw message bytes.
    public static func identity(of bytes: [UInt8]) -> String {
        identity(InboundMessage(bytes))
    }

    // MARK: - RFC 5965

    private static func feedbackReport(_ message: InboundMessage) -> MailboxClassification {
        let fields = message.allParts.filter { $0.contentType.type == "message/feedback-report" }.flatMap {
            InboundMessage.fields(of: $0.decodedText)
        }
        let type = fields.first { $0.name.lowercased() == "feedback-type" }?.value.lowercased()
            .trimmingCharacters(in: .whitespaces)
        // `abuse` (spam) and `fraud` are complaints; `not-spam`, `auth-failure` (DMARC), `virus` and `other` are not.
        guard type == nil || type == "abuse" || type == "fraud" else { return .reportWithoutFailure }
        return .complaint(originalMessageIDs: originalMessageIDs(message))
    }

    private static func isStatusPart(_ type: String) -> Bool {
        type == "message/delivery-status" || type == "message/global-delivery-status"
            || type == "text/delivery-status"
    }

    // MARK: - RFC 3464

    private static func deliveryStatusNotification(_ message: InboundMessage) -> MailboxClassification {
        var notices: [BounceNotice] = []
        for part in message.allParts where isStatusPart(part.contentType.type) {
            let blocks = part.decodedText.replacingOccurrences(of: "\r\n", with: "\n")
                .components(separatedBy: "\n\n")
            for block in blocks.dropFirst() {  // the first block is per-message
                let fields = InboundMessage.fields(of: block)
                func field(_ name: String) -> String? {
                    fields.first { $0.name.lowercased() == name }?.value.trimmingCharacters(in: .whitespaces)
                }
                guard let action = field("action")?.lowercased() else { continue }
                guard action.hasPrefix("failed") else { continue }
                let recipient = (field("final-recipient") ?? field("original-recipient")).map(addressPart)
                let status = field("status").flatMap(enhancedStatus) ?? "5.0.0"
                notices.append(BounceNotice(recipient: recipient, status: status, diagnostic: field("diagnostic-code")))
            }
        }
        guard !notices.isEmpty else { return .reportWithoutFailure }
        return .bounce(notices, originalMessageIDs: originalMessageIDs(message))
    }

    /// `rfc822; a@example.com` → `a@example.com`.
    private static func addressPart(_ value: String) -> String {
        let address = value.split(separator: ";", maxSplits: 1).last.map(String.init) ?? value
        return address.trimmingCharacters(in: CharacterSet(charactersIn: " <>\t"))
    }

    private static let enhancedStatusPattern = try? NSRegularExpression(pattern: #"\b([45])\.(\d{1,3})\.(\d{1,3})\b"#)
    private static let smtpCodePattern = try? NSRegularExpression(pattern: #"(?<![\d.])([45])\d\d(?![\d.])"#)

    private static func enhancedStatus(_ text: String) -> String? {
        guard let pattern = enhancedStatusPattern,
            let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range, in: text)
        else { return nil }
        return String(text[range])
    }

    // MARK: - Non-standard bounces

    private static let bounceSubjects = [
        "undelivered mail", "mail delivery failed", "delivery status notification", "undeliverable",
        "returned mail", "failure notice", "delivery failure", "mail delivery subsystem", "delivery has failed",
        "could not be delivered", "退信", "无法投递", "投递失败",
    ]

    private static let delaySubjects = ["delayed", "delivery delay", "warning: message", "still being retried"]

    private static func looksLikeBounce(_ message: InboundMessage) -> Bool {
        let from = (decodedHeader(message, "From") ?? "").lowercased()
        let subject = decodedSubject(message).lowercased()
        let returnPath = message.header("Return-Path")?.replacingOccurrences(of: " ", with: "")
        let daemon = from.contains("mailer-daemon") || from.contains("postmaster") || returnPath == "<>"
        let bounceSubject = bounceSubjects.contains { subject.contains($0) }
        // A daemon's delay warning (Exim: "Warning: message … delayed 24 hours") goes the same way, so that it is
        // counted as a report without a failure rather than an auto-reply.
        let delaySubject = delaySubjects.contains { subject.contains($0) }
        return (daemon && (bounceSubject || delaySubject || subject.isEmpty))
            || (bounceSubject && from.contains("mail delivery"))
            || (daemon && message.text.lowercased().contains("could not be delivered"))
    }

    private static let delayPhrases = [
        "has been delayed", "delivery delayed", "not yet been delivered", "will retry", "will keep trying",
        "still trying", "warning: message", "delay",
    ]
    private static let permanentPhrases = [
        "permanent error", "failed permanently", "permanent failure", "does not exist", "no such user",
        "user unknown", "address not found", "unknown user", "mailbox unavailable",
    ]

    /// Lines that start the quoted copy of the returned message in plain-text bounces.
    private static let copyMarkers = [
        "------ this is a copy of the message", "----- original message -----", "--- below this line is a copy",
        "original message follows", "----- the header of the original message", "------ original message",
        "原邮件头", "原始邮件头",
    ]

    private static func plainBounce(_ message: InboundMessage) -> MailboxClassification {
        var text = message.text
        let lowered = text.lowercased()
        if let marker = copyMarkers.compactMap({ lowered.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            text = String(text.prefix(lowered.distance(from: lowered.startIndex, to: marker.lowerBound)))
        }
        let lower = text.lowercased()
        let subject = decodedSubject(message).lowercased()
        var status = enhancedStatus(text)
        if status == nil, let pattern = smtpCodePattern,
            let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        {
            status = "\(text[range]).0.0"
        }
        let permanentWords = permanentPhrases.contains { lower.contains($0) }
        let delayWords =
            delayPhrases.contains { subject.contains($0) } || lower.contains("this is a temporary error")
            || lower.contains("has been delayed") || lower.contains("not yet been delivered")
        if status == nil {
            if permanentWords {
                status = "5.0.0"
            } else if delayWords {
                return .reportWithoutFailure
            } else {
                status = "5.0.0"
            }
        } else if delayWords, status?.hasPrefix("4") == true, !lower.contains("gave up"),
            !lower.contains("giving up"), !lower.contains("permanent")
        {
            return .reportWithoutFailure
        }
        let recipient = failedRecipient(text)
        return .bounce(
            [BounceNotice(recipient: recipient, status: status ?? "5.0.0", diagnostic: diagnosticLine(text))],
            originalMessageIDs: originalMessageIDs(message))
    }

    private static let addressPattern = try? NSRegularExpression(
        pattern:
            #"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"#
    )

    /// The address after the usual phrases ("The following address(es) failed:", "Delivery to the
    /// following recipient failed permanently:", "wasn't delivered to", "<addr>:" of qmail).
    private static func failedRecipient(_ text: String) -> String? {
        let markers = [
            "following address(es) failed", "following recipient failed", "following recipients failed",
            "wasn't delivered to", "was not delivered to", "could not be delivered to", "following address",
            "following recipient", "收件人：", "收件人:", "<",
        ]
        let lower = text.lowercased()
        for marker in markers {
            guard let range = lower.range(of: marker) else { continue }
            let offset = lower.distance(from: lower.startIndex, to: range.upperBound)
            let tail = String(text.dropFirst(offset))
            if let pattern = addressPattern,
                let match = pattern.firstMatch(in: tail, range: NSRange(tail.startIndex..., in: tail)),
                let found = Range(match.range, in: tail)
            {
                return String(tail[found])
            }
        }
        return nil
    }

    private static func diagnosticLine(_ text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if enhancedStatus(trimmed) != nil
                || trimmed.range(of: #"^[45]\d\d[ -]"#, options: .regularExpression) != nil
            {
                return String(trimmed.prefix(300))
            }
        }
        return nil
    }

    /// Message-IDs of the returned message: from attached originals first, then quoted header lines.
    private static func originalMessageIDs(_ message: InboundMessage) -> [String] {
        var result: [String] = []
        let own = message.header("Message-ID")
        func add(_ id: String?) {
            guard let id, let normalized = normalizedID(id), normalized != own.flatMap(normalizedID),
                !result.contains(normalized)
            else { return }
            result.append(normalized)
        }
        for part in message.allParts.dropFirst() {
            let type = part.contentType.type
            if type == "text/rfc822-headers" {
                add(InboundMessage.fields(of: part.decodedText).first { $0.name.lowercased() == "message-id" }?.value)
            } else if part.header("Message-ID") != nil, part.header("From") != nil {
                add(part.header("Message-ID"))  // the nested message of a message/rfc822 part
            }
        }
        // Quoted copies ("------ This is a copy of the message, including all the headers. ------").
        let text = message.allParts.filter { $0.parts.isEmpty }.map(\.decodedText).joined(separator: "\n")
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("message-id:") {
                add(String(trimmed.dropFirst("message-id:".count)))
            }
        }
        // Last: the report's own references to the message it is about (Gmail's DSNs without a headers part
        // carry it only there).
        for name in ["X-Original-Message-ID", "In-Reply-To", "References"] {
            for field in message.headers where field.name.lowercased() == name.lowercased() {
                for piece in field.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
                    if piece.hasPrefix("<"), piece.hasSuffix(">") { add(String(piece)) }
                }
            }
        }
        return result
    }

    private static func normalizedID(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "<"), let close = trimmed[open...].firstIndex(of: ">") else {
            return trimmed.contains("@") && !trimmed.contains(" ") ? "<\(trimmed)>" : nil
        }
        return String(trimmed[open...close])
    }

    // MARK: - Auto-replies and unsubscribe requests

    private static let autoReplySubjects = [
        "auto:", "automatic reply", "autoreply", "auto-reply", "auto reply", "out of office", "out of the office",
        "vacation", "away from", "自动回复", "自动答复", "休假", "不在办公室", "automatische antwort",
        "abwesenheitsnotiz", "réponse automatique", "reponse automatique", "respuesta automática",
        "risposta automatica", "automatisch antwoord",
    ]

    private static func isAutoReply(_ message: InboundMessage) -> Bool {
        if let submitted = message.header("Auto-Submitted")?.lowercased(), !submitted.hasPrefix("no") { return true }
        if message.header("X-Autoreply") != nil || message.header("X-Autorespond") != nil
            || message.header("X-Autoresponder") != nil
        {
            return true
        }
        if let precedence = message.header("Precedence")?.lowercased(), precedence.contains("auto_reply") {
            return true
        }
        let subject = decodedSubject(message).lowercased()
        return autoReplySubjects.contains { subject.hasPrefix($0) || subject.contains(" " + $0) }
    }

    private static let tokenPattern = try? NSRegularExpression(
        pattern: #"unsubscribe-([A-Za-z0-9._]+)-([A-Za-z0-9_]{6,128})(?![A-Za-z0-9_-])"#, options: [.caseInsensitive])

    /// The token of the first `unsubscribe-LIST-TOKEN` in `text` that stands on its own (not the `subject=` of a
    /// quoted `mailto:` URL), preferring our list's `prefix`.
    private static func token(in text: String, prefix: String) -> String? {
        guard let pattern = tokenPattern else { return nil }
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).filter { match in
            guard let whole = Range(match.range, in: text) else { return false }
            let before = text[..<whole.lowerBound].suffix(1)
            return before != "=" && before != "?" && before != "&"
        }
        let preferred =
            matches.first { match in
                guard let whole = Range(match.range, in: text) else { return false }
                return text[whole].lowercased().hasPrefix(prefix.lowercased())
            } ?? matches.first
        guard let match = preferred, let token = Range(match.range(at: 2), in: text) else { return nil }
        return String(text[token])
    }

    private static let unsubscribeWords = ["unsubscribe", "退订", "取消订阅", "退阅", "abbestellen", "désabonner"]

    /// Whether a Subject asks to leave the list (`Unsubscribe`, `退订`, …).
    private static func asksToUnsubscribe(_ subject: String) -> Bool {
        let lower = subject.lowercased()
        return unsubscribeWords.contains { lower.contains($0) }
    }

    /// The message's own text: its `text/plain` and `text/html` parts, without attached messages or headers
    /// (`message/rfc822`, `text/rfc822-headers`) and without quoted header blocks.
    private static func standaloneText(_ message: InboundMessage) -> String {
        func own(_ part: InboundMessage) -> [String] {
            let type = part.contentType.type
            if type == "message/rfc822" || type == "message/global" || type == "text/rfc822-headers" { return [] }
            if !part.parts.isEmpty { return part.parts.flatMap(own) }
            return type == "text/plain" || type == "text/html" ? [part.decodedText] : []
        }
        return own(message).joined(separator: "\n").split(whereSeparator: \.isNewline).filter { line in
            // A pasted header block quotes `List-Unsubscribe: <…>, <mailto:…?subject=unsubscribe-…>`.
            !line.lowercased().contains("list-unsubscribe") && !line.contains("mailto:")
        }.joined(separator: "\n")
    }

    /// The Subject with RFC 2047 encoded-words (UTF-8, GB2312/GBK/GB18030; B and Q) decoded.
    static func decodedSubject(_ message: InboundMessage) -> String {
        decodedHeader(message, "Subject") ?? ""
    }

    /// A header's value with its RFC 2047 encoded-words decoded, as ``decodedSubject(_:)``; `nil` when absent.
    static func decodedHeader(_ message: InboundMessage, _ name: String) -> String? {
        guard let value = message.header(name) else { return nil }
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        while let start = rest.range(of: "=?") {
            result += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            let pieces = after.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("=") else {
                result += "=?"
                rest = after
                continue
            }
            let charset = pieces[0].lowercased()
            let encoding = pieces[1].lowercased()
            let payload = String(pieces[2])
            var bytes: [UInt8] = []
            if encoding == "b" {
                bytes = Data(base64Encoded: payload, options: .ignoreUnknownCharacters).map { Array($0) } ?? []
            } else {
                bytes = InboundMessage.decodeTransfer(
                    Array(payload.replacingOccurrences(of: "_", with: " ").utf8),
                    headers: [("Content-Transfer-Encoding", "quoted-printable")])
            }
            let decoded =
                charset.contains("utf")
                ? String(decoding: bytes, as: UTF8.self)
                : CharsetDecoder.decode(bytes, contentType: "text/plain; charset=\(charset)").text
            result += decoded
            rest = pieces[3].dropFirst()
            if rest.hasPrefix(" =?") || rest.hasPrefix("\t=?") { rest = rest.drop { $0 == " " || $0 == "\t" } }
        }
        return result + rest
    }
}
