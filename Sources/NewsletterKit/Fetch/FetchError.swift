public import Foundation

/// A fetch that failed: what went wrong and the URL it concerned.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case status(Int)
        case tooLarge(Int)
        case transport(String)
        case unusable(UnusableResponse, status: Int, detail: String?)
        case contentCoding(String)
    }

    private let kind: Kind
    /// The URL that failed (the final URL after redirects where the answer was read).
    public let url: URL

    /// The server answered with a status other than 2xx or 304.
    public static func status(_ code: Int, url: URL) -> FetchError { FetchError(kind: .status(code), url: url) }
    /// The body exceeded the size cap (bytes), counted after decoding its content coding.
    public static func tooLarge(limit: Int, url: URL) -> FetchError { FetchError(kind: .tooLarge(limit), url: url) }
    /// Connection, TLS, timeout or protocol failure.
    public static func transport(_ message: String, url: URL) -> FetchError {
        FetchError(kind: .transport(message), url: url)
    }
    /// The answer was not the content asked for: a challenge, a sign-in page, an empty body, … (case 30).
    public static func unusable(_ what: UnusableResponse, status: Int, url: URL, detail: String? = nil) -> FetchError {
        FetchError(kind: .unusable(what, status: status, detail: detail), url: url)
    }
    /// The body starts as gzip or zlib data that does not decode (case 31); `reason` is zlib's.
    public static func contentCoding(_ reason: String, url: URL) -> FetchError {
        FetchError(kind: .contentCoding(reason), url: url)
    }

    /// The HTTP status, when the failure was a status of 400 or more.
    public var statusCode: Int? {
        switch kind {
        case .status(let code): code
        case .unusable(_, let status, _) where status >= 400: status
        default: nil
        }
    }

    /// What the answer was instead of the content, when it was read and classified (case 30).
    public var unusableResponse: UnusableResponse? {
        if case .unusable(let what, _, _) = kind { return what }
        return nil
    }

    /// Whether the body exceeded the size cap.
    public var isTooLarge: Bool {
        if case .tooLarge = kind { return true }
        return false
    }

    /// Whether the failure was a connection, TLS, timeout or protocol error (no usable HTTP status).
    public var isTransport: Bool {
        if case .transport = kind { return true }
        return false
    }

    public var description: String {
        let shown = URLRedaction.redacted(url)
        switch kind {
        case .status(let code): return "\(shown): HTTP status \(code)"
        case .tooLarge(let limit): return "\(shown): body larger than \(limit) bytes"
        case .transport(let message): return "\(shown): \(message)"
        case .contentCoding(let reason): return "\(shown): the compressed body could not be decoded (\(reason))"
        case .unusable(let what, let status, let detail):
            let explanation =
                switch what {
                case .challenge: "an anti-bot challenge or firewall page answered instead of the content"
                case .login: "a sign-in page answered instead of the content"
                case .emptyBody: "the answer has an empty body"
                case .notAFeed: "the answer is not RSS or Atom (its first element is not rss, feed or rdf:RDF)"
                case .emptyListing: "the listing page gives no article links although it gave some before"
                case .status(let code): "HTTP status \(code)"
                }
            let statusText = status >= 400 ? " (HTTP \(status))" : ""
            return "\(shown): \(what): \(explanation)\(statusText)" + (detail.map { "; \($0)" } ?? "")
        }
    }
}

/// URLs as printed in messages and logs: the values of query parameters that look like secrets
/// (`token`, `key`, `sig`, `auth`, `password`, …) are replaced by `REDACTED` (case 30).
public enum URLRedaction: Sendable {
    static let secretWords = ["token", "key", "sig", "auth", "pass", "secret", "session", "ticket"]

    /// `url` with secret-looking query values replaced.
    public static func redacted(_ url: URL) -> String { redacted(url.absoluteString) }

    /// `text` (a URL) with secret-looking query values replaced; other text is returned unchanged.
    public static func redacted(_ text: String) -> String {
        guard let question = text.firstIndex(of: "?") else { return text }
        let head = text[..<question]
        var query = text[text.index(after: question)...]
        var fragment = ""
        if let hash = query.firstIndex(of: "#") {
            fragment = String(query[hash...])
            query = query[..<hash]
        }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].lowercased()
            guard secretWords.contains(where: { name.contains($0) }) else { return String(pair) }
            return "\(pair[..<equals])=REDACTED"
        }
        return "\(head)?\(pairs.joined(separator: "&"))\(fragment)"
    }
}
