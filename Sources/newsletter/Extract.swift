import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the extractor finds in one page or feed (a URL or a file).")

        @Argument(help: "An http(s) URL or a local file.") var target: String
        @Flag(name: .long, help: "Print JSON.") var json = false
        @Option(name: .long, help: "The zone for times written without one (IANA name).") var timezone = "UTC"
        @Option(name: .long, help: "The page's URL, for resolving relative links of a local file.") var baseURL: String?

        func run() async throws {
            guard let zone = TimeZone(identifier: timezone) else {
                throw ValidationError("--timezone: unknown zone '\(timezone)'")
            }
            let url: URL
            if let parsed = URL(string: target), let scheme = parsed.scheme,
                ["http", "https", "file"].contains(scheme.lowercased())
            {
                url = parsed
            } else {
                url = URL(fileURLWithPath: target)
            }
            let response = try await CurlHTTPFetcher().fetch(HTTPRequest(url: url))
            let pageURL = baseURL.flatMap(URL.init(string:)) ?? response.url
            var fields: [(String, String)] = []
            if FeedParser.looksLikeFeed(response.body) {
                let feed = try FeedParser.parse(
                    bytes: response.body, contentType: response.contentType, url: pageURL, timeZone: zone,
                    fetchedAt: Date())
                fields = [
                    ("kind", feed.kind), ("title", feed.title), ("charset", feed.charset),
                    ("entries", "\(feed.entries.count)"),
                ]
                for (index, entry) in feed.entries.enumerated() {
                    fields.append(
                        (
                            "entry[\(index)]",
                            "\(entry.published.map(Self.iso) ?? "-")  \(entry.title)  \(entry.url?.absoluteString ?? "")  id=\(entry.id)"
                        ))
                }
            } else {
                let article = ArticleExtractor.extract(
                    bytes: response.body, contentType: response.contentType, url: pageURL, timeZone: zone)
                fields = [
                    ("title", article.title), ("published", article.publishedText ?? ""),
                    ("author", article.author ?? ""),
                    ("source", article.source ?? ""), ("category", article.category ?? ""),
                    ("charset", article.charset),
                    ("body_text", article.bodyText), ("body_html", article.bodyHTML),
                ]
            }
            if json {
                let object = Dictionary(fields, uniquingKeysWith: { _, last in last })
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for (name, value) in fields { print("\(name): \(value)") }
            }
        }

        private static func iso(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: date)
        }
    }
}
