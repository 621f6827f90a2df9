import Foundation
import NewsletterKit
import Testing

/// `newsletter subscribers …` through the built executable.
struct SubscribersCommandTests {
    static func config(in folder: TemporaryFolder) throws -> String {
        let file = folder.file("newsletter.yml")
        try Data("title: t\nfrom: digest@news.example.com\n".utf8).write(to: file)
        return file.path
    }

    @Test func addListUnsubscribeRemoveExport() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        #expect(
            try newsletter(["subscribers", "add", "a@example.com", "--name", "张三", "--config", config]).status == 0)
        // Said as the list keeps it (a new-user trial saw its own spaces echoed back).
        let spaced = try newsletter(["subscribers", "add", "  B@Example.ORG　", "--config", config])
        #expect(spaced.status == 0)
        #expect(spaced.stdout.hasPrefix("added B@Example.ORG to "), "\(spaced.stdout)")
        let duplicate = try newsletter(["subscribers", "add", "a@example.com", "--config", config])
        #expect(duplicate.stdout.contains("already subscribed"))
        let bad = try newsletter(["subscribers", "add", "not-an-address", "--config", config])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not-an-address"))

        let csv = try String(contentsOf: folder.file("Subscribers/subscribers.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("email,name,status,token,added\r\n"))
        #expect(csv.contains("a@example.com,张三,active,"))
        #expect(csv.contains("B@Example.ORG,,active,"))

        #expect(try newsletter(["subscribers", "unsubscribe", "a@example.com", "--config", config]).status == 0)
        let list = try newsletter(["subscribers", "list", "--config", config])
        // Three columns on every line, the name empty (a trial's list lost the column for an address without one).
        #expect(list.stdout == "B@Example.ORG\t\tactive\n1 active of 2\n")
        let all = try newsletter(["subscribers", "list", "--all", "--config", config])
        #expect(all.stdout.contains("a@example.com\t张三\tunsubscribed"))

        let export = try newsletter(["subscribers", "export", "--config", config])
        #expect(export.stdout == (try String(contentsOf: folder.file("Subscribers/subscribers.csv"), encoding: .utf8)))

        #expect(try newsletter(["subscribers", "remove", "a@example.com", "--config", config]).status == 0)
        let missing = try newsletter(["subscribers", "remove", "a@example.com", "--config", config])
        #expect(missing.status == 1)
    }

    /// Case 29 through the CLI: a GBK export from spreadsheet software imports with its names intact.
    @Test func importSpreadsheetExport() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        let file = RepoPaths.resources.appendingPathComponent("cases/29-csv-bom-header.gbk.csv").path
        let result = try newsletter(["subscribers", "import", file, "--config", config])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("imported 2 new address(es)"))
        let list = try newsletter(["subscribers", "list", "--config", config])
        #expect(list.stdout.contains("reader1@example.com\t测试读者一\tactive"))
        #expect(list.stdout.contains("reader2@example.net\t测试读者二\tactive"))
        let again = try newsletter(["subscribers", "import", file, "--config", config])
        #expect(again.stdout.contains("imported 0 new address(es)"))
    }

    /// The rows' reports come in file order, normalised and rejected rows mixed (a new-user trial read line 8's
    /// before line 5's); a Name <address> cell is normalised, with its name kept.
    @Test func importReportsRowsInFileOrder() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        let file = folder.file("outlook.csv")
        try Data(
            "email,name\r\nDan Lee <dan@example.com>,\r\nnot-an-address,x\r\nb＠example.com,乙\r\ndan@example.com,again\r\n"
                .utf8
        ).write(to: file)
        let result = try newsletter(["subscribers", "import", file.path, "--config", config])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        let reported = result.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix(file.path + ":") else { return nil }
            return Int(line.dropFirst(file.path.count + 1).prefix { $0.isNumber })
        }
        #expect(reported == [2, 3, 4, 5], "\(result.stdout)")
        let list = try newsletter(["subscribers", "list", "--config", config])
        #expect(list.stdout.contains("dan@example.com\tDan Lee\tactive"), "\(list.stdout)")
    }

    static let case39 = RepoPaths.resources.appendingPathComponent("cases")

    /// Case 39 through the CLI: the three spreadsheet forms into an empty list, with their reports.
    @Test func importCase39Spreadsheets() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        let listFile = folder.file("Subscribers/subscribers.csv")
        func run(_ file: String, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
            try newsletter(
                ["subscribers", "import", Self.case39.appendingPathComponent(file).path] + extra + ["--config", config])
        }

        let dry = try run("39-gbk-excel-subscribers.csv", ["--dry-run"])
        #expect(dry.status == 3, "\(dry.stdout)\(dry.stderr)")
        #expect(!FileManager.default.fileExists(atPath: listFile.path))
        let first = try run("39-gbk-excel-subscribers.csv")
        #expect(first.status == 3, "\(first.stdout)\(first.stderr)")
        let report = first.stdout
        #expect(report.contains("encoding GB18030, separator comma, 7 row(s)"))
        #expect(report.contains("39-gbk-excel-subscribers.csv:5: address normalised to reader4@example.com"))
        #expect(
            report.contains("39-gbk-excel-subscribers.csv:7: invalid address 'not-an-address': the address has no '@'"))
        #expect(report.contains("39-gbk-excel-subscribers.csv:8: duplicate of line 2"))
        #expect(report.contains("imported 5 new address(es)"))
        #expect(report.contains("(0 already present, 1 duplicate(s), 1 rejected, 1 normalised)"))
        #expect(
            dry.stdout.replacingOccurrences(of: "dry run, nothing written: would import", with: "imported") == report)

        // --dry-run on an existing list leaves it byte-identical.
        let before = try Data(contentsOf: listFile)
        #expect(try run("39-gbk-excel-subscribers.semicolon.csv", ["--dry-run"]).stdout.contains("would import 2 new"))
        #expect(try Data(contentsOf: listFile) == before)

        let second = try run("39-gbk-excel-subscribers.semicolon.csv")
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("separator semicolon"))
        #expect(second.stdout.contains("imported 2 new address(es)"))
        let third = try run("39-gbk-excel-subscribers.utf16-tab.txt")
        #expect(third.status == 0, "\(third.stdout)\(third.stderr)")
        #expect(third.stdout.contains("encoding UTF-16LE (BOM), separator tab"))
        #expect(third.stdout.contains("imported 2 new address(es)"))

        // The list file is valid UTF-8, keeps the extra column, and round-trips every name.
        let bytes = try Data(contentsOf: listFile)
        let text = try #require(String(data: bytes, encoding: .utf8))
        #expect(text.hasPrefix("email,name,status,token,added,部门\r\n"))
        #expect(text.contains("reader2@example.org,\"测试读者二, 副主任\",active,,"))
        let list = try SubscriberList.load(from: listFile, tokens: nil)
        #expect(
            list.subscribers.map(\.name) == [
                "测试读者一", "测试读者二, 副主任", "测试读者三", "测试读者四", "朱镕测试", "测试读者六, 顾问", "测试读者七", "测试读者八", "测试读者九",
            ])
        #expect(list.subscribers[2].email == "READER3@Example.NET")
        #expect(list.subscribers[3].email == "reader4@example.com")
        for name in list.subscribers.map(\.name) {
            #expect(!name.unicodeScalars.contains { $0 == "\u{FFFD}" || (0x80...0xFF).contains($0.value) })
        }
        #expect(list.subscribers[0].extra["部门"] == "办公室")
    }

    /// Files that cannot be read as a list stop before anything is written, saying why.
    @Test func unreadableSpreadsheetsWriteNothing() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        let listFile = folder.file("Subscribers/subscribers.csv")
        let latin = folder.file("latin.csv")
        try Data(Array("email,name\r\nreader10@example.com,Jos".utf8) + [0xE9, 0x0D, 0x0A]).write(to: latin)
        let refused = try newsletter(["subscribers", "import", latin.path, "--config", config])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("latin.csv:2:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("GB18030"))
        #expect(!FileManager.default.fileExists(atPath: listFile.path))

        let forced = try newsletter([
            "subscribers", "import", Self.case39.appendingPathComponent("39-gbk-excel-subscribers.semicolon.csv").path,
            "--delimiter", ",", "--config", config,
        ])
        #expect(forced.status == 1)
        #expect(forced.stderr.contains("'姓名;电子邮件'"), "\(forced.stderr)")
        #expect(forced.stderr.contains("GB18030"))
        #expect(!FileManager.default.fileExists(atPath: listFile.path))

        let accepted = try newsletter([
            "subscribers", "import", latin.path, "--encoding", "windows-1252", "--config", config,
        ])
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        #expect(
            try newsletter(["subscribers", "list", "--config", config]).stdout.contains("reader10@example.com\tJosé"))
    }

    /// `add` never silently overwrites: already subscribed is said, a name changes with --update, and
    /// someone who unsubscribed needs --resubscribe.
    @Test func addAsksBeforeChanging() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        func add(_ extra: String...) throws -> (status: Int32, stdout: String, stderr: String) {
            try newsletter(["subscribers", "add", "a@example.com"] + extra + ["--config", config])
        }
        #expect(try add("--name", "甲").status == 0)
        let again = try add("--name", "乙")
        #expect(again.status == 0)
        #expect(again.stdout.contains("already subscribed as '甲'; name not changed (pass --update"))
        #expect(try add("--name", "乙", "--update").stdout.contains("name changed from '甲' to '乙'"))
        #expect(try newsletter(["subscribers", "unsubscribe", "a@example.com", "--config", config]).status == 0)
        let refused = try add()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is unsubscribed"))
        #expect(refused.stderr.contains("--resubscribe"))
        #expect(try newsletter(["subscribers", "list", "--config", config]).stdout == "0 active of 1\n")
        #expect(try add("--resubscribe").stdout.contains("re-subscribed a@example.com (it was unsubscribed)"))
        #expect(
            try newsletter(["subscribers", "list", "--config", config]).stdout
                == "a@example.com\t乙\tactive\n1 active of 1\n")
    }

    @Test func exportForExcelHasABOM() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        #expect(
            try newsletter(["subscribers", "add", "a@example.com", "--name", "测试", "--config", config]).status == 0)
        let out = folder.file("out.csv")
        #expect(
            try newsletter(["subscribers", "export", "--excel", "--out", out.path, "--config", config]).status == 0)
        let bytes = Array(try Data(contentsOf: out))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF] + Array("email,name".utf8)))
    }

    /// Issue 11: a row typed into the list by hand gets a link in its first digest that works with
    /// `subscribers unsubscribe --token`; a forged token is refused and changes nothing.
    @Test func handAddedRowsTokenWorks() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try WeeklyDigestEndToEndTests.writeConfig(in: folder, http: http, smtpPort: smtp.port).path
        let listFile = folder.file("subscribers.csv")
        try Data("email,name\r\nhand@example.com,手写\r\nother@example.com,\r\n".utf8).write(to: listFile)

        let week1 = try newsletter(["send", "--config", config, "--now", "2019-06-01T08:00:00+08:00"])
        #expect(week1.status == 0, "\(week1.stdout)\(week1.stderr)")
        let messages = try ParsedMessage.parse(try smtp.messages())
        let mine = try #require(messages.first { $0.to?.contains("hand@example.com") == true })
        let header = try #require(mine.listUnsubscribe)
        let start = try #require(header.range(of: "t=")).upperBound
        let token = String(header[start...].prefix { $0.isLetter || $0.isNumber })
        #expect(token.count == SubscriberTokens.tokenLength)
        #expect(header.contains("unsubscribe-weekly-\(token)"))
        #expect(!(try String(contentsOf: listFile, encoding: .utf8)).contains(token))

        let before = try Data(contentsOf: listFile)
        for forged in [String(token.dropLast()) + (token.hasSuffix("a") ? "b" : "a"), "9f8e7d6c", "hand@example.com"] {
            let refused = try newsletter(["subscribers", "unsubscribe", "--token", forged, "--config", config])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("nothing changed"))
        }
        #expect(try Data(contentsOf: listFile) == before)

        let unsubscribe = try newsletter(["subscribers", "unsubscribe", "--token", token, "--config", config])
        #expect(unsubscribe.status == 0, "\(unsubscribe.stdout)\(unsubscribe.stderr)")
        #expect(unsubscribe.stdout == "unsubscribed hand@example.com\n")
        try http.serve(WeeklyDigestEndToEndTests.snapshot("2019-06-08"))
        let week2 = try newsletter(["send", "--config", config, "--now", "2019-06-08T08:00:00+08:00"])
        #expect(week2.status == 0, "\(week2.stdout)\(week2.stderr)")
        #expect(Array(try smtp.acceptedRecipients().dropFirst(2)) == ["other@example.com"])
    }

    /// Issue 11: bulk mail without a way to unsubscribe is refused before anything is fetched or sent.
    @Test func sendRefusesWithoutAnUnsubscribeMethod() throws {
        let folder = try TemporaryFolder()
        let config = try TestConfig.write(in: folder, sources: [("s", "http://127.0.0.1:1/")], unsubscribeMailto: nil)
        try Data("email\r\na@example.com\r\n".utf8).write(to: folder.file("subscribers.csv"))
        for arguments in [["send"], ["send", "--dry-run"]] {
            let result = try newsletter(arguments + ["--config", config.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("unsubscribe_url"), "\(result.stderr)")
            #expect(result.stderr.contains("unsubscribe_mailto"))
        }
    }

    /// Concurrent edits (an unsubscribe handler while an editor adds addresses) are all kept.
    @Test func concurrentEditsAreNotLost() throws {
        let folder = try TemporaryFolder()
        let config = try Self.config(in: folder)
        let processes = try (1...12).map {
            try launchNewsletter(["subscribers", "add", "p\($0)@example.com", "--config", config])
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let list = try newsletter(["subscribers", "list", "--config", config])
        #expect(list.stdout.hasSuffix("12 active of 12\n"), "\(list.stdout)")
    }
}
