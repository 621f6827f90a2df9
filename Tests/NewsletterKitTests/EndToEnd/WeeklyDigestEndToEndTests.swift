import Foundation
import Testing

/// The whole job through the built executable: the fixture site served over HTTP on 127.0.0.1,
/// aiosmtpd on 127.0.0.1 storing what it receives, every message read back by Python's `email`.
@Suite(.serialized)
struct WeeklyDigestEndToEndTests {
    static let subscribers = [
        "reader1@example.com": "测试读者一",
        "reader2@example.com": "Reader Two",
        "editor@example.org": "",
    ]
    static let boilerplate = ["服务热线", "0755-28132397", "当前位置", "关于优才", "师资力量", "上一篇", "下一篇", "粤ICP备", "_hmt"]

    /// Writes a config for the two servers into `folder`.
    static func writeConfig(in folder: TemporaryFolder, http: HTTPTestServer, smtpPort: Int) throws -> URL {
        let file = try TestConfig.write(
            in: folder, sources: [("党建政法", "\(http.base)/djzf/index.html")], sourceOptions: ["    kind: listing"],
            smtpPort: smtpPort, smtp: ["  connections: 2", "  rate_per_second: 0", "  retry_delays: [0, 0]"],
            extra: [
                "lookback_days: 7",
                "unsubscribe_url: https://news.example.com/u?l=weekly&t={{token}}",
                "unsubscribe_one_click: true",
                "unsubscribe_mailto: unsubscribe@news.example.com",
            ])
        var csv = "email,name\r\n"
        for (email, name) in subscribers.sorted(by: { $0.key < $1.key }) { csv += "\(email),\(name)\r\n" }
        try Data(csv.utf8).write(to: folder.file("subscribers.csv"))
        return file
    }

    static func snapshot(_ name: String) -> URL {
        RepoPaths.resources.appendingPathComponent("site/\(name)")
    }

    @Test func twoWeeksThenNothing() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.writeConfig(in: folder, http: http, smtpPort: smtp.port)

        // Week 1: exactly the seed article.
        let week1 = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(week1.status == 0, "\(week1.stdout)\(week1.stderr)")
        let firstBatch = try smtp.messages()
        #expect(firstBatch.count == 3)
        let parsed1 = try ParsedMessage.parse(firstBatch)
        for message in parsed1 {
            try Self.checkWellFormed(message)
            #expect(message.subject == "党建周报 2019-06-01")
            let text = try #require(message.part("text/plain"))
            let html = try #require(message.part("text/html"))
            #expect(text.contains("坚决扛起提高机关党建质量的领导责任"))
            #expect(html.contains("坚决扛起提高机关党建质量的领导责任"))
            #expect(html.contains("/djzf/2019/0531/1287.html"))
            #expect(text.contains("《旗帜》杂志2019年第5期"))
            #expect(!text.contains("关于举办2019年第二期"))
            #expect(!text.contains("主题教育"))
            for phrase in Self.boilerplate {
                #expect(!text.contains(phrase), "text part contains \(phrase)")
                #expect(!html.contains(phrase), "HTML part contains \(phrase)")
            }
        }
        #expect(Set(try smtp.acceptedRecipients()) == Set(Self.subscribers.keys))
        #expect(Set(parsed1.compactMap(\.to).map(Self.addressPart)) == Set(Self.subscribers.keys))

        // Week 2: the two new articles, newest first; nothing of week 1.
        try http.serve(Self.snapshot("2019-06-08"))
        let week2 = try newsletter(["send", "--config", config.path, "--now", "2019-06-08T08:00:00+08:00"])
        #expect(week2.status == 0, "\(week2.stdout)\(week2.stderr)")
        let secondBatch = Array(try smtp.messages().dropFirst(firstBatch.count))
        #expect(secondBatch.count == 3)
        for message in try ParsedMessage.parse(secondBatch) {
            try Self.checkWellFormed(message)
            #expect(message.subject == "党建周报 2019-06-08")
            let text = try #require(message.part("text/plain"))
            let html = try #require(message.part("text/html"))
            let interview = try #require(text.range(of: "习近平接受俄罗斯主流媒体联合采访"))
            let announcement = try #require(text.range(of: "全党上下开展“不忘初心、牢记使命”主题教育"))
            #expect(interview.lowerBound < announcement.lowerBound, "newest first")
            #expect(html.contains("/djzf/2019/0604/1293.html") && html.contains("/djzf/2019/0603/1290.html"))
            #expect(text.contains("新华网") && text.contains("新华社"))
            #expect(!text.contains("坚决扛起提高机关党建质量的领导责任"))
            #expect(!text.contains("关于举办2019年第二期"))
            for phrase in Self.boilerplate {
                #expect(!text.contains(phrase), "text part contains \(phrase)")
                #expect(!html.contains(phrase), "HTML part contains \(phrase)")
            }
        }

        // Third run: nothing new, nothing sent, exit 0.
        let week3 = try newsletter(["send", "--config", config.path, "--now", "2019-06-08T09:00:00+08:00"])
        #expect(week3.status == 0, "\(week3.stdout)\(week3.stderr)")
        #expect(week3.stdout.contains("nothing new"))
        #expect(try smtp.messages().count == 6)
    }

    @Test func previewWritesTheThreeFilesAndMarksNothing() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.writeConfig(in: folder, http: http, smtpPort: smtp.port)
        let out = folder.file("preview")
        // --open on a machine without a display says why no browser opened (never silently nothing).
        let result = try newsletter([
            "preview", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00", "--out", out.path, "--open",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let environment = ProcessInfo.processInfo.environment
        if environment["DISPLAY"] == nil, environment["WAYLAND_DISPLAY"] == nil {
            #expect(result.stdout.contains("cannot open a browser"), "\(result.stdout)")
        }
        for name in ["digest.html", "digest.txt", "digest.eml"] {
            #expect(result.stdout.contains(out.appendingPathComponent(name).path))
        }
        let parsed = try #require(try ParsedMessage.parse([out.appendingPathComponent("digest.eml")]).first)
        try Self.checkWellFormed(parsed)
        #expect(
            parsed.part("text/plain")
                == (try String(contentsOf: out.appendingPathComponent("digest.txt"), encoding: .utf8)))
        // Nothing was marked: a send afterwards still has the article.
        let send = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(send.status == 0, "\(send.stdout)\(send.stderr)")
        #expect(try smtp.messages().count == 3)

        // Nothing new after the send: the preview shows the issue that went out, and says so (it used to write a
        // digest of no articles, which nobody is ever sent: a new-user trial).
        let sentText = try #require(ParsedMessage.parse(try smtp.messages()).first?.part("text/plain"))
        let again = try newsletter([
            "preview", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00", "--out", out.path,
        ])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(
            again.stdout.contains("nothing new since the last issue: the preview shows it again (党建周报 2019-06-01)"),
            "\(again.stdout)")
        let previewText = try String(contentsOf: out.appendingPathComponent("digest.txt"), encoding: .utf8)
        let firstTitle = try #require(sentText.split(separator: "\n").first { $0.hasPrefix("1. ") }, "\(sentText)")
        #expect(previewText.contains(firstTitle), "\(previewText)")
        #expect(try smtp.messages().count == 3)
    }

    /// Case 20: each message carries its own subscriber's token only; unsubscribing by token (what
    /// an unsubscribe endpoint does with the one-click POST) takes effect on the next run.
    @Test func unsubscribeByTokenStopsTheNextDigest() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: Self.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try Self.writeConfig(in: folder, http: http, smtpPort: smtp.port)
        let csv =
            "email,name,status,token\r\nreader1@example.com,,active,9f8e7d6c\r\nreader2@example.com,,active,1a2b3c4d\r\n"
        try Data(csv.utf8).write(to: folder.file("subscribers.csv"))

        #expect(try newsletter(["send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00"]).status == 0)
        for message in try ParsedMessage.parse(try smtp.messages()) {
            let mine = message.to == "reader1@example.com" ? "9f8e7d6c" : "1a2b3c4d"
            let other = mine == "9f8e7d6c" ? "1a2b3c4d" : "9f8e7d6c"
            #expect(message.listUnsubscribe?.contains("t=\(mine)") == true)
            #expect(message.listUnsubscribe?.contains("unsubscribe-weekly-\(mine)") == true)
            for part in message.parts { #expect(!part.content.contains(other)) }
        }

        let unsubscribe = try newsletter(["subscribers", "unsubscribe", "--token", "9f8e7d6c", "--config", config.path])
        #expect(unsubscribe.status == 0, "\(unsubscribe.stdout)\(unsubscribe.stderr)")
        #expect(unsubscribe.stdout.contains("reader1@example.com"))
        try http.serve(Self.snapshot("2019-06-08"))
        #expect(try newsletter(["send", "--config", config.path, "--now", "2019-06-08T08:00:00+08:00"]).status == 0)
        let secondWeek = Array(try smtp.acceptedRecipients().dropFirst(2))
        #expect(secondWeek == ["reader2@example.com"])
    }

    /// Checks a sent digest's MIME structure, line ends, charset and list headers.
    ///
    /// - Parameters:
    ///   - message: the parsed message as the test SMTP server received it.
    ///   - oneClick: whether `List-Unsubscribe-Post` must be there (test sends have no real token).
    /// - Throws: nothing today: every check is an `#expect`, which records a failure instead of throwing.
    static func checkWellFormed(_ message: ParsedMessage, oneClick: Bool = true) throws {
        #expect(message.defects.isEmpty, "defects: \(message.defects)")
        #expect(!message.bareLF)
        #expect(message.maxLineOctets <= 998)
        #expect(message.endsWithCRLF)
        #expect(message.contentType == "multipart/alternative")
        #expect(message.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(message.parts.allSatisfy { $0.charset?.lowercased() == "utf-8" })
        #expect(message.messageID?.hasSuffix("@news.example.com>") == true)
        #expect(message.listID == "党建周报 <weekly.news.example.com>")
        #expect(message.listUnsubscribe?.contains("https://news.example.com/u?l=weekly&t=") == true)
        #expect(message.listUnsubscribePost == (oneClick ? "List-Unsubscribe=One-Click" : nil))
        #expect(message.date != nil)
    }

    static func addressPart(_ header: String) -> String {
        if let start = header.lastIndex(of: "<"), let end = header.lastIndex(of: ">") {
            return String(header[header.index(after: start)..<end])
        }
        return header
    }
}
