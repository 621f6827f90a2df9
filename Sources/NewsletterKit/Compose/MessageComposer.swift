public import Foundation

/// Builds each subscriber's message from a digest: the same bytes for preview, test send and
/// real send, but for the per-recipient fields (To, Message-ID, unsubscribe link and token).
public struct MessageComposer: Sendable {
    public var config: NewsletterConfig
    public var renderer: DigestRenderer

    public init(config: NewsletterConfig, renderer: DigestRenderer) {
        self.config = config
        self.renderer = renderer
    }

    /// The domain of the From address, used for Message-IDs and the EHLO name.
    public var senderDomain: String {
        config.from.email.split(separator: "@").last.map { String($0).lowercased() } ?? "localhost"
    }

    /// A new Message-ID on the sender's domain (RFC 5322 §3.6.4).
    public func makeMessageID() -> String {
        MIMEMessage.makeMessageID(domain: senderDomain)
    }

    /// One boundary per digest and date (so preview, test send and send differ only in the
    /// per-recipient fields): `=_NL_` and an FNV-1a hash of the content.
    ///
    /// `=_` never occurs in quoted-printable or base64 text; MIMEMessage still checks the bodies.
    static func boundary(for content: DigestContent, date: Date) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let seed =
            content.subject + "|" + content.items.map(\.key).joined(separator: "|") + "|\(date.timeIntervalSince1970)"
        for byte in seed.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return "=_NL_" + String(hash, radix: 16)
    }

    /// The subscriber's unsubscribe page, `unsubscribe_url` with `{{token}}` filled in.
    public func unsubscribeURL(for subscriber: Subscriber) -> String? {
        config.unsubscribeURL?.replacingOccurrences(of: "{{token}}", with: subscriber.token)
    }

    /// The List-Unsubscribe targets for a subscriber's web link and token, or `nil` when there are none.
    func listUnsubscribe(link: String?, token: String) throws -> ListUnsubscribe? {
        let listPart = config.listID.split(separator: ".").first.map(String.init) ?? "newsletter"
        var https: URL?
        if let link, let url = URL(string: link),
            url.scheme?.lowercased() == "https" || url.scheme?.lowercased() == "http"
        {
            https = url
        }
        let mailto = config.unsubscribeMailto.flatMap {
            URL(string: "mailto:\($0)?subject=unsubscribe-\(listPart)-\(token)")
        }
        guard https != nil || mailto != nil else { return nil }
        return try ListUnsubscribe(
            https: https, mailto: mailto, oneClick: config.unsubscribeOneClick && https?.scheme == "https")
    }

    /// The message for a subscriber with no per-recipient fields filled in yet, and its bodies.
    func message(
        _ content: DigestContent, to address: MailAddress, bodies: DigestRenderer.Bodies, messageID: String,
        unsubscribe: ListUnsubscribe?, date: Date
    ) throws -> MIMEMessage {
        try MIMEMessage(
            from: config.from,
            to: address,
            replyTo: config.replyTo,
            subject: content.subject,
            date: date,
            timeZone: config.timeZone,
            messageID: messageID,
            listID: try ListID(name: config.title, id: config.listID),
            unsubscribe: unsubscribe,
            textBody: bodies.text,
            htmlBody: bodies.html,
            extraHeaders: [(name: "X-Mailer", value: "newsletter \(NewsletterVersion.current)")],
            boundary: Self.boundary(for: content, date: date)
        )
    }

    /// The complete message for one subscriber, rendered from scratch (preview, test send, and the reference
    /// that ``PreparedDigest`` must equal byte for byte).
    ///
    /// - Returns: RFC 5322 bytes with CRLF line ends, multipart/alternative (text/plain, text/html).
    /// - Throws: `MIMEError`/`MailAddressError` for an address or header that cannot be encoded.
    public func compose(_ content: DigestContent, for subscriber: Subscriber, messageID: String, date: Date) throws
        -> [UInt8]
    {
        let link = unsubscribeURL(for: subscriber)
        let bodies = renderer.render(
            content, for: DigestRenderer.Recipient(name: subscriber.name, unsubscribeURL: link))
        let unsubscribe = try listUnsubscribe(link: link, token: subscriber.token)
        return try message(
            content, to: try subscriber.address, bodies: bodies, messageID: messageID, unsubscribe: unsubscribe,
            date: date
        ).bytes()
    }

    /// Renders and encodes `content` once for personalising per recipient with
    /// ``PreparedDigest/message(for:messageID:)``.
    ///
    /// - Throws: `MIMEError` for a list id, sender or extra header that cannot be encoded.
    public func prepare(_ content: DigestContent, date: Date) throws -> PreparedDigest {
        try PreparedDigest(composer: self, content: content, date: date)
    }
}
