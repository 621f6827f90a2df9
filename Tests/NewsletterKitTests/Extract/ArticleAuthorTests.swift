import Foundation
import Testing

@testable import NewsletterKit

/// Authors as the kinds of page state them: bylines with roles in running text (reporters and
/// correspondents alike), a closing `（记者 …）`, forum posters, English `By …` lines; editors never.
struct ArticleAuthorTests {
    static func extract(_ name: String, zone: String = "Asia/Shanghai") throws -> ExtractedArticle {
        ArticleExtractor.extract(
            bytes: try Fixtures.bytes("pages/\(name)"), contentType: nil,
            url: Fixtures.url("https://www.example.com/news/2022/0213/\(name)"), timeZone: Fixtures.zone(zone))
    }

    @Test(arguments: [
        ("discuz-thread.html", "zboygirl", "周末天气好，约了两个朋友去湖边走了一圈"),
        ("news-bracket-byline.html", "刘国栋 周炜 王燕平 方云凤 柏建斌", "省农业农村厅有关负责人表示"),
        ("news-closing-byline.html", "王燕平 胡晓蓉", "傍晚时分，家家户户的烟囱升起炊烟"),
        ("english-by-line.html", "Maria Lopez and Daniel Kim", "Construction on the first phase"),
    ])
    func authorOfTheKind(_ page: String, _ author: String, _ bodyPhrase: String) throws {
        let article = try Self.extract(page)
        #expect(article.author == author)
        #expect(article.bodyText.contains(bodyPhrase))
        #expect(!article.bodyText.contains("责任编辑"))
    }

    @Test func englishByLineLeavesTheBody() throws {
        let article = try Self.extract("english-by-line.html", zone: "UTC")
        #expect(!article.bodyText.contains("By Maria Lopez"))
        #expect(article.bodyText.hasPrefix("The city council voted 7-2"))
    }

    @Test func forumRepliesAreNotTheArticle() throws {
        let article = try Self.extract("discuz-thread.html")
        #expect(article.title == "春天来了，去湖边走走")
        #expect(!article.bodyText.contains("写得真好"))
    }

    /// 责任编辑 and 编辑 edit the article; they are never its author (the page has no other byline).
    @Test func editorIsNeverTheAuthor() throws {
        let html = """
            <html><head><meta charset="utf-8"><title>区领导调研众创金融街_示例网</title></head><body>
            <div class="nav"><a href="/">首页</a> <a href="/xw/">新闻</a></div>
            <h1>区领导调研众创金融街</h1><div>来源于：东区办事处</div>
            <div class="content"><p>2019年2月27日下午，区领导一行到众创金融街进行实地考察调研，相关部门负责人陪同调研，并召开了座谈会。</p>
            <p>下一步，将进一步加快金融资源集聚，强化金融服务实体经济能力，为经济发展提供创新驱动力。</p></div>
            <div>发布日期：2019-03-06 责任编辑：龙慧</div><div>编辑：王芳</div></body></html>
            """
        let article = ArticleExtractor.extract(
            html: html, url: Fixtures.url("https://www.example.com/a.html"), timeZone: Fixtures.zone("Asia/Shanghai"))
        #expect(article.author == nil)
        #expect(article.bodyText.hasSuffix("为经济发展提供创新驱动力。"))
    }

    @Test(arguments: [
        ("新华社北京2月13日电（记者 王建宏、张文攀）记者13日从有关部门获悉，今年春运总体平稳。", "王建宏 张文攀"),
        ("本报讯（记者 刘国栋 周炜 通讯员 王燕平）连日来，全省各地抢抓农时。", "刘国栋 周炜 王燕平"),
        ("本报记者 葛灵丹 报道", "葛灵丹"), ("记者 张三 发自北京", "张三"), ("□ 本报记者 葛灵丹", "葛灵丹"),
    ])
    func bylineInRunningText(_ text: String, _ names: String) {
        #expect(Byline.names(inText: text) == names)
    }

    @Test(arguments: [
        "会议强调，记者从会上获悉的情况是这样的。", "据新华社记者报道，会议于昨日闭幕。", "新华社北京11月17日电 记者17日从国家卫生健康委获悉，近阶段供应平稳。",
    ])
    func sentencesWithReportersAreNoBylines(_ text: String) {
        #expect(Byline.names(inText: text) == nil)
    }

    /// A heading inside the article is a subheading, whatever its layout class (`pgc-h-arrow-right`) says.
    @Test func subheadingsWithLayoutClassesStayInTheBody() throws {
        let article = try Self.extract("toutiao-subheadings.html")
        #expect(article.bodyText.contains("为什么春天容易生病？"))
        #expect(article.bodyText.contains("春季养生的几个习惯："))
        #expect(!article.bodyText.contains("热门文章"))
    }
}

/// Headlines where the page has no `<h1>`, and text no reader sees.
struct ArticleTitleAndFurnitureTests {
    static func extract(_ html: String, zone: String = "Asia/Shanghai") -> ExtractedArticle {
        ArticleExtractor.extract(
            html: html, url: Fixtures.url("https://www.example.com/a/1.html"), timeZone: Fixtures.zone(zone))
    }

    static let paragraphs =
        "<p>2019年2月27日下午，区领导一行到众创金融街进行实地考察调研，相关部门负责人陪同调研，并召开了座谈会，听取了工作汇报。</p>"
        + "<p>下一步，将进一步加快金融资源集聚，强化金融服务实体经济能力，为经济发展提供创新驱动力。</p>"

    /// Old table templates: `<span class="Title">` holds the headline; the `<title>` adds the column after a space.
    @Test func titleClassedElementTheTitleStartsWith() {
        let html = """
            <html><head><meta charset="utf-8"><title>区领导调研众创金融街 东区新闻_示例网</title></head><body>
            <table><tr><td>现在位置： <a href="/">首页</a> &gt;&gt; <a href="/dq/">东区新闻</a> &gt;&gt; 正文</td></tr>
            <tr><td><div align="center"><span class="Title"><b>区领导调研众创金融街</b></span><br>来源于：东区办事处</div></td></tr>
            <tr><td>\(Self.paragraphs)</td></tr></table></body></html>
            """
        #expect(Self.extract(html).title == "区领导调研众创金融街")
    }

    /// The `<title>` names only the column (`新闻动态--学会官网`): the headline is the line above the dateline.
    @Test func lineAboveTheDatelineWhenTheTitleIsTheColumn() {
        let html = """
            <html><head><meta charset="utf-8"><title>新闻动态--示例学会官网</title></head><body>
            <div class="nav"><a href="/">首页</a> <a href="/news/">新闻动态</a></div>
            <div class="news_left"><div class="xq_fonts"><h5>2019年学术年会在重庆成功举行！</h5>
            <div class="ly"><b>发布时间：2019-05-18</b> <i>来源：示例学会</i></div>
            <div class="detailCon">\(Self.paragraphs)</div></div></div></body></html>
            """
        let article = Self.extract(html)
        #expect(article.title == "2019年学术年会在重庆成功举行！")
        #expect(article.source == "示例学会")
    }

    @Test(arguments: [
        ("全省春耕备耕工作有序推进--示例日报网", "全省春耕备耕工作有序推进"), ("全省春耕备耕工作有序推进｜示例日报网", "全省春耕备耕工作有序推进"),
    ])
    func siteSuffixAfterSeparator(_ title: String, _ headline: String) {
        #expect(ArticlePage.stripSiteSuffix(title) == headline)
    }

    /// BBC-style video figures: the player and its caption do not reach the reader, the caption label is for
    /// screen readers only, and ad labels and read-more prompts are not text.
    @Test func screenReaderTextAndEnglishFurnitureAreDropped() {
        let html = """
            <html lang="en"><head><meta charset="utf-8"><title>Council approves bike lanes - Example News</title></head>
            <body><div class="story-body"><h1>Council approves bike lanes</h1>
            <figure><div class="media-player"></div><figcaption class="media-caption"><span class="off-screen">Media
            caption</span> <span class="media-caption__text">The mayor spoke after the vote</span></figcaption></figure>
            <p>The city council voted 7-2 on Tuesday night to approve a network of protected bike lanes downtown, ending a
            long debate.</p><p>Advertisement</p>
            <p>Supporters packed the chamber and cheered as the final vote was announced, while opponents said the plan
            would remove too many parking spaces.</p><p>Read more: Bike lanes in other cities</p>
            <p>Construction on the first phase is expected to begin in the spring, officials said on Wednesday.</p></div>
            </body></html>
            """
        let article = Self.extract(html, zone: "UTC")
        #expect(!article.bodyText.contains("Media caption"))
        #expect(!article.bodyText.contains("The mayor spoke after the vote"))
        #expect(!article.bodyText.contains("Advertisement"))
        #expect(!article.bodyText.contains("Read more"))
        #expect(article.bodyText.hasSuffix("officials said on Wednesday."))
    }
}
