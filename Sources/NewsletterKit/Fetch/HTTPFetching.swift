public import Foundation

/// One HTTP(S) GET, optionally conditional (RFC 9110 §13.1).
public struct HTTPRequest: Sendable, Hashable {
    /// The URL to fetch (`http`, `https`, or `file` for local sources).
    public var url: URL
    /// The validator from an earlier response, sent as `If-None-Match`.
    public var etag: String?
    /// The validator from an earlier response, sent as `If-Modified-Since`.
    public var lastModified: String?

    public init(url: URL, etag: String? = nil, lastModified: String? = nil) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// A fetched resource: status, headers and the decoded (un-gzipped) body bytes.
public struct HTTPResponse: Sendable {
    /// The URL after redirects.
    public var url: URL
    /// The HTTP status code (200 for `file:` URLs, 304 when the validators matched).
    public var status: Int
    /// Response header fields of the final response, names lowercased; the last value wins.
    public var headers: [String: String]
    /// The body, decompressed (gzip/deflate, by what the bytes are: ``ContentCoding``); empty on 304.
    public var body: [UInt8]
    /// Set when the `Content-Encoding` header did not match the bytes (for example `gzip` on plain XML), saying
    /// what was sent and how the body was read (case 31).
    public var contentCodingWarning: String?

    public init(url: URL, status: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The `Content-Type` header value, if any.
    public var contentType: String? { headers["content-type"] }
    /// Whether the server answered 304 Not Modified.
    public var isNotModified: Bool { status == 304 }
}

/// Something that fetches URLs: ``CurlHTTPFetcher`` in production, recording fakes in tests.
public protocol HTTPFetching: Sendable {
    /// Fetches one resource.
    /// - Throws: ``FetchError`` for transport failures, non-2xx/304 statuses and oversized bodies.
    func fetch(_ request: HTTPRequest) async throws -> HTTPResponse
}
