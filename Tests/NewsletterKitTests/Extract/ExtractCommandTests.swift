import Foundation
import Testing

/// `newsletter extract FILE --json` and `newsletter evaluate` through the built executable.
struct ExtractCommandTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func extractsAFixturePageAsJSON() throws {
        let page = RepoPaths.resources.appendingPathComponent("site/2019-06-08/djzf/2019/0604/1293.html")
        let result = try newsletter([
            "extract", page.path, "--json", "--timezone", "Asia/Shanghai", "--base-url",
            "http://www.example.com/djzf/2019/0604/1293.html",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let fields = try Self.json(result.stdout)
        #expect(
            Set(fields.keys) == [
                "type", "title", "published", "author", "source", "category", "charset", "body_text", "body_html",
            ])
        #expect(fields["type"] as? String == "article")
        #expect(fields["title"] as? String == "习近平接受俄罗斯主流媒体联合采访")
        #expect(fields["published"] as? String == "2019-06-04T21:30:00+08:00")
        #expect(fields["source"] as? String == "新华网")
        #expect(fields["category"] as? String == "党建政法")
        #expect(fields["charset"] as? String == "gb18030")
        let body = try #require(fields["body_text"] as? String)
        #expect(body.hasPrefix("国家主席习近平在对俄罗斯进行国事访问"))
        #expect(body.hasSuffix("阐述了看法。"))
        for boilerplate in ["服务热线", "当前位置", "上一篇", "下一篇", "粤ICP备", "_hmt"] { #expect(!body.contains(boilerplate)) }
        let html = try #require(fields["body_html"] as? String)
        #expect(html.contains("国家主席习近平"))
        #expect(!html.lowercased().contains("<script"))
    }

    @Test func extractsAFixtureFeedAsJSON() throws {
        let feed = RepoPaths.resources.appendingPathComponent("cases/07-items-without-guid.shared-link.run2.xml")
        let result = try newsletter(["extract", feed.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let fields = try Self.json(result.stdout)
        #expect(fields["kind"] as? String == "rss2")
        #expect(fields["title"] as? String == "Example advisories")
        #expect(fields["type"] as? String == "feed")
        #expect(fields["entry_count"] as? Int == 3)
        // Entries are objects a script can read, not preformatted strings.
        let entries = try #require(fields["entries"] as? [[String: Any]])
        #expect(entries.count == 3)
        #expect((entries[0]["title"] as? String)?.contains("EXAMPLE-CAN-1003: 测试厂商丙") == true)
        #expect(entries[0]["id"] as? String == "EXAMPLE-CAN-1003")
        #expect(Set(entries[0].keys).isSuperset(of: ["title", "link", "id", "published", "summary"]))
    }

    /// Case 06: a zone-less feed time is UTC unless the source's zone says otherwise, whatever the
    /// process's `TZ` (a cron host and a laptop must agree).
    @Test(arguments: ["Asia/Shanghai", "America/New_York", "UTC"])
    func zonelessFeedTimesIgnoreTheProcessZone(processZone: String) throws {
        let feed = RepoPaths.resources.appendingPathComponent("cases/06-datetime-without-zone.atom").path
        let utc = try newsletter(["extract", feed], environment: ["TZ": processZone])
        #expect(utc.status == 0, "\(utc.stderr)")
        #expect(utc.stdout.contains("entry[0]: 2026-11-14T22:02:55Z  测试帖子"))
        let shanghai = try newsletter(
            ["extract", feed, "--timezone", "Asia/Shanghai"], environment: ["TZ": processZone])
        #expect(shanghai.stdout.contains("entry[0]: 2026-11-14T14:02:55Z  测试帖子"))
    }

    /// Without --timezone, zone-less times are read in the zone of the configured source on the
    /// page's host, else the configuration's `timezone`, else UTC; a note on standard error says which.
    @Test func zoneComesFromTheConfiguration() throws {
        let folder = try TemporaryFolder()
        let page = RepoPaths.resources.appendingPathComponent("site/2019-06-08/djzf/2019/0604/1293.html").path
        let base = "http://www.example.com/djzf/2019/0604/1293.html"
        try Data(
            """
            title: 周报
            from: news@example.com
            timezone: America/New_York
            sources:
              - name: 党建政法
                url: http://www.example.com/djzf/index.html
                timezone: Asia/Shanghai
            smtp:
              url: smtp://127.0.0.1:2525
            unsubscribe_url: https://news.example.com/u?t={{token}}

            """.utf8
        ).write(to: folder.file("newsletter.yml"))
        let bySource = try newsletter(["extract", page, "--json", "--base-url", base], in: folder.url)
        #expect(bySource.status == 0, "\(bySource.stderr)")
        #expect(try Self.json(bySource.stdout)["published"] as? String == "2019-06-04T21:30:00+08:00")
        let text = try newsletter(["extract", page, "--base-url", base], in: folder.url)
        #expect(text.stderr.contains("times without a zone are read in Asia/Shanghai (source 党建政法 in newsletter.yml"))
        let otherHost = try newsletter(
            ["extract", page, "--json", "--base-url", "http://other.example.org/a.html"], in: folder.url)
        #expect(try Self.json(otherHost.stdout)["published"] as? String == "2019-06-04T21:30:00-04:00")
        let noConfig = try newsletter(["extract", page, "--json", "--base-url", base])
        #expect(try Self.json(noConfig.stdout)["published"] as? String == "2019-06-04T21:30:00+00:00")
    }

    @Test func extractListingShowsBlocksLinksAndNextPage() throws {
        let page = RepoPaths.resources.appendingPathComponent("listings/trs-wcm-right-column.html")
        let base = "http://www.example.gov.cn/xwzx/gzdt/index.html"
        let text = try newsletter(["extract", page.path, "--base-url", base, "--timezone", "Asia/Shanghai"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("candidate blocks (best first):"))
        #expect(text.stdout.contains("winner: div.right > div.right_list > ul"))
        #expect(text.stdout.contains("2022-02-19  市政府召开第十五次常务会议研究部署春季农业生产工作"))
        #expect(text.stdout.contains("next page: http://www.example.gov.cn/xwzx/gzdt/index_1.html"))
        let json = try newsletter(["extract", page.path, "--base-url", base, "--json", "--listing"])
        let object = try Self.json(json.stdout)
        #expect(object["type"] as? String == "listing")
        #expect((object["links"] as? [[String: Any]])?.count == 15)
        #expect(object["next_page"] as? String == "http://www.example.gov.cn/xwzx/gzdt/index_1.html")
    }

    @Test func evaluateScoresTheFixtures() throws {
        let result = try newsletter([
            "evaluate", RepoPaths.resources.appendingPathComponent("real").path,
            RepoPaths.resources.appendingPathComponent("site").path, "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.json(result.stdout)
        #expect(report["cases"] as? Int == 26)
        let checks = try #require(report["checks"] as? [String: [String: Int]])
        #expect(
            Set(checks.keys) == [
                "title", "published", "author", "source", "body_first", "body_last", "boilerplate_absent",
            ])
        for key in ["title", "published", "body_first", "body_last"] {
            let tally = try #require(checks[key])
            #expect(Double(tally["hits"] ?? 0) >= 0.95 * Double(tally["checked"] ?? 1), "\(key)")
        }
        #expect((report["pages_per_second"] as? Double ?? 0) > 0)
        let table = try newsletter(["evaluate", RepoPaths.resources.appendingPathComponent("site").path])
        #expect(table.stdout.contains("site/2019-06-08/djzf/2019/0604/1293.html"))
        #expect(table.stdout.contains("pages/s"))
        let bad = try newsletter(["evaluate", "--repeat", "0"])
        #expect(bad.status == 64)
    }
}
