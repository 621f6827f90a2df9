public import Foundation

/// An article's URL as its identity: the same page reached by links that differ only in what does not name it.
///
/// The scheme, a default port, the fragment, tracking parameters (`utm_*`, `spm`, `from`) and session ids
/// (`;jsessionid=` in the path, `jsessionid`, `PHPSESSID`, `aspsessionid`, `sessionid` in the query) are left out;
/// the host is lower-cased; an empty path is `/`.
public enum ArticleURL: Sendable {
    /// The identity of `url`, for example `//www.example.gov.cn/xw/55.html` for
    /// `HTTP://WWW.example.gov.cn:80/xw/55.html;jsessionid=A1?utm_source=rss#top`.
    public static func canonicalKey(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url.absoluteString }
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        if (components.scheme == "http" && components.port == 80)
            || (components.scheme == "https" && components.port == 443)
        {
            components.port = nil
        }
        components.fragment = nil
        // A Java servlet's session in the path (`/a.html;jsessionid=…`) changes with every visit.
        if let semicolon = components.percentEncodedPath.range(of: ";jsessionid=", options: .caseInsensitive) {
            components.percentEncodedPath = String(components.percentEncodedPath[..<semicolon.lowerBound])
        }
        if let items = components.queryItems {
            let session = ["jsessionid", "phpsessid", "aspsessionid", "sessionid"]
            let kept = items.filter {
                !$0.name.lowercased().hasPrefix("utm_") && $0.name != "spm" && $0.name != "from"
                    && !session.contains($0.name.lowercased())
            }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        if components.path.isEmpty { components.path = "/" }
        components.scheme = nil
        return components.string ?? url.absoluteString
    }

    /// ``canonicalKey(_:)`` of a URL string, or the string itself when it does not parse.
    public static func canonical(_ string: String) -> String {
        URL(string: string).map(canonicalKey) ?? string
    }
}
