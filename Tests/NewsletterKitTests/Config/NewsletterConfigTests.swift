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

    /// A web address typed without `https://` is a configuration error naming the line and the fix,
    /// not a local file that fails at fetch time; real local paths and bare file names still load.
    @Test(arguments: [
        ("127.0.0.1:18431/xxyw/index.htm", true), ("www.example.gov.cn/xwzx/", true),
        ("news.example.com/feed.xml", true), ("localhost:8080", true),
        ("pages/index.html", false), ("feed.xml", false), ("news.rss", false), ("./site/list.htm", false),
    ])
    func webAddressWithoutScheme(url: String, rejected: Bool) throws {
        let yaml = Self.minimal.replacingOccurrences(of: "https://www.example.com/djzf/index.html", with: url)
        if rejected {
            let error = try #require(throws: ConfigError.self) { try Self.load(yaml) }
            #expect("\(error)".contains("newsletter.yml:5: sources[0].url"), "\(error)")
            #expect("\(error)".contains("write https://\(url)"), "\(error)")
        } else {
            #expect(try Self.load(yaml).sources[0].url.isFileURL)
        }
    }

    /// A `templates:` folder that does not exist (a typo) is a configuration error naming the line and the folder,
    /// not a silent fall-back to the built-in templates; an existing folder, and no setting, load.
    /// (Found by a new-user trial: `templates: Templtes` gave two warnings and the stock digest.)
    @Test(arguments: [("Templtes", false), ("Templates", true), ("digest.txt", false)])
    func templatesFolderMustExist(value: String, loads: Bool) throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.file("Templates"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: folder.file("digest.txt"))
        let file = folder.file("newsletter.yml")
        try Data((Self.minimal + "\ntemplates: \(value)\n").utf8).write(to: file)
        if loads {
            #expect(try NewsletterConfig.load(from: file).templatesDirectory?.lastPathComponent == value)
        } else {
            let error = try #require(throws: ConfigError.self) { try NewsletterConfig.load(from: file) }
            #expect("\(error)".contains("newsletter.yml:6: templates"), "\(error)")
            #expect("\(error)".contains(folder.file(value).path), "\(error)")
        }
        // Without the setting, the Templates folder beside the configuration, as before.
        try Data(Self.minimal.utf8).write(to: file)
        #expect(try NewsletterConfig.load(from: file).templatesDirectory?.lastPathComponent == "Templates")
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

extension NewsletterConfigTests {
    /// Issue 9: the plain-SMTP exception is for hosts that resolve to loopback (getaddrinfo:
    /// 127.0.0.0/8 or ::1), not for names that merely start with `127.`.
    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("[::1]", true),
        ("127.example.com", false), ("127.0.0.1.example.com", false), ("mail.example.com", false),
    ])
    func plainSMTPOnlyForHostsThatResolveToLoopback(host: String, allowed: Bool) throws {
        let yaml = Self.minimal + "\nsmtp:\n  url: smtp://\(host):2525\n  starttls: off\n"
        if allowed {
            #expect(try Self.load(yaml).smtp?.starttls == .off)
        } else {
            let error = #expect(throws: ConfigError.self) { try Self.load(yaml) }
            #expect(error?.key == "smtp.starttls")
        }
    }

    /// Values that reach the SMTP wire or every message are checked when the file is read.
    @Test(arguments: [
        (#"envelope_sender: "bounce@example.com\r\nRCPT TO:<evil@example.net>""#, "envelope_sender"),
        (#"envelope_sender: "bounce@example.com\nX""#, "envelope_sender"),
        ("list_id: weekly news", "list_id"),
        ("list_id: weekly", "list_id"),
        ("unsubscribe_url: https://news.example.com/u?a=1,2&t={{token}}", "unsubscribe_url"),
    ])
    func sendTimeValuesAreCheckedOnLoad(line: String, key: String) throws {
        let error = #expect(throws: ConfigError.self) { try Self.load(Self.minimal + "\n" + line + "\n") }
        #expect(error?.key == key, "\(String(describing: error))")
    }
}
