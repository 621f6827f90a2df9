import Foundation
import Testing

@testable import NewsletterKit

struct FeedParserTests {
    private static let fetchedAt = Date(timeIntervalSince1970: 1_800_000_000)

    /// An entry without a title is headed by its first sentence.
    ///
    /// As a microblog-style note in a new-user trial's harbour feed: cut with `…` when long; an Atom entry
    /// likewise. Titled entries keep theirs.
    @Test func untitledEntriesAreHeadedByTheirFirstSentence() throws {
        let rss = """
            <?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Harbour</title>
            <link>https://harbour.example.org/</link><description>notes</description>
            <item><title>Ferry timetable changes</title><link>https://harbour.example.org/ferry.html</link>
            <description>From Monday the ferry leaves at 7:10.</description></item>
            <item><link>https://harbour.example.org/note-1.html</link>
            <description>&lt;p&gt;Harbour walk cleared for the winter season. Gritting starts at dawn.&lt;/p&gt;</description></item>
            <item><link>https://harbour.example.org/note-2.html</link>
            <description>港区步道冬季维护今日完成，沿线照明同步更新。市民可正常通行</description></item>
            <item><link>https://harbour.example.org/note-3.html</link><description>\(String(repeating: "word ", count: 30))</description></item>
            </channel></rss>
            """
        let url = try #require(URL(string: "https://harbour.example.org/feed.xml"))
        let feed = try FeedParser.parse(
            bytes: Array(rss.utf8), contentType: "application/rss+xml", url: url, timeZone: nil,
            fetchedAt: Self.fetchedAt)
        #expect(
            feed.entries.map(\.title) == [
                "Ferry timetable changes", "Harbour walk cleared for the winter season.", "港区步道冬季维护今日完成，沿线照明同步更新。",
                String(repeating: "word ", count: 12).trimmingCharacters(in: .whitespaces) + "…",
            ])
        #expect(feed.entries.allSatisfy { $0.title.count <= FeedParser.madeTitleLength })
        let atom = """
            <?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Notes</title>
            <id>urn:example:notes</id><updated>2026-12-01T00:00:00Z</updated>
            <entry><id>urn:example:1</id><updated>2026-12-01T00:00:00Z</updated><link href="https://notes.example.org/1"/>
            <summary>Library hours extended! Open until 22:00 in December.</summary></entry></feed>
            """
        let atomFeed = try FeedParser.parse(
            bytes: Array(atom.utf8), contentType: "application/atom+xml", url: url, timeZone: nil,
            fetchedAt: Self.fetchedAt)
        #expect(atomFeed.entries.map(\.title) == ["Library hours extended!"])
    }

    private static func parse(_ file: String, contentType: String? = nil, timeZone: TimeZone? = nil) throws -> Feed {
        let url = try #require(URL(string: "https://feeds.example.com/feed.xml"))
        return try FeedParser.parse(
            bytes: try Fixtures.bytes("cases/" + file), contentType: contentType, url: url, timeZone: timeZone,
            fetchedAt: fetchedAt)
    }

    // Case 01.
    @Test(arguments: [
        ("01-gbk-body-utf8-declared.gbk-bytes.xml", "text/xml; charset=gbk"),
        ("01-gbk-body-utf8-declared.gbk-bytes.xml", "text/xml"),
        ("01-gbk-body-utf8-declared.utf8-bytes.xml", "text/xml; charset=gbk"),
        ("01-gbk-body-utf8-declared.utf8-bytes.xml", "text/xml"),
    ])
    func case01TitlesSurviveWrongLabels(file: String, contentType: String) throws {
        let feed = try Self.parse(file, contentType: contentType)
        #expect(feed.title == "示例博客")
        #expect(feed.kind == "rss2")
        let entry = try #require(feed.entries.first)
        #expect(feed.entries.count == 1)
        #expect(entry.title == "测试新闻")
        #expect(entry.summaryHTML == "第一段测试内容。")
        #expect(entry.id == "http://blog.example.cn/a/101.html")
        #expect(entry.published.map { DateParser.iso8601($0, offset: 0) } == "2019-05-31T02:00:00+00:00")
    }

    @Test func case01OneBadByte() throws {
        let feed = try Self.parse(
            "01-gbk-body-utf8-declared.utf8-one-bad-byte.xml", contentType: "application/rss+xml; charset=utf-8")
        #expect(feed.charset == "utf-8")
        #expect(feed.entries.first?.title == "测试新闻")
        #expect(feed.entries.first?.summaryHTML == "第一段测试内容。\u{FFFD}")
    }

    // Case 04.
    @Test(arguments: ["04-bom-before-xml-decl.xml", "04-bom-before-xml-decl.bom-vs-decl.xml"])
    func case04BOM(file: String) throws {
        #expect(FeedParser.looksLikeFeed(try Fixtures.bytes("cases/" + file)))
        let feed = try Self.parse(file)
        #expect(feed.entries.count == 1)
        #expect(feed.entries.first?.title == "测试标题")
        #expect(feed.entries.first?.url?.absoluteString == "https://www.example.com/n/1")
        #expect(feed.title == "示例站点")
    }

    // Case 06.
    @Test func case06ZonelessAtomIsUTCByDefault() throws {
        let feed = try Self.parse("06-datetime-without-zone.atom")
        #expect(feed.kind == "atom")
        let entry = try #require(feed.entries.first)
        #expect(entry.published.map { DateParser.iso8601($0, offset: 0) } == "2026-11-14T22:02:55+00:00")
        #expect(!entry.publishedWasGuessed)
        #expect(entry.id == "https://forum.example.com/t/74450")
        #expect(entry.url?.absoluteString == "https://forum.example.com/t/74450")
    }

    @Test func case06ConfiguredZone() throws {
        let feed = try Self.parse("06-datetime-without-zone.atom", timeZone: TimeZone(identifier: "Asia/Shanghai"))
        #expect(feed.entries.first?.published.map { DateParser.iso8601($0, offset: 0) } == "2026-11-14T14:02:55+00:00")
    }

    @Test func case06UnparseableDateIsGuessedAndOthersStillParse() throws {
        let xml = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>a</title><link>https://news.example.com/a</link><pubDate>Thu, 19 Nov 2026 17:00:00 Z</pubDate></item>
            <item><title>b</title><link>https://news.example.com/b</link><pubDate>19/11/2026 late evening</pubDate></item>
            <item><title>c</title><link>https://news.example.com/c</link><pubDate>Thu, 19 Nov 26 18:00:00 +0100</pubDate></item>
            </channel></rss>
            """
        let url = try #require(URL(string: "https://news.example.com/rss"))
        let feed = try FeedParser.parse(
            bytes: Array(xml.utf8), contentType: nil, url: url, timeZone: nil, fetchedAt: Self.fetchedAt)
        #expect(feed.entries.count == 3)
        #expect(feed.entries[0].published.map { DateParser.iso8601($0, offset: 0) } == "2026-11-19T17:00:00+00:00")
        #expect(feed.entries[1].published == Self.fetchedAt)
        #expect(feed.entries[1].publishedWasGuessed)
        #expect(feed.entries[2].published.map { DateParser.iso8601($0, offset: 0) } == "2026-11-19T17:00:00+00:00")
        #expect(!feed.entries[2].publishedWasGuessed)
    }

    // Case 07: identity.
    @Test func case07LinkIsTheIdentityWithoutGuid() throws {
        let run1 = try Self.parse("07-items-without-guid.run1.xml")
        let run2 = try Self.parse("07-items-without-guid.run2.xml")
        #expect(
            run1.entries.map(\.id) == [
                "https://news.example.com/p/3", "https://news.example.com/p/2", "https://news.example.com/p/1",
            ])
        let new = Set(run2.entries.map(\.id)).subtracting(run1.entries.map(\.id))
        #expect(new == ["https://news.example.com/p/4"])
        #expect(run2.entries.first { new.contains($0.id) }?.title == "测试新闻四")
    }

    @Test func case07GuidBeatsASharedLink() throws {
        let run1 = try Self.parse("07-items-without-guid.shared-link.run1.xml")
        let run2 = try Self.parse("07-items-without-guid.shared-link.run2.xml")
        let new = run2.entries.filter { !run1.entries.map(\.id).contains($0.id) }
        #expect(new.map(\.title) == ["EXAMPLE-CAN-1003: 测试厂商丙"])
        #expect(new.first?.id == "EXAMPLE-CAN-1003")
        #expect(new.first?.url?.absoluteString == "https://advisories.example.org/upcoming/")
    }

    @Test func identityHashIgnoresDescription() throws {
        func feed(_ description: String) throws -> Feed {
            let xml = """
                <rss version="2.0"><channel><title>t</title><item><title>同一标题</title>
                <enclosure url="https://cdn.example.com/a.mp3"/><pubDate>Mon, 02 Nov 2026 08:00:00 +0800</pubDate>
                <description>\(description)</description></item></channel></rss>
                """
            let url = try #require(URL(string: "https://news.example.com/rss"))
            return try FeedParser.parse(
                bytes: Array(xml.utf8), contentType: nil, url: url, timeZone: nil, fetchedAt: Self.fetchedAt)
        }
        let first = try #require(try feed("阅读 1 次").entries.first)
        let second = try #require(try feed("阅读 2 次，已编辑").entries.first)
        #expect(first.id == second.id)
        #expect(first.id.hasPrefix("hash:"))
        #expect(first.url == nil)
    }

    // Case 11: titles decoded exactly once to plain text.
    @Test func case11EntitiesDecodedOnce() throws {
        let feed = try Self.parse("11-entities-double-escaped.xml")
        #expect(feed.title == "测试 & 示例")
        #expect(feed.entries.map(\.title) == ["Berger & Wyse 测试", "Sarah's 测试 Scribbles", "测试\u{A0}标题", "A < B 测试"])
        #expect(feed.entries[3].summaryHTML == "<p>甲 &amp; 乙 &lt;测试&gt; &quot;引号&quot;</p>")
        for entry in feed.entries {
            #expect(!entry.title.contains("&amp;") && !entry.title.contains("&#") && !entry.title.contains("&lt;"))
        }
    }

    /// An RSS title's markup goes, but text in angle brackets that is not an HTML tag stays (a trial's
    /// `the <Saturday> park clean-up` was mailed as `the  park clean-up`).
    @Test(arguments: [
        (
            "Volunteers wanted for the &lt;Saturday&gt; park clean-up",
            "Volunteers wanted for the <Saturday> park clean-up"
        ),
        ("市图书馆公益活动 &lt;首期报名开启&gt;", "市图书馆公益活动 <首期报名开启>"),
        ("&lt;b&gt;Bold&lt;/b&gt; news &lt;br/&gt;today", "Bold news today"),
        ("&lt;span class=\"x\"&gt;A&lt;/span&gt; &lt; B &lt;!-- note --&gt;", "A < B"),
        ("Use &lt;T&gt; generics &lt;/T&gt;", "Use <T> generics </T>"),
        ("会议&lt;o:p&gt;&lt;/o:p&gt;召开&lt;st1:chsdate Year=\"2026\"&gt;今日&lt;/st1:chsdate&gt;", "会议召开今日"),
    ])
    func rssTitleKeepsAngleBracketsThatAreNotTags(escaped: String, expected: String) throws {
        let xml = """
            <rss version="2.0"><channel><title>t</title><item><title>\(escaped)</title>
            <link>https://news.example.com/a</link></item></channel></rss>
            """
        let url = try #require(URL(string: "https://news.example.com/rss"))
        let feed = try FeedParser.parse(
            bytes: Array(xml.utf8), contentType: nil, url: url, timeZone: nil, fetchedAt: Self.fetchedAt)
        #expect(feed.entries.first?.title == expected)
    }

    @Test func notAFeedThrowsNamingTheURL() throws {
        let url = try #require(URL(string: "https://www.example.com/page.html"))
        let html = Array("<!DOCTYPE html><html><body><p>hi</p></body></html>".utf8)
        #expect(!FeedParser.looksLikeFeed(html))
        let error = #expect(throws: FeedError.self) {
            try FeedParser.parse(
                bytes: html, contentType: "text/html", url: url, timeZone: nil, fetchedAt: Self.fetchedAt)
        }
        #expect(error?.isNotAFeed == true)
        #expect(error?.description.contains("https://www.example.com/page.html") == true)
    }

    @Test(arguments: [
        ("\u{FEFF}<?xml version=\"1.0\"?>\n<rss version=\"2.0\">", true),
        ("  \n<!-- generator --><?xml-stylesheet href=\"a.xsl\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">", true),
        ("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">", true),
        ("<!DOCTYPE rss PUBLIC \"x\" \"y\"><rss>", true),
        ("<html><head><title>rss</title></head>", false),
        ("{\"rss\": true}", false),
    ])
    func sniffing(text: String, expected: Bool) {
        #expect(FeedParser.looksLikeFeed(Array(text.utf8)) == expected)
    }

    @Test func rss1AndXmlBase() throws {
        let rdf = """
            <?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel rdf:about="https://www.example.org/"><title>RDF 示例</title></channel>
            <item rdf:about="https://www.example.org/1"><title>一</title><link>https://www.example.org/1</link><dc:date>2026-11-02T08:00:00+08:00</dc:date><dc:creator>王五</dc:creator></item>
            </rdf:RDF>
            """
        let url = try #require(URL(string: "https://www.example.org/rss"))
        let feed = try FeedParser.parse(
            bytes: Array(rdf.utf8), contentType: nil, url: url, timeZone: nil, fetchedAt: Self.fetchedAt)
        #expect(feed.kind == "rss1")
        #expect(feed.title == "RDF 示例")
        #expect(feed.entries.first?.author == "王五")
        #expect(feed.entries.first?.published.map { DateParser.iso8601($0, offset: 0) } == "2026-11-02T00:00:00+00:00")

        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.example.com/blog/"><title type="html">A &amp;lt; B</title>
            <entry><title>t</title><id>urn:x:1</id><link rel="alternate" href="posts/1.html"/><updated>2026-11-02T08:00:00Z</updated>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>见 <a href="../img/a.html">此处</a></p><script>x()</script></div></content></entry></feed>
            """
        let atomFeed = try FeedParser.parse(
            bytes: Array(atom.utf8), contentType: nil, url: url, timeZone: nil, fetchedAt: Self.fetchedAt)
        #expect(atomFeed.title == "A < B")
        #expect(atomFeed.entries.first?.url?.absoluteString == "https://www.example.com/blog/posts/1.html")
        #expect(atomFeed.entries.first?.contentHTML == "<p>见 <a href=\"https://www.example.com/img/a.html\">此处</a></p>")
    }
}
