/// A mailing-list identifier for the `List-Id` header (RFC 2919), for example `党建周报 <weekly.news.example.com>`.
public struct ListID: Sendable, Hashable {
    /// The human-readable list name (the phrase before the id), sanitised; `nil` for none.
    public var name: String?
    /// The list id without angle brackets, a dot-atom such as `weekly.news.example.com`.
    public var id: String

    /// Creates a validated list identifier.
    ///
    /// - Parameters:
    ///   - name: The list name, any Unicode; written as a quoted-string or RFC 2047 encoded-words.
    ///   - id: `list-label.namespace`, a dot-atom with at least one dot, at most 255 octets (RFC 2919 §2).
    /// - Throws: ``MIMEError`` with code ``MIMEError/Code/invalidListID``.
    public init(name: String? = nil, id: String) throws {
        let id = id.trimmingASCIIWhitespace()
        guard id.utf8.count <= 255, id.contains("."), MessageIDSyntax.isDotAtom(id) else {
            throw MIMEError(.invalidListID, context: id)
        }
        let name = name.map(EncodedWord.sanitize)
        self.name = (name?.isEmpty ?? true) ? nil : name
        self.id = id
    }

    /// The complete `List-Id` field, folded, with a final CRLF.
    var headerField: String {
        var builder = HeaderFieldBuilder(name: "List-Id")
        if let name { builder.appendPhrase(name) }
        builder.append("<\(id)>")
        return builder.field
    }
}
