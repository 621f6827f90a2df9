import Foundation
import Testing

@testable import NewsletterKit

/// The web archive: every digest that went out as a page without any subscriber's data, an index and
/// an Atom feed that parse, and the links in messages ("view in browser", "另有 N 篇") pointing at the
/// issue's page, which lists every article.
@Suite(.serialized)
struct ArchiveWriterTests {
    static let base = "https://news.example.com/archive/"

    /// Parses the archive with Python: the feed with `xml.etree` (Atom namespace), the index with
    /// `html.parser`; prints JSON {entries: [{title, id, updated, link}], index_links: [...]}.
    static let reader = #"""
        import json, sys, xml.etree.ElementTree as ET
        from html.parser import HTMLParser
        folder = sys.argv[1]
        A = "{http://www.w3.org/2005/Atom}"
        root = ET.parse(folder + "/feed.xml").getroot()
        assert root.tag == A + "feed", root.tag
        entries = [{"title": e.findtext(A + "title"), "id": e.findtext(A + "id"), "updated": e.findtext(A + "updated"),
                    "link": e.find(A + "link").get("href"), "content": e.findtext(A + "content")}
                   for e in root.findall(A + "entry")]
        class Links(HTMLParser):
            def __init__(self):
                super().__init__(); self.links = []
            def handle_starttag(self, tag, attrs):
                if tag == "a": self.links.append(dict(attrs).get("href"))
        parser = Links(); parser.feed(open(folder + "/index.html", encoding="utf-8").read())
        print(json.dumps({"title": root.findtext(A + "title"), "id": root.findtext(A + "id"), "entries": entries,
                          "index_links": parser.links}, ensure_ascii=False))
        """#

    struct Parsed: Decodable {
        struct Entry: Decodable {
            var title: String
            var id: String
            var updated: String
            var link: String
            var content: String
        }
        var title: String
        var id: String
        var entries: [Entry]
        var indexLinks: [String]
        enum CodingKeys: String, CodingKey {
            case title, id, entries
            case indexLinks = "index_links"
        }
    }

    static func parse(_ folder: URL) throws -> Parsed {
        let result = try run(["/usr/bin/env", "python3", "-c", reader, folder.path])
        try #require(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(Parsed.self, from: Data(result.stdout.utf8))
    }

    /// Two weeks of the fixture site sent through aiosmtpd by the built executable.
    @Test func sentDigestsAreArchivedAndTheMessagesLinksResolve() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try TestConfig.write(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")], smtpPort: smtp.port,
            extra: [
                "unsubscribe_url: https://news.example.com/u?l=weekly&t={{token}}", "archive_url: \(Self.base)",
                "archive_dir: public/archive",
            ])
        try Data("email,name,token\r\nreader1@example.com,读者,tok-reader-1\r\neditor@example.org,,tok-editor-2\r\n".utf8)
            .write(to: folder.file("subscribers.csv"))
        let week1 = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(week1.status == 0, "\(week1.stdout)\(week1.stderr)")
        #expect(week1.stdout.contains("archive: 1 issue(s)"), "\(week1.stdout)")
        try http.serve(WeeklyDigestEndToEndTests.snapshot("2019-06-08"))
        let week2 = try newsletter(["send", "--config", config.path, "--now", "2019-06-08T08:00:00+08:00"])
        #expect(week2.status == 0, "\(week2.stdout)\(week2.stderr)")

        let archive = folder.file("public/archive")
        let pages = try FileManager.default.contentsOfDirectory(atPath: archive.path).filter {
            $0.hasPrefix("2019-")
        }.sorted()
        #expect(pages.count == 2 && pages[0].hasPrefix("2019-06-01-") && pages[1].hasPrefix("2019-06-08-"), "\(pages)")

        // Every message links its own issue's page, and that page exists.
        let messages = try ParsedMessage.parse(try smtp.messages())
        #expect(messages.count == 4)
        for message in messages {
            let html = try #require(message.part("text/html"))
            let text = try #require(message.part("text/plain"))
            let page = try #require(pages.first { html.contains("href=\"\(Self.base)\($0)\"") }, "no archive link")
            #expect(page.hasPrefix(message.subject?.hasSuffix("2019-06-01") == true ? "2019-06-01" : "2019-06-08"))
            #expect(html.contains(">在浏览器中查看</a>"))
            #expect(text.contains("在浏览器中查看：\n\(Self.base)\(page)\n"))
        }

        // Pages: subscriber-neutral, every article, links back to the index.
        for page in pages {
            let html = try String(contentsOf: archive.appendingPathComponent(page), encoding: .utf8)
            #expect(!html.contains("tok-reader-1") && !html.contains("tok-editor-2") && !html.contains("读者"))
            #expect(!html.contains("退订") && !html.contains("在浏览器中查看"))
            #expect(html.contains("href=\"index.html\"") && html.contains("href=\"feed.xml\""))
        }
        let second = try String(contentsOf: archive.appendingPathComponent(pages[1]), encoding: .utf8)
        #expect(second.contains("习近平接受俄罗斯主流媒体联合采访"))

        // Index and feed parse; newest first; links resolve.
        let parsed = try Self.parse(archive)
        #expect(parsed.title == "党建周报")
        #expect(parsed.entries.map(\.title) == ["党建周报 2019-06-08", "党建周报 2019-06-01"])
        #expect(parsed.entries.map(\.link) == pages.reversed().map { Self.base + $0 })
        #expect(parsed.entries.allSatisfy { $0.id.hasPrefix("tag:news.example.com,2019-06-0") })
        #expect(Set(parsed.entries.map(\.id)).count == 2)
        #expect(parsed.entries[0].content.contains("习近平接受俄罗斯主流媒体联合采访"))
        let issueLinks = parsed.indexLinks.filter { $0.hasPrefix("2019-") }
        #expect(issueLinks == pages.reversed())
        for link in parsed.indexLinks where !link.hasPrefix("http") {
            #expect(FileManager.default.fileExists(atPath: archive.appendingPathComponent(link).path), "\(link)")
        }
    }

    /// Case 13's budget: the "另有 N 篇" line links the issue's archive page, which lists all 60 articles.
    @Test func overBudgetLineLinksThePageThatListsEveryArticle() throws {
        let folder = try TemporaryFolder()
        let url = try TestConfig.write(
            in: folder, sources: [("a", "https://www.example.com/")],
            extra: [
                "archive_url: https://news.example.com/archive", "archive_dir: archive", "html_budget_bytes: 20000",
            ])
        let config = try NewsletterConfig.load(from: url)
        let renderer = try DigestRenderer(
            directory: nil, htmlBudgetBytes: config.htmlBudgetBytes, archiveURL: config.archiveURL,
            logger: FixtureDigest.logger)
        let content = DigestContent(
            title: "党建周报", subject: "党建周报 2019-06-08", issueDate: "2019-06-08",
            items: (0..<60).map {
                DigestItem(
                    key: "k\($0)", title: "测试标题\($0)" + String(repeating: "测", count: 20),
                    url: "https://www.example.com/\($0).html", date: "2019-06-08 09:00", origin: nil, category: nil,
                    author: nil, excerpt: String(repeating: "测", count: 400))
            })
        let message = renderer.render(content, for: .init(name: "读者", unsubscribeURL: "https://news.example.com/u?t=x"))
        #expect(message.omittedCount > 0)
        let page = "https://news.example.com/archive/" + content.archivePageName
        #expect(message.html.contains("请见<a class=\"nl-link\" href=\"\(page)\""), "no link to the issue's page")
        #expect(message.text.contains("] \(page)\n"))

        let summary = try ArchiveWriter(config: config, renderer: renderer).write([
            ArchiveWriter.Issue(content: content, date: Date(timeIntervalSince1970: 1_559_952_000))
        ])
        #expect(summary.issues == 1 && summary.written.count == 3)
        let html = try String(
            contentsOf: config.archiveDirectory.appendingPathComponent(content.archivePageName), encoding: .utf8)
        for index in 0..<60 { #expect(html.contains("测试标题\(index)测")) }
        #expect(!html.contains("另有"))
        // Unchanged issues are not rewritten.
        let again = try ArchiveWriter(config: config, renderer: renderer).write([
            ArchiveWriter.Issue(content: content, date: Date(timeIntervalSince1970: 1_559_952_000))
        ])
        #expect(again.written.isEmpty)
    }

    /// The index shows an issue's first three titles, and `…` when it has more.
    @Test(arguments: [
        (["甲"], "甲"), (["甲", "乙", "丙"], "甲 · 乙 · 丙"), (["甲", "乙", "丙", "丁"], "甲 · 乙 · 丙 · …"),
    ])
    func indexListsTheFirstTitlesAndSaysWhenThereAreMore(titles: [String], shown: String) {
        #expect(ArchiveWriter.firstTitles(titles) == shown)
    }

    @Test func pageNamesDependOnTheArticlesAndAreStable() {
        func content(_ keys: [String], date: String = "2019-06-08") -> DigestContent {
            DigestContent(
                title: "t", subject: "s", issueDate: date,
                items: keys.map {
                    DigestItem(
                        key: $0, title: $0, url: "https://www.example.com/", date: "", origin: nil, category: nil,
                        author: nil, excerpt: "")
                })
        }
        #expect(content(["a", "b"]).archivePageName == content(["a", "b"]).archivePageName)
        #expect(content(["a", "b"]).archivePageName != content(["ab"]).archivePageName)
        #expect(content(["a", "b"]).archivePageName != content(["b", "a"]).archivePageName)
        #expect(content(["a"], date: "2019-06-01").archivePageName.hasPrefix("2019-06-01-"))
        #expect(content(["a"]).archivePageName.count == "2019-06-08-".count + 16 + ".html".count)
    }
}
