import Foundation
import Testing

@testable import NewsletterKit

struct NewsletterConfigTests {
    static func load(_ yaml: String) throws -> NewsletterConfig {
        let folder = try TemporaryFolder()
        let file = folder.file("newsletter.yml")
        try Data(yaml.utf8).write(to: file)
        return try withExtendedLifetime(folder) { try NewsletterConfig.load(from: file) }
    }

    static let minimal = """
        title: 党建周报
        from: "党建周报 <digest@news.example.com>"
        sources:
          - name: site
            url: https://www.example.com/djzf/index.html
        """

    @Test func defaultsAndRelativePaths() throws {
        let config = try Self.load(Self.minimal)
        #expect(config.title == "党建周报")
        #expect(config.from.email == "digest@news.example.com")
        #expect(config.from.displayName == "党建周报")
        #expect(config.lookbackDays == 7)
        #expect(config.timeZone.secondsFromGMT() == 0)
        #expect(config.sources.count == 1)
        #expect(config.sources[0].kind == nil)
        #expect(config.subscribersFile.path.hasSuffix("/Subscribers/subscribers.csv"))
        #expect(config.stateFile.path.hasSuffix("/.newsletter/state.sqlite"))
        #expect(
            config.subscribersFile.deletingLastPathComponent().deletingLastPathComponent()
                == config.file.deletingLastPathComponent().standardizedFileURL)
        #expect(config.listID == "newsletter.news.example.com")
        #expect(config.subjectTemplate == "{{title}} {{date}}")
    }

    @Test func sourceTimeZoneFallsBackToTheTopLevelOne() throws {
        let config = try Self.load(Self.minimal + "\ntimezone: Asia/Shanghai\n")
        #expect(config.sources[0].timeZone.identifier == "Asia/Shanghai")
    }

    @Test(
        arguments: [
            ("titel: x\n" + minimal, 1, "titel", "unknown key"),
            (minimal + "\nlookback_days: many\n", 6, "lookback_days", "whole number"),
            (minimal + "\ntimezone: Mars/Olympus\n", 6, "timezone", "unknown time zone"),
            (minimal + "\n    kind: rss\n", 6, "sources[0].kind", "listing or feed"),
            (minimal + "\n    colour: red\n", 6, "sources[0].colour", "unknown key"),
            (
                minimal + "\nsmtp:\n  url: smtp://mail.example.com:587\n  starttls: off\n", 8, "smtp.starttls",
                "clear text"
            ),
            (minimal + "\nsmtp:\n  url: http://mail.example.com\n", 7, "smtp.url", "smtp://"),
            (minimal + "\nunsubscribe_url: https://news.example.com/u\n", 6, "unsubscribe_url", "{{token}}"),
            ("from: a@example.com\n", nil, "title", "missing"),
            (minimal.replacingOccurrences(of: "digest@news.example.com", with: "not an address"), 2, "from", "no '@'"),
        ] as [(String, Int?, String, String)])
    func badInputNamesKeyAndLine(yaml: String, line: Int?, key: String, reason: String) throws {
        let error = try #require(throws: ConfigError.self) { try Self.load(yaml) }
        #expect(error.key == key)
        #expect(error.line == line)
        #expect(error.reason.contains(reason), "\(error.reason)")
        #expect(error.description.contains("newsletter.yml"))
    }

    @Test func loopbackServersMayUsePlainSMTP() throws {
        let config = try Self.load(
            Self.minimal + "\nsmtp:\n  url: smtp://127.0.0.1:2525\n  starttls: off\n  retry_delays: [0, 1.5]\n")
        let smtp = try #require(config.smtp)
        #expect(smtp.starttls == .off)
        #expect(smtp.retryDelays == [0, 1.5])
        #expect(smtp.connections == 2)
    }

    @Test func smtpDefaultsToRequiredSTARTTLS() throws {
        let config = try Self.load(Self.minimal + "\nsmtp:\n  url: smtp://mail.example.com:587\n")
        #expect(config.smtp?.starttls == .required)
    }
}
