import Foundation
import Testing

@testable import NewsletterKit
@testable import NewsletterServer

/// `newsletter init`: the starter files, the commented configuration as a reference, and that
/// nothing that exists is ever overwritten.
struct StarterFilesTests {
    @Test func initWritesTheStarterFilesAndTheConfigLoadsWithoutWarnings() throws {
        let folder = try TemporaryFolder()
        let result = try newsletter(["init", "site"], in: folder.url)
        #expect(result.status == 0, "\(result.stderr)")
        let site = folder.file("site")
        for path in [
            "newsletter.yml", "Templates/digest.html.mustache", "Templates/digest.txt.mustache",
            "Templates/unsubscribe.html.mustache", "Templates/subscribe.html.mustache",
            "Templates/confirm-subscription.txt.mustache", "Subscribers/subscribers.csv",
        ] {
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(path).path), "\(path)")
            #expect(result.stdout.contains("created site/\(path)"), "\(result.stdout)")
        }
        #expect(result.stdout.contains("Next steps:"))
        #expect(result.stdout.contains("1. ") && result.stdout.contains("2. ") && result.stdout.contains("3. "))

        let config = try NewsletterConfig.load(from: site.appendingPathComponent("newsletter.yml"))
        #expect(config.templatesDirectory?.standardizedFileURL.path == site.appendingPathComponent("Templates").path)
        let collector = LogCollector()
        let renderer = try DigestRenderer(directory: config.templatesDirectory, logger: collector.logger)
        #expect(collector.warnings.isEmpty, "\(collector.warnings)")
        // The written templates are the built-in ones.
        #expect(
            try String(contentsOf: site.appendingPathComponent("Templates/digest.html.mustache"), encoding: .utf8)
                == DefaultTemplates.html)
        _ = renderer
        // The serve pages are written too, equal to the built-in ones, and load without a warning.
        for (path, builtIn) in [
            ("Templates/unsubscribe.html.mustache", ServerTemplates.unsubscribe),
            ("Templates/subscribe.html.mustache", ServerTemplates.subscribe),
            ("Templates/confirm-subscription.txt.mustache", ServerTemplates.confirmationText),
        ] {
            #expect(try String(contentsOf: site.appendingPathComponent(path), encoding: .utf8) == builtIn, "\(path)")
        }
        _ = try ServerPages(directory: config.templatesDirectory, title: config.title, logger: collector.logger)
        #expect(collector.warnings.isEmpty, "\(collector.warnings)")
        let list = try SubscriberList.load(from: config.subscribersFile, tokens: nil)
        #expect(list.subscribers.isEmpty && list.problems.isEmpty)
    }

    /// Every starter text file ends with a line break, so that `echo 'key: value' >> newsletter.yml`
    /// (what an editor does to add a key) starts a new line instead of gluing onto the last one.
    @Test(arguments: StarterFiles.files.map(\.path))
    func starterFileEndsWithALineBreak(path: String) throws {
        let file = try #require(StarterFiles.files.first { $0.path == path })
        #expect(file.contents.utf8.last == UInt8(ascii: "\n"), "\(path) does not end with a line break")
    }

    /// The comments are the reference: every key the loader knows is in the file, each with a comment
    /// line just above it.
    @Test func everyKnownKeyIsDocumented() throws {
        let lines = StarterFiles.configText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        /// The key set on `line` (commented out or not) with its indentation: 0 top, 2 smtp, 4 a source.
        func setting(_ line: String) -> (indent: Int, key: String)? {
            var rest = Substring(line)
            var indent = rest.prefix { $0 == " " }.count
            rest = rest.dropFirst(indent)
            if rest.hasPrefix("# ") { rest = rest.dropFirst(2) }
            if rest.hasPrefix("- ") {
                rest = rest.dropFirst(2)
                indent += 2
            }
            guard let colon = rest.firstIndex(of: ":"), rest[..<colon].allSatisfy({ $0.isLowercase || $0 == "_" }),
                !rest[..<colon].isEmpty, rest[colon...].dropFirst().first.map({ $0 == " " }) ?? true
            else { return nil }
            return (indent, String(rest[..<colon]))
        }
        for key in NewsletterConfig.knownKeys.sorted() {
            let parts = key.split(separator: ".")
            let indent = parts.count == 1 ? 0 : (parts[0] == "smtp" || parts[0] == "mailbox" ? 2 : 4)
            let name = String(parts.last ?? "")
            let index = lines.firstIndex { line in setting(line).map { $0 == (indent, name) } ?? false }
            let found = try #require(index, "\(key) is not in the starter newsletter.yml")
            let above = lines[found - 1].trimmingCharacters(in: .whitespaces)
            #expect(above.hasPrefix("#") && setting(lines[found - 1]) == nil, "\(key) has no comment line above it")
        }
    }

    /// The defaults written in the file are the loader's defaults, and every commented-out example is valid.
    @Test func writtenDefaultsEqualTheLoadersDefaultsAndExamplesAreValid() throws {
        let folder = try TemporaryFolder()
        _ = try StarterFiles.write(into: folder.url)
        let written = try NewsletterConfig.load(from: folder.file("newsletter.yml"))
        let minimal = folder.file("minimal.yml")
        try Data(
            """
            title: My Weekly Digest
            from: "My Weekly Digest <digest@news.example.com>"
            sources:
              - name: News
                url: https://www.example.com/news/
            smtp:
              url: smtp://mail.example.com:587
              username: digest@news.example.com
              password_env: NEWSLETTER_SMTP_PASSWORD

            """.utf8
        ).write(to: minimal)
        let defaults = try NewsletterConfig.load(from: minimal)
        #expect(written.subjectTemplate == defaults.subjectTemplate)
        #expect(written.lookbackDays == defaults.lookbackDays)
        #expect(written.timeZone == defaults.timeZone)
        #expect(written.firstRunMaxItems == defaults.firstRunMaxItems)
        #expect(written.htmlBudgetBytes == defaults.htmlBudgetBytes)
        #expect(written.groupBy == defaults.groupBy)
        #expect(written.alertAfterFailedRuns == defaults.alertAfterFailedRuns)
        #expect(written.archiveDirectory == defaults.archiveDirectory)
        #expect(written.subscribersFile == defaults.subscribersFile)
        #expect(written.stateFile == defaults.stateFile)
        #expect(written.sources.map(\.maxPages) == defaults.sources.map(\.maxPages))
        #expect(written.sources.map(\.fullText) == defaults.sources.map(\.fullText))
        let (smtp, defaultSMTP) = (try #require(written.smtp), try #require(defaults.smtp))
        #expect(smtp.starttls == defaultSMTP.starttls)
        #expect(smtp.connections == defaultSMTP.connections)
        #expect(smtp.ratePerSecond == defaultSMTP.ratePerSecond)
        #expect(smtp.timeoutSeconds == defaultSMTP.timeoutSeconds)
        #expect(smtp.retryDelays == defaultSMTP.retryDelays)
        #expect(smtp.giveUpAfterHours == defaultSMTP.giveUpAfterHours)

        // Uncomment every example setting: the file still loads.
        let uncommented = StarterFiles.configText.split(separator: "\n", omittingEmptySubsequences: false).map {
            line -> String in
            let indent = line.prefix { $0 == " " }
            let rest = line.dropFirst(indent.count)
            guard rest.hasPrefix("# "),
                rest.dropFirst(2).range(of: #"^[a-z_]+:( |$)"#, options: .regularExpression) != nil
            else { return String(line) }
            return String(indent) + String(rest.dropFirst(2))
        }.joined(separator: "\n")
        try Data(uncommented.utf8).write(to: folder.file("all.yml"))
        let all = try NewsletterConfig.load(from: folder.file("all.yml"))
        #expect(all.replyTo != nil && all.unsubscribeURL != nil && all.archiveURL != nil && all.smtp?.caFile != nil)
        #expect(all.mailbox?.softBounceLimit == 3 && all.mailbox?.caFile != nil)
    }

    @Test func initNeverOverwritesAnExistingFile() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.file("Templates"), withIntermediateDirectories: true)
        let mine = Data("title: mine\nfrom: me@example.com\n".utf8)
        let myTemplate = Data("{{%CONTENT_TYPE: TEXT}}\nmy own\n".utf8)
        let myPage = Data("<p>{{#ask}}我的退订页 {{email}}{{/ask}}</p>\n".utf8)
        try mine.write(to: folder.file("newsletter.yml"))
        try myTemplate.write(to: folder.file("Templates/digest.txt.mustache"))
        try myPage.write(to: folder.file("Templates/unsubscribe.html.mustache"))

        let result = try newsletter(["init"], in: folder.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.contents(atPath: folder.file("newsletter.yml").path) == mine)
        #expect(FileManager.default.contents(atPath: folder.file("Templates/digest.txt.mustache").path) == myTemplate)
        #expect(result.stdout.contains("kept    newsletter.yml"), "\(result.stdout)")
        #expect(result.stdout.contains("kept    Templates/digest.txt.mustache"))
        #expect(result.stdout.contains("created Templates/digest.html.mustache"))
        #expect(FileManager.default.contents(atPath: folder.file("Templates/unsubscribe.html.mustache").path) == myPage)
        #expect(result.stdout.contains("kept    Templates/unsubscribe.html.mustache"))
        #expect(result.stdout.contains("created Templates/subscribe.html.mustache"))
        #expect(result.stdout.contains("created Templates/confirm-subscription.txt.mustache"))
        #expect(FileManager.default.fileExists(atPath: folder.file("Subscribers/subscribers.csv").path))

        // A second run keeps everything, including the files the first run wrote.
        let csv = try Data(contentsOf: folder.file("Subscribers/subscribers.csv"))
        try Data("email,name,status,token,added\r\na@example.com,,active,t1,2019-05-01\r\n".utf8).write(
            to: folder.file("Subscribers/subscribers.csv"))
        let again = try newsletter(["init"], in: folder.url)
        #expect(again.status == 0)
        #expect(!again.stdout.contains("created"))
        #expect(try Data(contentsOf: folder.file("Subscribers/subscribers.csv")) != csv)
    }
}
