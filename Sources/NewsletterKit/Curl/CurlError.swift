import CCurl

/// A libcurl failure: the `CURLcode`, libcurl's own words for it and the
/// `CURLOPT_ERRORBUFFER` detail, with the URL it concerned.
///
/// Credentials never appear in the message: URLs are shown without user info.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The raw `CURLcode` value (see `curl/curl.h`).
    public let code: Int
    /// `curl_easy_strerror(code)` plus the error buffer's detail when it has one.
    public let message: String
    /// What was being done, for example `GET https://example.com/feed.xml`.
    public let context: String

    init(code: CURLcode, detail: String, context: String) {
        self.code = Int(code.rawValue)
        let general = String(cString: curl_easy_strerror(code))
        self.message = detail.isEmpty || detail == general ? general : "\(general): \(detail)"
        self.context = context
    }

    init(message: String, context: String) {
        self.code = -1
        self.message = message
        self.context = context
    }

    /// Whether the failure was a timeout (`CURLE_OPERATION_TIMEDOUT`).
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    public var description: String { "\(context): \(message) (curl error \(code))" }
}
