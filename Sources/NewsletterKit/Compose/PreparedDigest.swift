import Foundation

/// A digest's message rendered and MIME-encoded once, personalised per recipient by splicing: the header
/// fields To, Message-ID and List-Unsubscribe are written for each recipient, and in both bodies only the
/// lines that carry the subscriber's name or unsubscribe link are wrapped and encoded again
/// (``PersonalizedBody``).
///
/// No template is rendered per recipient.
///
/// Every message equals ``MessageComposer/compose(_:for:messageID:date:)`` byte for byte. Where the fast path
/// cannot promise that — a recipient whose values push the HTML part over or under a different size-budget
/// level than the prepared ones, change a part's transfer encoding, contain a line end, or a template that
/// transforms the values (checked once with a probe recipient) — that recipient's message is rendered in full.
public struct PreparedDigest: Sendable {
    /// The bodies of one trim level, for one name variant.
    private struct LevelBodies: Sendable {
        var level: DigestRenderer.TrimLevel
        var html: PersonalizedBody
        var text: PersonalizedBody
        var htmlPartHeader: [UInt8]
        var textPartHeader: [UInt8]
    }

    /// Consecutive trim levels prepared for recipients with (or without) a name.
    private struct Variant: Sendable {
        /// `true` when `levels[0]` is the first level of the sequence (nothing larger exists).
        var startsAtFirstLevel: Bool
        var levels: [LevelBodies]
    }

    private let composer: MessageComposer
    private let content: DigestContent
    private let date: Date
    private let tokenURLParts: [String]?
    /// The `List-Unsubscribe` fields cut where a token goes (see ``unsubscribeFields(token:link:)``), or `nil`
    /// when they cannot be spliced.
    private let unsubscribeParts: [String]?
    /// The longest token the spliced fields take: both URLs stay within ``ListUnsubscribe``'s 900 octets.
    private let unsubscribeTokenLimit: Int
    private let beforeTo: [UInt8]
    private let beforeMessageID: [UInt8]
    private let beforeUnsubscribe: [UInt8]
    /// The rest of the header, the blank line.
    private let rest: [UInt8]
    private let closing: [UInt8]
    private var named: Variant?
    private var unnamed: Variant?

    init(composer: MessageComposer, content: DigestContent, date: Date) throws {
        self.composer = composer
        self.content = content
        self.date = date
        let urlParts = composer.config.unsubscribeURL?.components(separatedBy: "{{token}}")
        tokenURLParts = urlParts
        (unsubscribeParts, unsubscribeTokenLimit) = Self.unsubscribeSplice(composer: composer, urlParts: urlParts)
        let boundary = MessageComposer.boundary(for: content, date: date)
        let template = try composer.message(
            content, to: composer.config.from, bodies: DigestRenderer.Bodies(html: "", text: "", omittedCount: 0),
            messageID: "<prepare@example.com>", unsubscribe: nil, date: date)
        let sections = template.headerSections(boundary: boundary)
        beforeTo = Array(sections.beforeTo.utf8)
        beforeMessageID = Array(sections.beforeMessageID.utf8)
        beforeUnsubscribe = Array(sections.beforeUnsubscribe.utf8)
        rest = Array((sections.rest + "\r\n").utf8)
        closing = Array("--\(boundary)--\r\n".utf8)
        // The ``MIMEMessage`` boundary check is a no-op for an `=_` boundary: `=_` never occurs in
        // quoted-printable or base64 output.
        let usable = boundary.hasPrefix("=_") && MIMEMessage.isValidBoundary(boundary)

        let hasURL = tokenURLParts != nil
        func variant(name: String) -> Variant? {
            guard usable else { return nil }
            let renderer = composer.renderer
            let probe = (name: name, url: hasURL ? Self.join(tokenURLParts, token: "0123456789abcdef") : "")
            let marked = DigestRenderer.Recipient(
                name: name.isEmpty ? "" : PersonalizedBody.nameMarker,
                unsubscribeURL: hasURL ? PersonalizedBody.urlMarker : nil)
            let real = DigestRenderer.Recipient(name: probe.name, unsubscribeURL: hasURL ? probe.url : nil)
            // The level where the probe recipient settles, then the one before (to prove a recipient does not
            // fit there) and two after.
            var level = DigestRenderer.firstLevel(for: content)
            var previous: DigestRenderer.TrimLevel?
            while TransferEncoding.transmittedSize(of: renderer.renderHTML(content, for: real, at: level))
                > renderer.htmlBudgetBytes, level.shown > 0, let next = DigestRenderer.level(after: level)
            {
                previous = level
                level = next
            }
            var levels: [DigestRenderer.TrimLevel] = [previous, level].compactMap { $0 }
            for _ in 0..<2 {
                guard let last = levels.last, last.shown > 0, let next = DigestRenderer.level(after: last) else {
                    break
                }
                levels.append(next)
            }
            var prepared: [LevelBodies] = []
            for level in levels {
                guard
                    let html = PersonalizedBody(
                        rendered: renderer.renderHTML(content, for: marked, at: level), wrapWidth: nil, probe: probe),
                    let text = PersonalizedBody(
                        rendered: renderer.renderText(content, for: marked, at: level),
                        wrapWidth: DigestRenderer.textWidth, probe: probe)
                else { return nil }
                prepared.append(
                    LevelBodies(
                        level: level, html: html, text: text,
                        htmlPartHeader: Array(
                            MIMEMessage.partHeader(
                                contentType: "text/html; charset=UTF-8", encoding: html.encoding, boundary: boundary
                            ).utf8),
                        textPartHeader: Array(
                            MIMEMessage.partHeader(
                                contentType: "text/plain; charset=UTF-8", encoding: text.encoding, boundary: boundary
                            ).utf8)))
            }
            return Variant(startsAtFirstLevel: previous == nil, levels: prepared)
        }
        named = variant(name: "测试读者 \"O'Brien\" & <Co>")
        unnamed = variant(name: "")

        // Check both variants once against a full render; a template that transforms values turns them off.
        for name in ["测试读者 \"O'Brien\" & <Co>", ""] {
            let probe = Subscriber(email: "probe@example.com", name: name, token: "0123456789abcdef")
            let fast = try fastMessage(for: probe, messageID: "<probe@example.com>")
            let full = try composer.compose(content, for: probe, messageID: "<probe@example.com>", date: date)
            if fast != nil, fast != full {
                named = nil
                unnamed = nil
            }
        }
    }

    /// The complete message for one subscriber; equal to
    /// ``MessageComposer/compose(_:for:messageID:date:)`` with the same arguments.
    ///
    /// - Returns: RFC 5322 bytes with CRLF line ends.
    /// - Throws: `MIMEError`/`MailAddressError` for an address, Message-ID or unsubscribe URL that cannot be
    ///   encoded.
    public func message(for subscriber: Subscriber, messageID: String) throws -> [UInt8] {
        if let bytes = try fastMessage(for: subscriber, messageID: messageID) { return bytes }
        return try composer.compose(content, for: subscriber, messageID: messageID, date: date)
    }

    /// Whether this subscriber's message comes from the prepared parts rather than a full render (tests).
    func isPersonalizedBySplicing(_ subscriber: Subscriber) throws -> Bool {
        try fastMessage(for: subscriber, messageID: "<probe@example.com>") != nil
    }

    private func fastMessage(for subscriber: Subscriber, messageID: String) throws -> [UInt8]? {
        guard let variant = subscriber.name.isEmpty ? unnamed : named else { return nil }
        let name = subscriber.name
        let link = tokenURLParts.map { Self.join($0, token: subscriber.token) }
        let url = link ?? ""
        let unsafe: (Unicode.Scalar) -> Bool = {
            $0 == "\r" || $0 == "\n" || ($0.value >= 0xF8F0 && $0.value <= 0xF8F1)
        }
        guard !name.unicodeScalars.contains(where: unsafe), !url.unicodeScalars.contains(where: unsafe) else {
            return nil
        }
        // The first prepared level whose HTML part fits the budget, as the full render would pick it.
        var chosen: (LevelBodies, html: [UInt8])?
        for (index, bodies) in variant.levels.enumerated() {
            guard let html = bodies.html.encode(name: name, url: url) else { return nil }
            if html.count <= composer.renderer.htmlBudgetBytes || bodies.level.shown == 0 {
                guard index > 0 || variant.startsAtFirstLevel else { return nil }
                chosen = (bodies, html)
                break
            }
        }
        guard let (bodies, html) = chosen, let text = bodies.text.encode(name: name, url: url) else { return nil }

        guard let normalizedID = MessageIDSyntax.normalizedMessageID(messageID) else {
            throw MIMEError(.invalidMessageID, context: messageID)
        }
        let to = MIMEMessage.addressField("To", try subscriber.address)
        let unsubscribe = try unsubscribeFields(token: subscriber.token, link: link)
        let messageIDField = MIMEMessage.messageIDField(normalizedID)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(
            beforeTo.count + beforeMessageID.count + beforeUnsubscribe.count + rest.count + html.count + text.count
                + bodies.htmlPartHeader.count + bodies.textPartHeader.count + closing.count + to.utf8.count
                + unsubscribe.utf8.count + messageIDField.utf8.count + 8)
        bytes += beforeTo
        bytes += to.utf8
        bytes += beforeMessageID
        bytes += messageIDField.utf8
        bytes += beforeUnsubscribe
        bytes += unsubscribe.utf8
        bytes += rest
        bytes += bodies.textPartHeader
        bytes += text
        bytes += [0x0D, 0x0A]
        bytes += bodies.htmlPartHeader
        bytes += html
        bytes += [0x0D, 0x0A]
        bytes += closing
        return bytes
    }

    /// The `List-Unsubscribe` (and `-Post`) fields for one token, equal to
    /// ``MessageComposer/listUnsubscribe(link:token:)``'s.
    ///
    /// A token of URL-unreserved characters (RFC 3986 §2.3) goes into both URLs as it is, and the fields fold
    /// only between the URLs, so the prepared fields are joined around it instead of parsing, validating and
    /// folding two URLs per recipient; any other token takes the full path.
    /// - Parameters:
    ///   - token: the subscriber's token.
    ///   - link: the subscriber's unsubscribe URL (`unsubscribe_url` with the token), or `nil`.
    /// - Returns: the fields, each ending in CRLF, or `""` when the digest has no unsubscribe method.
    /// - Throws: ``MIMEError`` when a URL is invalid with this token (full path only).
    func unsubscribeFields(token: String, link: String?) throws -> String {
        if let parts = unsubscribeParts, token.utf8.count <= unsubscribeTokenLimit,
            token.utf8.allSatisfy({ Self.isUnreserved($0) })
        {
            return parts.joined(separator: token)
        }
        return try composer.listUnsubscribe(link: link, token: token)?.headerFields ?? ""
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// The fields made with a probe token and cut at it, checked against a second probe; `nil` (full path for
    /// everyone) when they do not reproduce it or carry no token.
    private static func unsubscribeSplice(composer: MessageComposer, urlParts: [String]?) -> ([String]?, Int) {
        let probes = ["0a1b2c3d4e5f6a7b", "f7e6d5c4b3a29180"]
        func fields(_ token: String) -> String? {
            try? composer.listUnsubscribe(link: urlParts.map { join($0, token: token) }, token: token)?.headerFields
        }
        guard let first = fields(probes[0]), let second = fields(probes[1]) else { return (nil, 0) }
        let parts = first.components(separatedBy: probes[0])
        guard parts.count > 1, parts.joined(separator: probes[1]) == second else { return (nil, 0) }
        // Each URL is one line of the fields; the longest with the probe, and its token count, bound the token.
        var limit = Int.max
        for line in first.components(separatedBy: "\r\n") where line.contains(probes[0]) {
            guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else {
                return (nil, 0)
            }
            let url = line[line.index(after: open)..<close]
            let count = url.components(separatedBy: probes[0]).count - 1
            limit = min(limit, probes[0].utf8.count + (900 - url.utf8.count) / max(count, 1))
        }
        return (parts, limit)
    }

    private static func join(_ parts: [String]?, token: String) -> String {
        parts?.joined(separator: token) ?? ""
    }
}
