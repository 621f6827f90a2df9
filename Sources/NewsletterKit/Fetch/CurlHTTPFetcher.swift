import CCurl
import Foundation

/// Fetches over HTTP(S) (and `file:` URLs) with libcurl.
///
/// Redirects are followed (at most ``maxRedirects``), bodies capped at ``maxBytes`` (before and after
/// decoding), and every request carries an honest User-Agent. Each fetch runs on its own thread with its
/// own easy handle.
///
/// Content codings are decoded here, not by libcurl: `Accept-Encoding: gzip, deflate` is sent as a plain
/// header, libcurl hands over the raw bytes, and ``ContentCoding`` decides by what the bytes are, so a
/// plain body labelled gzip (libcurl's error 61) or gzip bytes without a label still read (case 31).
/// An answer of 400 or more is classified (``ResponseCheck``) so a challenge is named as one (case 30).
public struct CurlHTTPFetcher: HTTPFetching {
    /// The `User-Agent` header sent with every request.
    public var userAgent: String
    /// Timeout for the whole transfer, in seconds.
    public var timeoutSeconds: Int
    /// Timeout for connecting, in seconds.
    public var connectTimeoutSeconds: Int
    /// The body size cap in bytes (default 5 MiB).
    public var maxBytes: Int
    /// How many redirects are followed before giving up.
    public var maxRedirects: Int

    public init(
        userAgent: String = CurlHTTPFetcher.defaultUserAgent,
        timeoutSeconds: Int = 30,
        connectTimeoutSeconds: Int = 10,
        maxBytes: Int = 5 * 1024 * 1024,
        maxRedirects: Int = 5
    ) {
        self.userAgent = userAgent
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
    }

    /// `newsletter/<version> (+https://example.com/newsletter)`.
    public static let defaultUserAgent =
        "newsletter/\(NewsletterVersion.current) (weekly digest; +https://example.com/newsletter)"

    /// Fetches `request`; cancelling the calling task stops the transfer within about a second
    /// (``CancellationError``), even while the server sends nothing.
    public func fetch(_ request: HTTPRequest) async throws -> HTTPResponse {
        let settings = self
        return try await runBlocking { cancellation in try settings.fetchBlocking(request, cancellation: cancellation) }
    }

    /// The blocking transfer behind ``fetch(_:)``; it stops with ``CancellationError`` once
    /// `cancellation` is set.
    func fetchBlocking(_ request: HTTPRequest, cancellation: CancellationFlag? = nil) throws -> HTTPResponse {
        let handle = try CurlEasyHandle()
        if let cancellation { try handle.abortWhenCancelled(cancellation) }
        let sink = ResponseSink(limit: maxBytes)
        let url = request.url
        try handle.set(CURLOPT_URL, url.absoluteString)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https,file")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_FOLLOWLOCATION, 1)
        try handle.set(CURLOPT_MAXREDIRS, maxRedirects)
        try handle.set(CURLOPT_HTTP_CONTENT_DECODING, 0)
        try handle.set(CURLOPT_USERAGENT, userAgent)
        try handle.set(CURLOPT_TIMEOUT, timeoutSeconds)
        try handle.set(CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds)
        try handle.set(CURLOPT_MAXFILESIZE, maxBytes)
        var headers = ["Accept-Encoding: gzip, deflate"]
        if let etag = request.etag { headers.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headers.append("If-Modified-Since: \(lastModified)") }
        try handle.set(CURLOPT_HTTPHEADER, list: headers)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try handle.set(CURLOPT_WRITEDATA, pointer: context)
        try handle.set(
            CURLOPT_WRITEFUNCTION,
            callback: { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
                let length = size * count
                guard sink.body.count + length <= sink.limit else {
                    sink.exceededLimit = true
                    return 0
                }
                buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
                    sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
                return length
            })
        try handle.set(CURLOPT_HEADERDATA, pointer: context)
        try handle.set(
            CURLOPT_HEADERFUNCTION,
            callback: { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
                let length = size * count
                let line = buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
                sink.headerLine(line)
                return length
            })
        do {
            try withExtendedLifetime((sink, cancellation)) {
                try handle.perform(context: "GET \(URLRedaction.redacted(url))")
            }
        } catch let error as CurlError {
            if cancellation?.isCancelled == true, error.code == Int(CURLE_ABORTED_BY_CALLBACK.rawValue) {
                throw CancellationError()
            }
            if sink.exceededLimit || error.code == Int(CURLE_FILESIZE_EXCEEDED.rawValue) {
                throw FetchError.tooLarge(limit: maxBytes, url: url)
            }
            throw FetchError.transport(error.message, url: url)
        }
        let finalURL = handle.effectiveURL.flatMap(URL.init(string:)) ?? url
        var status = handle.responseCode
        if url.isFileURL, status == 0 { status = 200 }
        let label = sink.headers["content-encoding"]
        guard (200..<300).contains(status) || status == 304 else {
            let body = (try? ContentCoding.decode(sink.body, label: label, limit: maxBytes).body) ?? []
            let what = ResponseCheck.classifyErrorStatus(status, headers: sink.headers, body: body)
            if case .status = what { throw FetchError.status(status, url: finalURL) }
            throw FetchError.unusable(what, status: status, url: finalURL)
        }
        let decoded: ContentCoding.Decoded
        do {
            decoded = try ContentCoding.decode(sink.body, label: label, limit: maxBytes)
        } catch .tooLarge {
            throw FetchError.tooLarge(limit: maxBytes, url: finalURL)
        } catch .corrupt(let reason) {
            throw FetchError.contentCoding(reason, url: finalURL)
        }
        var response = HTTPResponse(url: finalURL, status: status, headers: sink.headers, body: decoded.body)
        response.contentCodingWarning = decoded.warning
        return response
    }
}

/// Collects one transfer's body and the header fields of its final response.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var exceededLimit = false

    init(limit: Int) {
        self.limit = limit
    }

    func headerLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            headers = [:]  // a new response (after a redirect or 100 Continue)
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = trimmed[..<colon].lowercased()
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers[name] = value
    }
}
