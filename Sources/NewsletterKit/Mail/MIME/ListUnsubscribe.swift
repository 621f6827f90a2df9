public import Foundation

/// The per-recipient unsubscribe targets for `List-Unsubscribe` (RFC 2369 §3.2) and, when one-click is
/// supported, `List-Unsubscribe-Post` (RFC 8058).
///
/// The header lists the https URL first, then the mailto URL, each in angle brackets, one per line:
/// ```
/// List-Unsubscribe: <https://news.example.com/u?l=weekly&t=9f8e7d6c>,
///  <mailto:unsubscribe@news.example.com?subject=unsubscribe-weekly-9f8e7d6c>
/// List-Unsubscribe-Post: List-Unsubscribe=One-Click
/// ```
/// Folding happens only after the comma, never inside a URL. `List-Unsubscribe-Post` is written only when
/// the web URL uses `https:` **and** ``oneClick`` is true: the endpoint must unsubscribe on a bare POST with
/// body `List-Unsubscribe=One-Click`, without redirect or confirmation page (RFC 8058 §3.1).
public struct ListUnsubscribe: Sendable, Hashable {
    /// The web URL, carrying the recipient's token: `https:`, or `http:` (accepted for loopback tests; never
    /// advertised as one-click).
    public var https: URL?
    /// The mailto URL, carrying the recipient's token.
    public var mailto: URL?
    /// Whether the https endpoint implements RFC 8058 one-click POST.
    public var oneClick: Bool

    /// Creates validated unsubscribe targets.
    ///
    /// - Parameters:
    ///   - https: An `https:` (or `http:`) URL, or `nil`.
    ///   - mailto: A `mailto:` URL, or `nil`.
    ///   - oneClick: Whether the https endpoint accepts the RFC 8058 POST; ignored unless the URL is `https:`.
    /// - Throws: ``MIMEError`` with ``MIMEError/Code/missingUnsubscribeURL`` when both are `nil`, or
    ///   ``MIMEError/Code/invalidUnsubscribeURL`` when a URL has the wrong scheme, contains a space, control,
    ///   non-ASCII character, `<`, `>` or `,`, or is longer than 900 octets.
    public init(https: URL? = nil, mailto: URL? = nil, oneClick: Bool = false) throws {
        guard https != nil || mailto != nil else { throw MIMEError(.missingUnsubscribeURL, context: "") }
        if let https { try Self.validate(https, schemes: ["https", "http"]) }
        if let mailto { try Self.validate(mailto, schemes: ["mailto"]) }
        self.https = https
        self.mailto = mailto
        self.oneClick = oneClick
    }

    /// Whether `List-Unsubscribe-Post: List-Unsubscribe=One-Click` is written.
    public var advertisesOneClick: Bool {
        oneClick && https?.scheme?.lowercased() == "https"
    }

    /// The `List-Unsubscribe` field and, when advertised, the `List-Unsubscribe-Post` field, folded, each with
    /// a final CRLF.
    var headerFields: String {
        let urls = [https, mailto].compactMap { $0?.absoluteString }
        var builder = HeaderFieldBuilder(name: "List-Unsubscribe")
        for (index, url) in urls.enumerated() {
            builder.appendOnOwnLine("<\(url)>" + (index < urls.count - 1 ? "," : ""))
        }
        var fields = builder.field
        if advertisesOneClick {
            fields += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        }
        return fields
    }

    private static func validate(_ url: URL, schemes: Set<String>) throws {
        let text = url.absoluteString
        let forbidden = Set("<>, ".utf8)
        guard let scheme = url.scheme?.lowercased(), schemes.contains(scheme), text.utf8.count <= 900,
            text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) })
        else { throw MIMEError(.invalidUnsubscribeURL, context: url.scheme ?? "") }
    }
}
