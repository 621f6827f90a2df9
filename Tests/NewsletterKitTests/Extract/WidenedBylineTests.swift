import Foundation
import Testing

@testable import NewsletterKit

/// Bylines, dates and body edges as the widened set of real pages (`Benchmarks/heldout-en`) and the real
/// fixtures show them: a byline in the article's own `<header>`, reader comments that name commenters, the
/// issuing body of a government document, a `来源` that names a person, English dates written with the
/// month's name, Japanese bylines and paywall notices.
struct WidenedBylineTests {
    static func extract(_ html: String, zone: String = "UTC") -> ExtractedArticle {
        ArticleExtractor.extract(
            html: html, url: Fixtures.url("https://www.example.com/2020/12/18/post/"), timeZone: Fixtures.zone(zone))
    }

    static let paragraphs = """
        <p>Highlights of the fortnight: the update service now refuses to start while another instance is running, \
        which removes the most common cause of the restart-required page.</p>
        <p>Printing learned non-contiguous page ranges, and the preview got a paginator that shows the current \
        page with first, previous, next and last buttons.</p>
        """

    /// The byline in the article's own header wins over commenters.
    ///
    /// WordPress: `article > header.entry-header > address.vcard > a[rel=author]`, then reader comments with
    /// `cite.author`.
    @Test func bylineInTheArticleHeaderBeatsCommenters() {
        let html = """
            <html><head><title>These Weeks: Issue 85 – Nightly News</title></head><body>
            <header id="masthead"><a href="/">Nightly News</a></header>
            <main id="content"><article class="post hentry">
            <header class="entry-header"><h1 class="entry-title">These Weeks: Issue 85</h1>
            <div class="entry-info"><address class="vcard"><a href="https://www.example.com/author/mconley/" \
            rel="author">Mike Conley</a></address>
            <time class="date published" datetime="2020-12-18T16:09:48+00:00">December 18, 2020</time></div>
            </header>
            <div class="entry-content">\(Self.paragraphs)</div></article>
            <section id="comments"><ol class="comment-list"><li class="comment">
            <h4 class="entry-title vcard"><cite class="author fn">Alan Goodale</cite></h4>
            <blockquote class="entry-content"><p>Are there plans for collections on the desktop?</p></blockquote>
            </li></ol></section></main></body></html>
            """
        let article = Self.extract(html)
        #expect(article.author == "Mike Conley")
        #expect(article.publishedText == "2020-12-18T16:09:48+00:00")
    }

    /// A comment thread's author links (`a.CommentAuthor` inside `div.Comments`) never name the article's
    /// author, even when the page has no byline of its own.
    @Test func commentersAreNeverTheAuthor() {
        let html = """
            <html><head><title>Average Page Weight Increases 15% in 2014</title></head><body>
            <article class="article"><h1 class="article_title">Average Page Weight Increases 15% in 2014</h1>
            <section class="article_body">\(Self.paragraphs)</section>
            <div class="Comments"><div class="Comment"><div class="CommentHeader">
            <a class="CommentAuthor" href="https://community.example.com/t/108531/2">isights:</a></div>
            <div class="CommentMessage"><p>Seems obvious to me.</p></div></div></div>
            </article></body></html>
            """
        #expect(Self.extract(html).author == nil)
    }

    /// 政府信息公开: the issuing body (`发文机关`) of a notice, in a table whose label and value are cells.
    @Test(arguments: [
        "<table><tr><td>分&nbsp;&nbsp;类：</td><td>通告</td></tr><tr><td>发文机关：</td><td>吉林省人民政府</td></tr></table>",
        "<ul><li><span>发文机关：</span>吉林省人民政府</li><li><span>成文日期：</span>2022年01月27日</li></ul>",
    ])
    func issuingBodyOfAGovernmentDocument(_ table: String) {
        let html = """
            <html><head><title>吉林省人民政府关于禁止新增建设项目的通告</title></head><body>
            <h1>吉林省人民政府关于禁止新增建设项目的通告</h1>\(table)
            <div class="content"><p>为做好吉林省嫩江干流补充治理工程建设，现将有关事项通告如下，请各有关单位认真遵照执行。</p>
            <p>对于违反上述规定的单位和个人必须坚决制止并依法严肃查处。</p><p>特此通告。</p></div></body></html>
            """
        #expect(Self.extract(html, zone: "Asia/Shanghai").author == "吉林省人民政府")
    }

    /// `来源: 尹娟` names the writer; `来源：新华社` names an outlet and is no author.
    @Test(arguments: [("尹娟", "尹娟"), ("新华社", nil), ("央视", nil), ("江南时报", nil)] as [(String, String?)])
    func sourceThatNamesAPerson(_ source: String, _ author: String?) {
        let html = """
            <html><head><title>彩票大奖得主的山庄</title></head><body><h1>彩票大奖得主的山庄</h1>
            <div id="artibody"><p>如今，孙启勤也不回自己的家，就一直住在山庄里，对于山庄何去何从似乎有些茫然。</p>
            <p>“我现在没有钱了，怎么办呢？”孙启勤告诉记者，他仍然在坚持购买彩票。</p>
            <p>来源: \(source) </p></div></body></html>
            """
        #expect(Self.extract(html, zone: "Asia/Shanghai").author == author)
    }

    @Test(arguments: [
        ("尹娟", true), ("欧阳明", true), ("张三丰", true), ("新华社", false), ("人民网", false), ("央视", false),
        ("澎湃新闻", false), ("林业局", false), ("中国", false), ("常州市", false), ("温州", false),
    ])
    func chinesePersonalNames(_ value: String, _ isName: Bool) {
        #expect(Byline.isChinesePersonalName(value) == isName)
    }

    /// English datelines with the month's name, and the time when one follows.
    @Test(arguments: [
        ("March 13, 2015 9:00PM", "2015-03-13T21:00:00+00:00", true),
        ("by Dan Goodin - Apr 16, 2015 8:02 pm UTC", "2015-04-16T20:02:00+00:00", true),
        ("Published 16 April 2015", "2015-04-16T00:00:00+00:00", false),
        ("Updated December 29th, 2014 at 12:05 am", "2014-12-29T00:05:00+00:00", true),
    ])
    func writtenEnglishDates(_ text: String, _ iso: String, _ hasTime: Bool) {
        let parsed = ArticlePage.writtenDate(in: text, timeZone: Fixtures.zone("UTC"))
        #expect(parsed?.iso8601 == iso)
        #expect(parsed?.hasTime == hasTime)
    }

    /// Herald Sun's mobile byline: `li.byline` with `cite.author`, the date in the next item's text.
    @Test func writtenDatelineBelowTheHeadline() {
        let html = """
            <html><head><title>Angry media won’t buckle | Herald Sun</title></head><body>
            <div class="story-headline"><h1 class="heading">Angry media won’t buckle</h1></div>
            <div class="story-info"><ul><li class="byline first"><span class="source-prefix">by:</span>
            <cite class="author"> Laurie Oakes</cite></li><li class="source"><span class="source-prefix">From:</span>
            <cite>Herald Sun</cite></li><li class="date-and-time last"><span class="datestamp">March 13, 2015</span>
            <span class="timestamp">9:00PM</span></li></ul></div>
            <div class="story-body">\(Self.paragraphs)</div></body></html>
            """
        let article = Self.extract(html)
        #expect(article.author == "Laurie Oakes")
        #expect(article.publishedText == "2015-03-13T21:00:00+00:00")
    }

    /// The body of a paywalled Japanese page is the teaser alone.
    ///
    /// Nikkei: the headline without the title's photo credit, a `編集委員` byline, then a paywall notice and
    /// sign-up buttons.
    @Test func japaneseBylineAndPaywallLeaveTheBody() {
        let html = """
            <html><head><title>米朝首脳直通電話　習氏に挑むトランプ戦術の成否　（写真＝ロイター）　：日本経済新聞</title></head><body>
            <div class="cmn-article_title"><span>米朝首脳直通電話　習氏に挑むトランプ戦術の成否</span></div>
            <div class="cmn-article_text"><p>編集委員　中沢克二</p>
            <p>トランプ米大統領は北朝鮮の金正恩委員長との直通電話を得たと語った。中国の習近平国家主席にとって、米朝の接近は複雑な問題である。</p>
            <p>その判断は…</p>
            <p>［有料会員限定］ この記事は会員限定です。電子版に登録すると続きをお読みいただけます。</p>
            <p>無料・有料プランを選択</p><p>今すぐ登録</p><p>会員の方はこちら</p></div></body></html>
            """
        let article = Self.extract(html, zone: "Asia/Tokyo")
        #expect(article.bodyText.hasPrefix("トランプ米大統領は"))
        #expect(article.bodyText.hasSuffix("その判断は…"))
        #expect(article.author == "中沢克二")
    }

    /// A paragraph that speaks of paywalls, followed by more article, is article text.
    @Test func paywallWordsInRunningTextStay() {
        let html = """
            <html><head><title>媒体转型观察</title></head><body><h1>媒体转型观察</h1><div class="content">
            <p>近年来，多家报社尝试付费阅读模式，效果参差不齐。</p>
            <p>业内人士认为，内容质量才是用户愿意付费的根本原因，单纯设置门槛并不能留住读者，反而可能流失流量。</p>
            <p>与此同时，部分媒体转向会员制，通过线下活动、专属内容等方式提升用户黏性，取得了一定成效。</p>
            </div></body></html>
            """
        let article = Self.extract(html, zone: "Asia/Shanghai")
        #expect(article.bodyText.contains("付费阅读模式"))
        #expect(article.bodyText.hasSuffix("取得了一定成效。"))
    }

    /// Herald Sun: the intro and first paragraphs sit beside a "Read more" box that holds the rest; both
    /// parts are the article, the box's link is not.
    @Test func leadParagraphsAboveAReadMoreBox() {
        let later = (1...6).map {
            "<p>Paragraph \($0) of the rest: the committee has received and considered dozens of submissions, "
                + "and the Government is demanding the Bill be passed anyway.</p>"
        }.joined()
        let html = """
            <html><head><title>Angry media won’t buckle</title></head><body><h1>Angry media won’t buckle</h1>
            <div class="story-body">
            <div class="article-media"><p class="caption">A new Bill would require providers to store metadata.</p></div>
            <div class="story-intro"><p><strong>A HIGH-powered federal government team has been doing the rounds of \
            media organisations. It failed.</strong></p></div>
            <p>The roadshow featured the Prime Minister’s national security adviser, Andrew Shearer, and the \
            Australian Federal Police Commissioner, Andrew Colvin.</p>
            <p>They held meetings with executives from News Corporation and Fairfax, representatives of the TV \
            networks, and a group from the media union.</p>
            <div class="story-promo"></div>
            <div id="read-more"><div id="read-more-link"><a href="">Read more</a></div>
            <div id="read-more-content">\(later)</div></div></div></body></html>
            """
        let article = Self.extract(html)
        #expect(article.bodyText.hasPrefix("A HIGH-powered federal government team"))
        #expect(article.bodyText.contains("They held meetings with executives"))
        #expect(article.bodyText.hasSuffix("passed anyway."))
        #expect(!article.bodyText.contains("Read more"))
        #expect(!article.bodyText.contains("store metadata"))
    }

    /// A release-notes post: lists of bug links under subheadings, with more sections after them, are the
    /// article; a related-posts list closing the body is not.
    @Test func listsOfCitationsMidArticleStay() {
        func bugs(_ numbers: [Int]) -> String {
            "<ul>"
                + numbers.map {
                    "<li><a href=\"https://bugs.example.org/show_bug.cgi?id=\($0)\">Bug \($0) – Prevent superfluous "
                        + "actors from being associated with each tab</a></li>"
                }.joined() + "</ul>"
        }
        let html = """
            <html><head><title>These Weeks: Issue 85</title></head><body><article><h1>These Weeks: Issue 85</h1>
            <div class="entry-content">
            <h4>Picture-in-Picture</h4><p>We’ve got the green light for another round of students hacking on \
            Picture-in-Picture next semester, and two engineers will be mentoring them.</p>
            <p>In progress:</p>\(bugs([1_677_080, 1_677_107, 1_681_796]))
            <h4>Search and Navigation</h4><p>Fixed regressions related to the Input Method Editor, in particular \
            the loss of the last token and race conditions causing the wrong engine to be used.</p>
            <p>Region lookups can now use a geolocation monitor to update without hitting the network.</p>
            <h3>More posts</h3><ul>
            <li><a href="https://www.example.com/2021/12/17/these-weeks-in-firefox-issue-106/">These Weeks in \
            Firefox: Issue 106 of the newsletter</a></li>
            <li><a href="https://www.example.com/2021/12/07/these-weeks-in-firefox-issue-105/">These Weeks in \
            Firefox: Issue 105 of the newsletter</a></li>
            <li><a href="https://www.example.com/2021/11/18/these-weeks-in-firefox-issue-104/">These Weeks in \
            Firefox: Issue 104 of the newsletter</a></li></ul>
            </div></article></body></html>
            """
        let article = Self.extract(html)
        #expect(article.bodyText.contains("Bug 1681796 – Prevent superfluous actors"))
        #expect(!article.bodyText.contains("Issue 106"))
    }

    /// Bylines with a fullwidth bar or a bracketed label below the headline (WeChat-style and portal pages).
    @Test(arguments: [
        ("【作者】张晓明 【来源】示例日报", "张晓明"), ("作者｜李四", "李四"), ("文｜王五 图｜赵六", "王五"), ("文／陈静", "陈静"),
    ])
    func bylinesWithBarsAndBrackets(_ line: String, _ author: String) {
        let html = """
            <html><head><title>春季养生的几个习惯</title></head><body><h1>春季养生的几个习惯</h1>
            <div class="info">\(line)</div>
            <div class="content"><p>春天气温变化大，早晚温差明显，专家提醒市民注意增减衣物，合理安排作息，避免过度劳累。</p>
            <p>饮食方面，宜清淡少油，多吃新鲜蔬菜水果，适当增加优质蛋白的摄入，保持营养均衡。</p></div></body></html>
            """
        #expect(Self.extract(html, zone: "Asia/Shanghai").author == author)
    }
}
