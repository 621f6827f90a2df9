public import Foundation

/// What a listing page, feed or article URL answered when it was not its content (case 30).
///
/// Checked before any parsing, so a sign-in form or an anti-bot interstitial is reported as what it is
/// and never read as a feed, as "0 articles, nothing new", or as an article titled `登录`.
public enum UnusableResponse: Sendable, Equatable, CustomStringConvertible {
    /// An anti-bot interstitial: a JavaScript or captcha challenge, or a firewall's block page.
    case challenge
    /// A sign-in page: reached by a redirect to a login path, a `<meta http-equiv="refresh">` to one,
    /// or a small page whose form asks for a password.
    case login
    /// A `2xx` answer with no body at all.
    case emptyBody
    /// A feed source that answered with something whose first element is not `rss`, `feed` or `rdf:RDF`.
    case notAFeed
    /// A listing page that gave article links on an earlier fetch and gives none now.
    case emptyListing
    /// Any other status of 400 or more.
    case status(Int)

    /// The class as printed: `challenge`, `login`, `empty body`, `not a feed`, `empty listing`, `http 404`.
    public var description: String {
        switch self {
        case .challenge: "challenge"
        case .login: "login"
        case .emptyBody: "empty body"
        case .notAFeed: "not a feed"
        case .emptyListing: "empty listing"
        case .status(let code): "http \(code)"
        }
    }
}

/// The checks behind ``UnusableResponse``, on a response's status, headers, final URL and decoded body.
///
/// Decision order (case 30): a status of 400 or more is a failure, `challenge` when the answer carries
/// `cf-mitigated: challenge`, a `Refresh` header or a challenge body, else `http <status>`; then a final
/// URL that a redirect put on a sign-in path, or a sign-in page, is `login`; then an empty body; then,
/// for a feed source, a first element other than `rss`/`feed`/`rdf:RDF` (`Content-Type` is only a hint).
/// Body markers only count on small pages (little visible text), so an article that mentions
/// "captcha" or a listing page with a login box in its header is still read.
public enum ResponseCheck: Sendable {
    /// Path segment names (without extension, lowercased) that mean a sign-in page.
    static let loginSegments: Set<String> = [
        "login", "signin", "sign-in", "sign_in", "log-in", "logon", "passport", "sso", "cas", "userlogin",
        "user_login",
    ]

    /// How much visible text a page may have and still be taken for an interstitial or sign-in page.
    static let smallPageText = 1_500

    /// The class of an answer with status 400 or more.
    public static func classifyErrorStatus(_ status: Int, headers: [String: String], body: [UInt8]) -> UnusableResponse
    {
        if headers["cf-mitigated"]?.lowercased().contains("challenge") == true || headers["refresh"] != nil
            || headers["x-datadome"] != nil
        {
            return .challenge
        }
        let page = Page(body)
        if page.hasChallengeMarker { return .challenge }
        return .status(status)
    }

    /// The class of a `2xx` answer to `requested` that is not its content, or `nil` when it may be.
    ///
    /// - Parameters:
    ///   - response: the answer (its `url` is the final URL after redirects).
    ///   - requested: the URL that was asked for.
    ///   - expectingFeed: whether the source is a feed (`not a feed` applies then).
    /// - Returns: `.login` (a redirect or meta refresh to a sign-in path, or a small page asking for a
    ///   password), `.emptyBody` (nothing but whitespace), `.challenge` (a small bot-check or block page),
    ///   `.notAFeed`, or `nil` when the answer may be the content (always for `304 Not Modified`).
    public static func classify(_ response: HTTPResponse, requested: URL, expectingFeed: Bool) -> UnusableResponse? {
        if response.isNotModified { return nil }
        let redirected = canonical(response.url) != canonical(requested)
        if redirected, isLoginURL(response.url) { return .login }
        if response.body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return .emptyBody }
        if expectingFeed, FeedParser.looksLikeFeed(response.body) { return nil }
        let page = Page(response.body)
        if let target = page.metaRefreshTarget, let url = URL(string: target, relativeTo: response.url),
            isLoginURL(url)
        {
            return .login
        }
        if page.isSmall, page.hasPasswordInput { return .login }
        if page.isSmall, page.hasChallengeMarker { return .challenge }
        if expectingFeed { return .notAFeed }
        if page.isSmall, page.hasBlockMarker { return .challenge }
        return nil
    }

    /// Whether `url`'s path has a sign-in segment (`/login?next=/`, `/user/login.jsp`, `/sso/…`).
    static func isLoginURL(_ url: URL) -> Bool {
        url.path.split(separator: "/").contains { segment in
            let name = segment.split(separator: ".").first.map { $0.lowercased() } ?? ""
            return loginSegments.contains(name)
        }
    }

    private static func canonical(_ url: URL) -> String {
        var text = url.absoluteString
        if text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// A crude, fast view of a page's start: lowercased text, visible length, markers.
    struct Page {
        let lower: String
        let visibleLength: Int

        init(_ body: [UInt8]) {
            let text = String(decoding: body.prefix(256 * 1024), as: UTF8.self)
            lower = text.lowercased()
            visibleLength = Self.visibleText(lower, limit: ResponseCheck.smallPageText + 1)
        }

        var isSmall: Bool { visibleLength <= ResponseCheck.smallPageText }

        /// `<input type="password">` in any quoting.
        var hasPasswordInput: Bool {
            lower.contains("type=\"password\"") || lower.contains("type='password'") || lower.contains("type=password")
        }

        /// JavaScript and captcha challenges of the common services (Cloudflare, Incapsula, DataDome,
        /// PerimeterX, and the Chinese 加速乐, 瑞数, 阿里云 and 云锁 shields): their script or cookie names
        /// anywhere, or an interstitial's headline.
        var hasChallengeMarker: Bool {
            Self.scriptMarkers.contains { lower.contains($0) }
                || Self.challengeHeadlines.contains { headline in headlines.contains { $0.contains(headline) } }
        }

        /// Firewall block pages: `访问被拒绝`, `Access Denied`, `Request blocked`, … as the title or `<h1>`.
        var hasBlockMarker: Bool {
            Self.blockHeadlines.contains { headline in headlines.contains { $0.contains(headline) } }
        }

        /// The text of the `<title>` and the first `<h1>`.
        var headlines: [Substring] {
            ["<title", "<h1"].compactMap { open in
                guard let start = lower.range(of: open),
                    let close = lower[start.upperBound...].firstIndex(of: ">")
                else { return nil }
                let rest = lower[lower.index(after: close)...]
                return rest.prefix { $0 != "<" }.prefix(200)
            }
        }

        /// The URL of a `<meta http-equiv="refresh" content="0; url=…">`.
        var metaRefreshTarget: String? {
            var searchStart = lower.startIndex
            while let meta = lower.range(of: "<meta", range: searchStart..<lower.endIndex) {
                let end = lower[meta.upperBound...].firstIndex(of: ">") ?? lower.endIndex
                let tag = lower[meta.upperBound..<end]
                searchStart = end
                guard tag.contains("http-equiv"), tag.contains("refresh"),
                    let content = tag.range(of: "content=")
                else { continue }
                var value = tag[content.upperBound...]
                let quote = value.first
                if quote == "\"" || quote == "'" {
                    value = value.dropFirst()
                    value = value.prefix { $0 != quote }
                }
                guard let urlPart = value.range(of: "url=") else { return nil }
                return String(value[urlPart.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
            }
            return nil
        }

        static let scriptMarkers = [
            "/cdn-cgi/challenge-platform", "cf-chl-", "chk_jschl", "enable javascript and cookies to continue",
            "_incapsula_resource", "captcha-delivery.com", "px-captcha", "__jsl_clearance", "acw_sc__v2",
            "yunsuo_session_verify", "$_ts=window",
        ]

        static let challengeHeadlines = [
            "just a moment", "attention required", "checking your browser", "captcha", "人机验证", "安全验证",
            "安全检查", "滑动验证",
        ]

        static let blockHeadlines = [
            "访问被拒绝", "访问受限", "拦截", "网站防火墙", "安全狗", "创宇盾", "非法请求", "access denied",
            "403 forbidden", "request blocked", "you have been blocked", "web application firewall",
        ]

        /// Characters outside tags, `<script>` and `<style>`, counted up to `limit`.
        static func visibleText(_ text: String, limit: Int) -> Int {
            var count = 0
            var inTag = false
            var skipUntil: String?
            var index = text.startIndex
            while index < text.endIndex, count < limit {
                if let closing = skipUntil {
                    guard let range = text.range(of: closing, range: index..<text.endIndex) else { break }
                    index = range.upperBound
                    skipUntil = nil
                    continue
                }
                let character = text[index]
                if inTag {
                    if character == ">" { inTag = false }
                } else if character == "<" {
                    inTag = true
                    let rest = text[index...]
                    if rest.hasPrefix("<script") {
                        skipUntil = "</script"
                    } else if rest.hasPrefix("<style") {
                        skipUntil = "</style"
                    } else if rest.hasPrefix("<!--") {
                        skipUntil = "-->"
                        inTag = false
                    }
                } else if !character.isWhitespace {
                    count += 1
                }
                index = text.index(after: index)
            }
            return count
        }
    }
}
