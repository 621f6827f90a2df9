import Foundation
import Logging
import Synchronization

@testable import NewsletterKit

/// The fixture site's 2019-06-08 digest (two articles), built in-process the way `send` builds it:
/// week 1 (2019-06-01) is sent to a recording transport, then week 2 is fetched, selected and turned
/// into content.
///
/// Used by the golden messages and the headless Chromium test.
enum FixtureDigest {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let week1 = Date(timeIntervalSince1970: 1_559_347_200)  // 2019-06-01T08:00:00+08:00
    static let week2 = Date(timeIntervalSince1970: 1_559_952_000)  // 2019-06-08T08:00:00+08:00

    /// The subscribers the golden messages are addressed to (fixed tokens).
    static let subscribers = [
        Subscriber(email: "reader1@example.com", name: "测试读者一", token: "9f8e7d6c5b4a3921"),
        Subscriber(email: "editor@example.org", name: "", token: "1a2b3c4d5e6f7081"),
    ]

    static let yaml = """
        title: 党建周报
        from: "党建周报 <digest@news.example.com>"
        reply_to: editor@news.example.com
        list_id: weekly.news.example.com
        lookback_days: 7
        timezone: Asia/Shanghai
        sources:
          - name: 党建政法
            url: https://www.example.com/djzf/index.html
            kind: listing
        smtp:
          url: smtp://127.0.0.1:1
          starttls: off
          retry_delays: []
        subscribers: subscribers.csv
        state: state.sqlite
        unsubscribe_url: https://news.example.com/u?l=weekly&t={{token}}
        unsubscribe_one_click: true
        unsubscribe_mailto: unsubscribe@news.example.com
        archive_url: https://www.example.com/djzf/

        """

    /// A newsletter over the fixture site in `folder`, with week 1 already sent.
    static func newsletter(in folder: TemporaryFolder) async throws -> Newsletter {
        try Data(yaml.utf8).write(to: folder.file("newsletter.yml"))
        let csv = "email,name,token\n" + subscribers.map { "\($0.email),\($0.name),\($0.token)\n" }.joined()
        try Data(csv.utf8).write(to: folder.file("subscribers.csv"))
        let config = try NewsletterConfig.load(from: folder.file("newsletter.yml"))
        let fetcher = FolderFetcher(root: RepoPaths.resources.appendingPathComponent("site/2019-06-01"))
        let newsletter = try Newsletter(config: config, fetcher: fetcher, logger: logger)
        _ = try await newsletter.send(now: week1, dryRun: false, transport: RecordingTransport())
        fetcher.root.withLock { $0 = RepoPaths.resources.appendingPathComponent("site/2019-06-08") }
        return newsletter
    }

    /// The 2019-06-08 digest's content and the newsletter that made it.
    static func content(in folder: TemporaryFolder) async throws -> (Newsletter, DigestContent) {
        let newsletter = try await newsletter(in: folder)
        _ = await newsletter.fetchAll(now: week2)
        let articles = try await newsletter.selectNew(now: week2)
        return (newsletter, newsletter.makeContent(articles, now: week2))
    }
}
