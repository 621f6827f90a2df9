import Foundation
import Logging
import Testing

@testable import NewsletterKit

/// With more than one source, the digest shows each source's articles under its name (`group_by:
/// source`, the default); `group_by: none` and single-source digests show one list.
struct DigestGroupingTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func article(_ key: String, source: String, day: Int) -> StoredArticle {
        let date = ISO8601DateFormatter().date(from: "2019-06-0\(day)T02:00:00Z") ?? Date()
        return StoredArticle(
            key: key, sourceName: source, url: "https://www.example.com/\(key).html", title: "标题 \(key)",
            publishedAt: date, category: nil, origin: nil, author: nil, bodyText: "正文 \(key)。", bodyHTML: "",
            fingerprint: key, firstSeenAt: date, isExtracted: true)
    }

    /// Newest first across sources, as selection returns them.
    static let selected = [
        article("b1", source: "博客", day: 7), article("a1", source: "党建政法", day: 6),
        article("b2", source: "博客", day: 5), article("a2", source: "党建政法", day: 4),
    ]

    static func newsletter(groupBy: String?, in folder: TemporaryFolder) throws -> Newsletter {
        let url = try TestConfig.write(
            in: folder,
            sources: [("党建政法", "https://www.example.com/djzf/"), ("博客", "https://blog.example.org/feed.xml")],
            extra: groupBy.map { ["group_by: \($0)"] } ?? [])
        return try Newsletter(
            config: try NewsletterConfig.load(from: url), database: try AppDatabase(), logger: Self.logger)
    }

    @Test func twoSourcesAreGroupedUnderTheirNamesInConfigurationOrder() throws {
        let folder = try TemporaryFolder()
        let newsletter = try Self.newsletter(groupBy: nil, in: folder)
        let content = newsletter.makeContent(Self.selected, now: Date())
        #expect(content.groupBy == .source)
        #expect(content.items.map(\.key) == ["a1", "a2", "b1", "b2"])
        let bodies = newsletter.composer.renderer.render(content, for: .init(name: "", unsubscribeURL: nil))
        let html = bodies.html
        let first = try #require(html.range(of: ">党建政法</h2>"))
        let second = try #require(html.range(of: ">博客</h2>"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(html.range(of: "标题 a2", options: .backwards)!.lowerBound < second.lowerBound)
        #expect(html.range(of: "标题 b1", options: .backwards)!.lowerBound > second.lowerBound)
        // Numbers run on across the groups in the text part, and each heading appears once.
        #expect(bodies.text.contains("【党建政法】\n\n1. 标题 a1 [1]"), "\(bodies.text)")
        #expect(bodies.text.contains("【博客】\n\n3. 标题 b1 [3]"))
        #expect(bodies.text.components(separatedBy: "【博客】").count == 2)
    }

    @Test func groupByNoneKeepsOneListNewestFirst() throws {
        let folder = try TemporaryFolder()
        let newsletter = try Self.newsletter(groupBy: "none", in: folder)
        let content = newsletter.makeContent(Self.selected, now: Date())
        #expect(content.items.map(\.key) == ["b1", "a1", "b2", "a2"])
        let bodies = newsletter.composer.renderer.render(content, for: .init(name: "", unsubscribeURL: nil))
        #expect(!bodies.html.contains(">党建政法</h2>") && !bodies.text.contains("【"))
    }

    @Test func oneSourceHasNoHeading() throws {
        let folder = try TemporaryFolder()
        let newsletter = try Self.newsletter(groupBy: "source", in: folder)
        let content = newsletter.makeContent(Array(Self.selected.filter { $0.sourceName == "博客" }), now: Date())
        let bodies = newsletter.composer.renderer.render(content, for: .init(name: "", unsubscribeURL: nil))
        #expect(!bodies.html.contains(">博客</h2>") && !bodies.text.contains("【博客】"))
        #expect(bodies.text.contains("1. 标题 b1 [1]"))
    }

    @Test func aBadGroupByValueNamesTheLine() throws {
        let folder = try TemporaryFolder()
        let url = try TestConfig.write(
            in: folder, sources: [("a", "https://www.example.com/")], extra: ["group_by: site"])
        #expect {
            _ = try NewsletterConfig.load(from: url)
        } throws: { error in
            "\(error)".contains("group_by") && "\(error)".contains("expected source or none")
        }
    }
}
