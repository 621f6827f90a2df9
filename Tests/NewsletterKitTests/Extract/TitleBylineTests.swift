import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// Titles are text, authors are people or desks, bylines move into the author field, dates stay dates.
struct TitleBylineTests {
    static let url = Fixtures.url("http://www.example.gov.cn/xw/202202/t20220217_1.html")

    static func extract(_ html: String) throws -> ExtractedArticle {
        ArticleExtractor.extract(
            html: html, url: url, timeZone: try #require(TimeZone(identifier: "Asia/Shanghai")))
    }

    static func page(head: String = "", title: String = "测试文章_示例网", h1: String = "", body: [String]) -> String {
        """
        <html><head><meta charset="utf-8"><title>\(title)</title>\(head)</head><body>
        <div class="top"><a href="/">首页</a></div>\(h1)
        <div class="info">发布日期：2022-02-17</div>
        <div class="TRS_Editor">\(body.map { "<p>\($0)</p>" }.joined())</div>
        <div class="footer">版权所有 示例网</div></body></html>
        """
    }

    static let paragraphs = [
        "全市优化营商环境工作推进会17日召开，会议总结了去年的工作，部署了今年的重点任务，要求各部门进一步提高服务效率。",
        "会议强调，要持续深化“放管服”改革，推动政务服务事项全部实现网上可办，让企业和群众办事更加便利。",
        "会议还对重点项目建设、招商引资和民营经济发展等工作作了安排，要求各地各部门抓好落实，确保取得实效。",
    ]

    @Test func hiddenHeadingNeverSuppliesTheTitle() throws {
        let html = Self.page(
            title: "市政协五届一次会议开幕_松花江网", h1: #"<h1 class="none">松花江网</h1><h1>市政协五届一次会议开幕</h1>"#,
            body: Self.paragraphs)
        #expect(try Self.extract(html).title == "市政协五届一次会议开幕")
    }

    @Test func trsArticleTitleMetaIsReadAsText() throws {
        let head =
            #"<meta name="ArticleTitle" content="为现代化巴彦淖尔建设凝聚强大智慧和力量&lt;div&gt;——热烈祝贺市政协五届一次会议开幕&lt;/div&gt;">"#
        let article = try Self.extract(Self.page(head: head, body: Self.paragraphs))
        #expect(article.title == "为现代化巴彦淖尔建设凝聚强大智慧和力量——热烈祝贺市政协五届一次会议开幕")
        #expect(!article.title.contains("<"))
    }

    /// Angle brackets in a title that are not HTML tags are part of it (a trial's title lost `<首期报名开启>`).
    @Test func articleTitleMetaKeepsBracketsThatAreNoTags() throws {
        let title = "市图书馆推出“周末阅读营”公益活动 <首期报名开启>"
        let escaped = title.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        let head = #"<meta name="ArticleTitle" content=""# + escaped + #"">"#
        let article = try Self.extract(
            Self.page(head: head, h1: "<h1>" + escaped + "</h1>", body: Self.paragraphs))
        #expect(article.title == title)
    }

    @Test(arguments: ["L_360307 · L_104485", "www.yunnan.cn,云南日报报业集团,云南网", "云南网", "2022-02-17", "u123456"])
    func metadataThatIsNoAuthor(_ value: String) throws {
        let article = try Self.extract(
            Self.page(head: "<meta name=\"author\" content=\"\(value)\">", body: Self.paragraphs))
        #expect(article.author == nil)
    }

    @Test(arguments: [
        ("（记者 胡晓蓉）", true, "胡晓蓉"), ("□ 本报记者 葛灵丹", false, "葛灵丹"), ("记者 张三 通讯员 李四", false, "张三 李四"),
        ("文/图 王五", true, "王五"), ("本报记者葛灵丹", false, "葛灵丹"),
    ])
    func bylineLineMovesIntoTheAuthor(_ line: String, _ atEnd: Bool, _ author: String) throws {
        let body = atEnd ? Self.paragraphs + [line] : [line] + Self.paragraphs
        let article = try Self.extract(Self.page(body: body))
        #expect(article.author == author)
        #expect(!article.bodyText.contains(line))
        #expect(!article.bodyHTML.contains(line))
        #expect(article.bodyText.contains("全市优化营商环境工作推进会"))
    }

    @Test(arguments: ["会议强调，记者 从会上获悉的情况是这样的。", "（完）"])
    func sentencesAreNotBylines(_ line: String) {
        #expect(Byline.names(inLine: line) == nil)
    }

    @Test(arguments: [
        ("松花江网", "为现代化巴彦淖尔建设凝聚强大智慧和力量", "为现代化巴彦淖尔建设凝聚强大智慧和力量"),
        ("关于做好春节后复工复产疫情防控工作的通知", "关于做好春节后复工复产…", "关于做好春节后复工复产疫情防控工作的通知"),
        ("市政协五届一次会议开幕", "热烈祝贺市政协五届一次会议开幕", "热烈祝贺市政协五届一次会议开幕"),
        ("市政协五届一次会议开幕", "市政协五届一次会议开幕", "市政协五届一次会议开幕"), ("", "链接里的完整标题", "链接里的完整标题"),
    ])
    func listingTitleWinsWhenThePageDisagrees(_ page: String, _ link: String, _ expected: String) {
        #expect(ArticleExtractor.preferredTitle(page: page, link: link) == expected)
    }

    /// A link text cut short on a page whose `<h1>`/`<title>` is the site's name (an older county template, from a
    /// new-user trial): the headline comes from the article's first lines when one completes the link, else the
    /// link text stays; never the site's name.
    @Test(arguments: [
        (
            "某某县人民政府", "县政府召开冬季森林防火工作会...", "县政府召开冬季森林防火工作会议\n12月1日，县政府召开会议。",
            "县政府召开冬季森林防火工作会议"
        ),
        (
            "某某县人民政府", "县政府召开冬季森林防火工作会...", "12月1日，县政府召开会议，部署冬季森林防火工作。",
            "县政府召开冬季森林防火工作会..."
        ),
        ("县政府召开冬季森林防火工作会议", "县政府召开冬季森林防火工作会…", "", "县政府召开冬季森林防火工作会议"),
    ])
    func aCutLinkTextIsNeverCompletedBySomethingElse(_ page: String, _ link: String, _ body: String, _ expected: String)
    {
        #expect(ArticleExtractor.preferredTitle(page: page, link: link, body: body) == expected)
    }

    @Test func aDayOnlyDateIsADate() throws {
        let article = try Self.extract(Self.page(body: Self.paragraphs))
        #expect(article.publishedDateOnly)
        let timed = try Self.extract(
            Self.page(body: Self.paragraphs).replacingOccurrences(of: "2022-02-17", with: "2022-02-17 09:30"))
        #expect(!timed.publishedDateOnly)
    }
}

/// Late and back-dated articles through the whole pipeline: week 1, a back-dated article appears in week 2 and
/// is sent once in week 2's digest; an old article that only slid onto page 1 is never sent.
struct LateArticlePipelineTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func write(_ folder: URL, listing: [(String, String, String)]) throws {
        let items = listing.map { "<li><a href=\"/xw/\($0.0).html\">\($0.1)</a><span>\($0.2)</span></li>" }.joined()
        let html = "<html><body><div class=\"right\"><ul>\(items)</ul></div></body></html>"
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("xw"), withIntermediateDirectories: true)
        try Data(html.utf8).write(to: folder.appendingPathComponent("xw/index.html"))
        for (id, title, date) in listing {
            let page = """
                <html><head><title>\(title)_示例网</title></head><body><h1>\(title)</h1><div>发布日期：\(date)</div>
                <div class="TRS_Editor"><p>\(title)。这是正文的第一段，内容足够长，可以被正文提取器识别为文章的主体部分。</p>
                <p>这是正文的第二段，同样包含足够多的文字，用来组成一篇完整的测试文章。</p></div></body></html>
                """
            try Data(page.utf8).write(to: folder.appendingPathComponent("xw/\(id).html"))
        }
    }

    @Test func backDatedArticleIsSentOnceInTheWeekItAppears() async throws {
        let folder = try TemporaryFolder()
        let site = folder.file("site")
        let week1Listing = [
            ("a1", "第一周的新文章甲", "2022-02-18"), ("a2", "第一周的新文章乙", "2022-02-16"), ("a0", "很早以前的旧文章", "2021-11-01"),
        ]
        try Self.write(site, listing: week1Listing)
        let file = try TestConfig.write(in: folder, sources: [("测试栏目", "http://www.example.gov.cn/xw/index.html")])
        try Data("email\nreader@example.com\n".utf8).write(to: folder.file("subscribers.csv"))
        let newsletter = try Newsletter(
            config: try NewsletterConfig.load(from: file), fetcher: FolderFetcher(root: site), logger: Self.logger)
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let week1 = try #require(DateParser.parse("2022-02-20T08:00:00+08:00", timeZone: zone))
        let week2 = week1.addingTimeInterval(7 * 86_400)
        let week3 = week2.addingTimeInterval(7 * 86_400)
        let transport = RecordingTransport()
        let first = try await newsletter.send(now: week1, dryRun: false, transport: transport)
        #expect(first.articleCount == 2)

        // Week 2: one new article, one back-dated (published 02-13, before the window starting 02-20), and an
        // old article that only slid onto the page because another was deleted.
        try Self.write(
            site,
            listing: [
                ("b1", "第二周的新文章", "2022-02-24"), ("a1", "第一周的新文章甲", "2022-02-18"),
                ("late", "迟到收录的补发文章", "2022-02-13"), ("a2", "第一周的新文章乙", "2022-02-16"),
                ("old", "滑到首页的旧文章", "2021-10-20"),
            ])
        let fetched = await newsletter.fetchAll(now: week2)
        #expect(fetched.notFetched.count == 1)
        #expect(fetched.notFetched.first?.contains("滑到首页的旧文章") == true)
        let selected = try await newsletter.selectNew(now: week2)
        #expect(selected.map(\.title) == ["第二周的新文章", "迟到收录的补发文章"])
        let content = newsletter.makeContent(selected, now: week2)
        #expect(content.items.map(\.date) == ["2022-02-24", "2022-02-13"])
        let second = try await newsletter.send(now: week2, dryRun: false, transport: transport)
        #expect(second.articleCount == 2)
        let third = try await newsletter.send(now: week3, dryRun: false, transport: transport)
        #expect(third.nothingNew)
    }
}
