import Foundation

/// One failed recipient reported by a bounce.
public struct BounceNotice: Sendable, Equatable {
    /// The address the report names (`Final-Recipient`, or the address in a non-standard bounce).
    public var recipient: String?
    /// The RFC 3463 status, for example `5.1.1`; `5.0.0`/`4.0.0` when only an SMTP code or words were given.
    public var status: String
    /// A 5.x.x status: the address is disabled at once (hard bounce).
    public var permanent: Bool { status.hasPrefix("5") }
    /// The remote server's words (`Diagnostic-Code`), if any.
    public var diagnostic: String?
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
    /// An automatic reply (RFC 3834 `Auto-Submitted`, vacation and out-of-office notices).
    case autoReply
    /// Nothing we recognise: left in the mailbox and reported.
    case unclassifiable(String)
}

/// Sorts incoming messages into bounces, unsubscribe requests and auto-replies.
///
/// Bounces: RFC 3464 delivery status notifications (`multipart/report;
/// report-type=delivery-status`, as Postfix, Gmail, Exchange and most servers send), and the
/// common plain-text forms (Exim's "Mail delivery failed", qmail's "failure notice", older Gmail
/// and Yahoo notices). A status of class 5 is a hard bounce, class 4 a soft one; `Action: delayed`
/// reports and delay warnings are not bounces. The returned message is identified by its
/// Message-ID, found in the attached original (`message/rfc822`, `text/rfc822-headers`) or a quoted
/// copy in the text.
public enum MailboxClassifier: Sendable {
    /// Classifies one raw message (RFC 5322 bytes).
    ///
    /// - Parameters:
    ///   - bytes: the whole message as fetched from the mailbox, headers and body.
    ///   - unsubscribePrefix: the token marker of our `mailto:` subjects, e.g. `unsubscribe-weekly-`
    ///     (any `unsubscribe-LIST-` is accepted; this one is tried first).
    /// - Returns: a bounce (its notices and the returned message's Message-IDs) or a report without a failure,
    ///   an auto-reply, an unsubscribe request with its token, or else `unclassifiable` with the reason
    ///   (checked in that order).
    public static func classify(_ bytes: [UInt8], unsubscribePrefix: String = "unsubscribe-") -> MailboxClassification {
        classify(InboundMessage(bytes), unsubscribePrefix: unsubscribePrefix)
    }

    static func classify(_ message: InboundMessage, unsubscribePrefix: String) -> MailboxClassification {
        let (type, parameters) = message.contentType
        if type == "multipart/report",
            parameters["report-type"]?.lowercased() == "delivery-status"
                || message.allParts.contains(where: { isStatusPart($0.contentType.type) })
        {
            return deliveryStatusNotification(message)
        }
        if looksLikeBounce(message) {
            return plainBounce(message)
        }
        if isAutoReply(message) { return .autoReply }
        if let token = unsubscribeToken(message, prefix: unsubscribePrefix) { return .unsubscribe(token: token) }
        return .unclassifiable(
            "not a bounce, auto-reply or unsubscribe request (From: \(decodedHeader(message, "From") ?? "-"), Subject: \(decodedHeader(message, "Subject") ?? "-"))"
        )
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
                let fields = InboundMessage(Array((block.trimmingCharacters(in: .newlines) + "\n\n").utf8)).headers
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

    private static func looksLikeBounce(_ message: InboundMessage) -> Bool {
        let from = (message.header("From") ?? "").lowercased()
        let subject = (message.header("Subject") ?? "").lowercased()
        let returnPath = message.header("Return-Path")?.replacingOccurrences(of: " ", with: "")
        let daemon = from.contains("mailer-daemon") || from.contains("postmaster") || returnPath == "<>"
        let bounceSubject = bounceSubjects.contains { subject.contains($0) }
        return (daemon && (bounceSubject || subject.isEmpty)) || (bounceSubject && from.contains("mail delivery"))
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
    ]

    private static func plainBounce(_ message: InboundMessage) -> MailboxClassification {
        var text = message.text
        let lowered = text.lowercased()
        if let marker = copyMarkers.compactMap({ lowered.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            text = String(text.prefix(lowered.distance(from: lowered.startIndex, to: marker.lowerBound)))
        }
        let lower = text.lowercased()
        let subject = (message.header("Subject") ?? "").lowercased()
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
            "following recipient", "<",
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
                add(InboundMessage(Array((part.decodedText + "\n\n").utf8)).header("Message-ID"))
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
        "vacation", "away from", "自动回复", "休假", "不在办公室",
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

    /// The token in `unsubscribe-LIST-TOKEN` (our `mailto:` subject), from the subject, else the text.
    private static func unsubscribeToken(_ message: InboundMessage, prefix: String) -> String? {
        for text in [decodedSubject(message), message.header("To") ?? "", message.text] {
            guard let pattern = tokenPattern else { return nil }
            let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
            let preferred =
                matches.first { match in
                    guard let whole = Range(match.range, in: text) else { return false }
                    return text[whole].lowercased().hasPrefix(prefix.lowercased())
                } ?? matches.first
            if let match = preferred, let token = Range(match.range(at: 2), in: text) {
                return String(text[token])
            }
        }
        return nil
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
