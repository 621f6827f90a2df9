public import Foundation

/// What `newsletter extract` prints: structured objects (for `--json`) and readable text, for articles,
/// listing pages and feeds alike.
public enum ExtractionReport: Sendable {
    /// A feed as a JSON object: `kind`, `title`, `charset`, `entry_count` and `entries`, each entry an object
    /// with `title`, `link`, `id`, `published` (ISO 8601 in UTC, or null), `published_guessed`, `author`, `summary`
    /// (plain text).
    public static func object(feed: Feed, timeZone: TimeZone) -> [String: Any] {
        let entries: [[String: Any]] = feed.entries.map { entry in
            [
                "title": entry.title,
                "link": entry.url?.absoluteString ?? NSNull(),
                "id": entry.id,
                "published": entry.published.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull(),
                "published_guessed": entry.publishedWasGuessed,
                "author": entry.author ?? NSNull(),
                "summary": (entry.summaryHTML ?? entry.contentHTML).map { HTMLText.plainText(fromHTML: $0) }
                    ?? NSNull(),
            ]
        }
        return [
            "type": "feed", "kind": feed.kind, "title": feed.title, "charset": feed.charset,
            "entry_count": feed.entries.count, "entries": entries,
        ]
    }

    /// A listing page as a JSON object: `links` (objects with `url`, `title`, `date`, `date_only`),
    /// `next_page`, `blocks` (the scored candidates, best first) and `selector_miss`.
    public static func object(listing: ListingPage, timeZone: TimeZone) -> [String: Any] {
        [
            "type": "listing",
            "links": listing.links.map { link -> [String: Any] in
                [
                    "url": link.url.absoluteString, "title": link.title,
                    "date": link.date.map { dateText($0, dateOnly: link.dateOnly, timeZone: timeZone) } ?? NSNull(),
                    "date_only": link.dateOnly,
                ]
            },
            "next_page": listing.nextPage?.absoluteString ?? NSNull(),
            "blocks": listing.blocks.map { block -> [String: Any] in
                [
                    "path": block.path, "links": block.linkCount, "dated": block.datedCount, "score": block.score,
                    "reasons": block.reasons, "sample_titles": block.sampleTitles, "chosen": block.chosen,
                ]
            },
            "selector_miss": listing.selectorMiss ?? NSNull(),
        ]
    }

    /// An article as a JSON object: `title`, `published` (as the page shows it), `author`, `source`,
    /// `category`, `charset`, `body_text`, `body_html`.
    public static func object(article: ExtractedArticle) -> [String: Any] {
        [
            "type": "article", "title": article.title, "published": article.publishedText ?? NSNull(),
            "author": article.author ?? NSNull(), "source": article.source ?? NSNull(),
            "category": article.category ?? NSNull(), "charset": article.charset, "body_text": article.bodyText,
            "body_html": article.bodyHTML,
        ]
    }

    /// Readable diagnosis of a listing page: the candidate blocks with scores and reasons, the winner, the
    /// links with dates and titles, and the next page.
    public static func text(listing: ListingPage, timeZone: TimeZone) -> String {
        var lines: [String] = []
        if let miss = listing.selectorMiss { lines.append("selector matched nothing: \(miss)") }
        if !listing.blocks.isEmpty {
            lines.append("candidate blocks (best first):")
            for (index, block) in listing.blocks.enumerated() {
                let mark = block.chosen ? "*" : " "
                lines.append(
                    "\(mark) [\(index + 1)] score \(block.score)  \(block.path)  \(block.linkCount) links, \(block.datedCount) dated"
                )
                for reason in block.reasons { lines.append("        \(reason)") }
                if !block.sampleTitles.isEmpty {
                    lines.append("        e.g. " + block.sampleTitles.joined(separator: " | "))
                }
            }
            if let winner = listing.blocks.first(where: \.chosen) {
                var why = "winner: \(winner.path) (score \(winner.score))"
                if listing.blocks.count > 1, let runnerUp = listing.blocks.first(where: { !$0.chosen }) {
                    why += ", ahead of \(runnerUp.path) (score \(runnerUp.score))"
                }
                lines.append(why)
            }
        }
        lines.append("links: \(listing.links.count)")
        for link in listing.links {
            let date = link.date.map { dateText($0, dateOnly: link.dateOnly, timeZone: timeZone) } ?? "-"
            lines.append("  \(date)  \(link.title)  \(link.url.absoluteString)")
        }
        lines.append("next page: \(listing.nextPage?.absoluteString ?? "-")")
        return lines.joined(separator: "\n")
    }

    /// Why a listing gave no links, with what was found instead and how to point at the list.
    public static func emptyListingExplanation(_ listing: ListingPage) -> String {
        if let miss = listing.selectorMiss {
            return "the selector \(miss) matched no article link"
        }
        guard let biggest = listing.blocks.max(by: { $0.linkCount < $1.linkCount }) else {
            return "no same-site links with titles at all; set `links:` to a CSS selector for the article links"
        }
        let why = biggest.reasons.dropFirst().joined(separator: "; ")
        return "the biggest link block, \(biggest.linkCount) links in \(biggest.path), scored \(biggest.score)"
            + (why.isEmpty ? "" : " (\(why))")
            + "; if these are the articles, set `links: \"\(selectorHint(biggest.path))\"` for this source"
    }

    private static func selectorHint(_ path: String) -> String {
        (path.components(separatedBy: " > ").last ?? path) + " a"
    }

    /// `2022-02-13` for a date known only to the day, ISO 8601 with offset otherwise.
    static func dateText(_ date: Date, dateOnly: Bool, timeZone: TimeZone) -> String {
        let text = DateParser.iso8601(date, timeZone: timeZone)
        return dateOnly ? String(text.prefix(10)) : text
    }
}
