import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the extractor finds in one page or feed (a URL or a file).",
            discussion: """
                A listing page (given --listing, or detected: many links in one block, little article text) \
                shows the candidate link blocks with their scores and reasons, the chosen links with dates and \
                titles, and the next page. --json prints one object for an article, a listing or a feed.
                Use it when a source finds nothing or the wrong thing, then point with the source keys \
                `links:`, `next_page:`, `title:`, `date:`, `body:` (try them here with --links and --next-page).

                Examples:
                  newsletter extract https://www.example.gov.cn/tzgg/ --listing
                  newsletter extract https://www.example.gov.cn/tzgg/ --links "div.list li a"
                  newsletter extract saved.html --base-url https://www.example.gov.cn/a/1.html
                  newsletter extract https://www.example.com/feed.xml --json
                """)

        @Argument(help: "An http(s) URL or a local file.") var target: String
        @Flag(name: .long, help: "Print JSON.") var json = false
        @Option(
            name: .long,
            help: """
                The zone for times written without one (IANA name). Default: the zone of the source with \
                the page's host in the configuration (--config or ./newsletter.yml, when there is one), \
                else its `timezone`, else UTC (never the system's zone, so that every machine agrees).
                """)
        var timezone: String?
        @Option(name: .long, help: "The configuration whose sources give the default zone (default: ./newsletter.yml).")
        var config: String?
        @Option(name: .long, help: "The page's URL, for resolving relative links of a local file.") var baseURL: String?
        @Flag(name: .long, help: "Treat the page as a listing page: show the candidate blocks, links and next page.")
        var listing = false
        @Flag(name: .long, help: "Treat the page as an article page even when it looks like a listing.")
        var article = false
        @Option(name: .long, help: "A CSS selector for the article links (as the source key `links:`).")
        var links: String?
        @Option(name: .long, help: "A CSS selector for the next-page link (as the source key `next_page:`).")
        var nextPage: String?

        /// The zone for times written without one, and where it came from (for the note on standard error).
        func resolveZone(for pageURL: URL) throws -> (TimeZone, String) {
            if let timezone {
                guard let zone = TimeZone(identifier: timezone) else {
                    throw ValidationError("--timezone: unknown zone '\(timezone)' (an IANA name such as Asia/Shanghai)")
                }
                return (zone, "--timezone")
            }
            let path = config ?? NewsletterConfig.defaultFileName
            if config != nil || FileManager.default.fileExists(atPath: path) {
                let loaded = try NewsletterConfig.load(from: URL(fileURLWithPath: path))
                let host = pageURL.host?.lowercased()
                if let host, let source = loaded.sources.first(where: { $0.url.host?.lowercased() == host }) {
                    return (source.timeZone, "source \(source.name) in \(path); --timezone to change")
                }
                return (loaded.timeZone, "timezone in \(path); --timezone to change")
            }
            // Not the process's zone: a cron host and a laptop must read a page the same way (case 06).
            return (TimeZone.gmt, "no configuration found; --timezone to change")
        }

        func run() async throws {
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
            let (zone, zoneSource) = try resolveZone(for: pageURL)
            if !json {
                FileHandle.standardError.write(
                    Data("times without a zone are read in \(zone.identifier) (\(zoneSource))\n".utf8))
            }
            if !listing, FeedParser.looksLikeFeed(response.body) {
                let feed = try FeedParser.parse(
                    bytes: response.body, contentType: response.contentType, url: pageURL, timeZone: zone,
                    fetchedAt: Date())
                let object = ExtractionReport.object(feed: feed, timeZone: zone)
                if json { return try printJSON(object) }
                print(
                    "kind: \(feed.kind)\ntitle: \(feed.title)\ncharset: \(feed.charset)\nentries: \(feed.entries.count)"
                )
                let formatter = ISO8601DateFormatter()
                for (index, entry) in feed.entries.enumerated() {
                    let published = entry.published.map { formatter.string(from: $0) } ?? "-"
                    print(
                        "entry[\(index)]: \(published)  \(entry.title)  \(entry.url?.absoluteString ?? "")  id=\(entry.id)"
                    )
                }
                return
            }
            let selectors = ListingExtractor.Selectors(links: links, nextPage: nextPage)
            let page = ListingExtractor.extract(
                bytes: response.body, contentType: response.contentType, url: pageURL, timeZone: zone,
                selectors: selectors)
            let article = ArticleExtractor.extract(
                bytes: response.body, contentType: response.contentType, url: pageURL, timeZone: zone)
            // Detected as a listing: many links in the winning block and little article text.
            let isListing =
                listing || links != nil
                || (!self.article && page.links.count >= 8 && article.bodyText.count < 40 * page.links.count)
            if isListing {
                if json { return try printJSON(ExtractionReport.object(listing: page, timeZone: zone)) }
                print(ExtractionReport.text(listing: page, timeZone: zone))
                if page.links.isEmpty { print("no article links: " + ExtractionReport.emptyListingExplanation(page)) }
                return
            }
            if json { return try printJSON(ExtractionReport.object(article: article)) }
            let fields: [(String, String)] = [
                ("title", article.title), ("published", article.publishedText ?? ""),
                ("author", article.author ?? ""),
                ("source", article.source ?? ""), ("category", article.category ?? ""),
                ("charset", article.charset),
                ("body_text", article.bodyText), ("body_html", article.bodyHTML),
            ]
            for (name, value) in fields { print("\(name): \(value)") }
        }

        private func printJSON(_ object: [String: Any]) throws {
            let data = try JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
