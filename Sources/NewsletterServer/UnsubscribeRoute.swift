import Foundation
import NewsletterKit

/// Where the unsubscribe link of `unsubscribe_url` points, as the server sees it.
///
/// The token sits either in a query parameter (`https://news.example.com/u?l=weekly&t={{token}}`:
/// path `/u`, parameter `t`) or in a path segment (`https://news.example.com/unsubscribe/{{token}}`:
/// path `/unsubscribe/:token`). Other query parameters (`l=weekly`) are ignored: the token alone
/// names the subscriber. The web server in front must pass the path through unchanged.
struct UnsubscribeRoute: Sendable, Equatable {
    /// How the token is carried.
    enum TokenPlace: Sendable, Equatable {
        /// In the query parameter with this name.
        case query(String)
        /// In the path segment matched by the route's `:token` parameter.
        case pathSegment
    }

    /// The route path as Hummingbird takes it (`/u`, `/unsubscribe/:token`).
    var routePath: String
    var tokenPlace: TokenPlace
    /// The link's path and query with `{{token}}` still in it, for example `/u?l=weekly&t={{token}}`.
    var relativeTemplate: String
    /// Where the subscribe form and the confirmation page live (`BASE` + `subscribe`, `BASE` + `confirm`):
    /// the folder of the link's path (`/` for `/u`, `/news/` for `/news/u`), or, when the token is a path
    /// segment, the folder above the token's (`/news/` for `/news/unsubscribe/{{token}}`).
    var basePath: String
    /// The public origin of the links, `scheme://host[:port]`, taken from `unsubscribe_url` (never from a
    /// request's `Host` header), for the absolute confirmation link in the mail.
    var origin: String

    private static let marker = "NLTOKENMARKER"

    /// Reads the route from the configured `unsubscribe_url`.
    /// - Throws: ``ServerError`` naming the setting when the URL has no usable token place.
    init(unsubscribeURL template: String) throws {
        let marked = template.replacingOccurrences(of: "{{token}}", with: Self.marker)
        guard let components = URLComponents(string: marked), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http"
        else {
            throw ServerError("unsubscribe_url: expected an http(s) URL with {{token}}, got '\(template)'")
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if path.contains(Self.marker) {
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard segments.filter({ $0.contains(Self.marker) }).count == 1,
                let position = segments.firstIndex(where: { $0 == Self.marker })
            else {
                throw ServerError(
                    "unsubscribe_url: {{token}} must be a whole path segment or a query value, got '\(template)'")
            }
            var route = segments
            route[position] = ":token"
            routePath = route.joined(separator: "/")
            tokenPlace = .pathSegment
            basePath = position >= 2 ? segments[..<(position - 1)].joined(separator: "/") + "/" : "/"
        } else {
            guard let item = components.queryItems?.first(where: { $0.value == Self.marker }) else {
                throw ServerError(
                    "unsubscribe_url: {{token}} must be a whole path segment or a query value, got '\(template)'")
            }
            routePath = path
            tokenPlace = .query(item.name)
            let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            basePath = folder + "/"
        }
        var origin = scheme + "://" + (components.percentEncodedHost ?? "")
        if let port = components.port { origin += ":\(port)" }
        self.origin = origin
        var relative = path
        if let query = components.percentEncodedQuery { relative += "?" + query }
        relativeTemplate = relative.replacingOccurrences(of: Self.marker, with: "{{token}}")
    }

    /// The link's path and query for `token` (percent-encoded), for the page's form action.
    func relativeLink(token: String) -> String {
        let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return relativeTemplate.replacingOccurrences(of: "{{token}}", with: encoded)
    }
}
