public import Foundation
import Mustache

/// Writes the web archive of the digests that went out: one static page per issue (the
/// subscriber-neutral digest: no name, no token, every article), `index.html` listing the issues
/// newest first, and `feed.xml`, an Atom feed (RFC 4287) of the issues.
///
/// Pages are named by ``DigestContent/archivePageName``, so the links in messages (`archive_url` +
/// name) resolve once the archive is published at `archive_url`. A file is rewritten only when its
/// bytes change, atomically.
public struct ArchiveWriter: Sendable {
    /// One digest that went out.
    public struct Issue: Sendable {
        public var content: DigestContent
        /// When it was frozen for sending.
        public var date: Date

        public init(content: DigestContent, date: Date) {
            self.content = content
            self.date = date
        }
    }

    /// What ``write(_:)`` did.
    public struct Summary: Sendable, Equatable {
        /// The archive folder.
        public var directory: URL
        /// How many issues it holds.
        public var issues: Int
        /// The files written because they were new or changed (pages, `index.html`, `feed.xml`).
        public var written: [URL]
    }

    public var directory: URL
    /// The archive's public address (`archive_url`), or `nil`: links are then relative.
    public var baseURL: String?
    public var title: String
    /// The tag URI authority (RFC 4151) for feed and entry ids, normally the From address's domain.
    public var authority: String
    public var listID: String
    private let renderer: DigestRenderer

    /// Prepares a writer for the archive that `config` describes.
    ///
    /// - Parameters:
    ///   - config: supplies the folder (`archive_dir`), the public address (`archive_url`), the title, the
    ///     From address's domain (the feed's tag authority) and the list id.
    ///   - renderer: renders the issue pages (its templates); the size budget does not apply.
    public init(config: NewsletterConfig, renderer: DigestRenderer) {
        directory = config.archiveDirectory
        baseURL = config.archiveURL
        title = config.title
        authority = config.from.email.split(separator: "@").last.map(String.init) ?? "localhost"
        listID = config.listID
        self.renderer = renderer
    }

    /// Writes every issue's page, the index and the feed.
    ///
    /// - Parameter issues: the digests that went out, in any order.
    /// - Returns: the archive folder, the number of issues, and the files written because they were new or
    ///   changed (unchanged files are left alone).
    /// - Throws: ``AtomicFile/WriteError`` naming the file that could not be written.
    public func write(_ issues: [Issue]) throws -> Summary {
        let ordered = issues.sorted { ($0.date, $0.content.archivePageName) > ($1.date, $1.content.archivePageName) }
        var written: [URL] = []
        func put(_ text: String, _ name: String) throws {
            let url = directory.appendingPathComponent(name)
            let data = Data(text.utf8)
            if FileManager.default.contents(atPath: url.path) == data { return }
            try AtomicFile.write(data, to: url)
            written.append(url)
        }
        for issue in ordered {
            try put(renderer.render(issue.content, for: .webPage).html, issue.content.archivePageName)
        }
        try put(indexHTML(ordered), "index.html")
        try put(feedXML(ordered), "feed.xml")
        return Summary(directory: directory, issues: ordered.count, written: written)
    }

    private func link(_ name: String) -> String {
        guard let baseURL else { return name }
        return (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + name
    }

    /// The first three titles of an issue for the index, with `…` when it has more (a new-user trial read "4 篇"
    /// beside three titles as a missing article).
    static func firstTitles(_ titles: [String]) -> String {
        titles.prefix(3).joined(separator: " · ") + (titles.count > 3 ? " · …" : "")
    }

    func indexHTML(_ issues: [Issue]) -> String {
        let view: [String: Any] = [
            "title": title,
            "count": issues.count,
            "issues": issues.map { issue -> [String: Any] in
                [
                    "subject": issue.content.subject, "date": issue.content.issueDate,
                    "count": issue.content.items.count, "url": issue.content.archivePageName,
                    "titles": Self.firstTitles(issue.content.items.map(\.title)),
                ]
            },
        ]
        return Self.indexTemplate.render(view)
    }

    func feedXML(_ issues: [Issue]) -> String {
        var view: [String: Any] = [
            "title": Self.xmlSafe(title),
            "id": "tag:\(authority),2000:\(listID)",
            "updated": Self.timestamp(issues.first?.date ?? Date(timeIntervalSince1970: 0)),
            "index_url": link("index.html"),
            "entries": issues.map { issue -> [String: Any] in
                let page = issue.content.archivePageName
                let list = issue.content.items.map {
                    "<li><a href=\"\(Self.attribute($0.url))\">\(Self.text($0.title))</a></li>"
                }.joined()
                return [
                    "title": Self.xmlSafe(issue.content.subject),
                    "id": "tag:\(authority),\(issue.content.issueDate):\(listID)/\(page)",
                    "updated": Self.timestamp(issue.date),
                    "url": link(page),
                    "summary": Self.xmlSafe(issue.content.items.map(\.title).joined(separator: " · ")),
                    "content": Self.xmlSafe("<ul>\(list)</ul>"),
                ]
            },
        ]
        if baseURL != nil { view["self_url"] = link("feed.xml") }
        return Self.feedTemplate.render(view)
    }

    /// RFC 3339 in UTC, as Atom's date constructs want (RFC 4287 §3.3).
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Drops the characters XML 1.0 does not allow (controls other than tab, LF, CR).
    static func xmlSafe(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
    }

    private static func text(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func attribute(_ value: String) -> String {
        text(value).replacingOccurrences(of: "\"", with: "&quot;")
    }

    // The templates parse (a test renders them): a failure here is a programming error.
    private static let indexTemplate = parse(ArchiveTemplates.index)
    private static let feedTemplate = parse(ArchiveTemplates.feed)

    private static func parse(_ source: String) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: source)
        } catch {
            preconditionFailure("built-in archive template does not parse: \(error)")
        }
    }
}
