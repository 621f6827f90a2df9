public import Foundation

/// A fetch that failed: what went wrong and the URL it concerned.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case status(Int)
        case tooLarge(Int)
        case transport(String)
    }

    private let kind: Kind
    /// The URL that failed.
    public let url: URL

    /// The server answered with a status other than 2xx or 304.
    public static func status(_ code: Int, url: URL) -> FetchError { FetchError(kind: .status(code), url: url) }
    /// The body exceeded the size cap (bytes).
    public static func tooLarge(limit: Int, url: URL) -> FetchError { FetchError(kind: .tooLarge(limit), url: url) }
    /// Connection, TLS, timeout or protocol failure.
    public static func transport(_ message: String, url: URL) -> FetchError {
        FetchError(kind: .transport(message), url: url)
    }

    /// The HTTP status, when the failure was one.
    public var statusCode: Int? {
        if case .status(let code) = kind { return code }
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
        switch kind {
        case .status(let code): "\(url.absoluteString): HTTP status \(code)"
        case .tooLarge(let limit): "\(url.absoluteString): body larger than \(limit) bytes"
        case .transport(let message): "\(url.absoluteString): \(message)"
        }
    }
}
