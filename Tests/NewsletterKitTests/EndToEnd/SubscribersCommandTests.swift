import Foundation
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
        #expect(try newsletter(["subscribers", "add", "B@Example.ORG", "--config", config]).status == 0)
        let duplicate = try newsletter(["subscribers", "add", "a@example.com", "--config", config])
        #expect(duplicate.stdout.contains("already subscribed"))
        let bad = try newsletter(["subscribers", "add", "not-an-address", "--config", config])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not-an-address"))

        let csv = try String(contentsOf: folder.file("Subscribers/subscribers.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("email,name,status,token,added\r\n"))
        #expect(csv.contains("a@example.com,张三,active,"))
        #expect(csv.contains("B@example.org,,active,"))

        #expect(try newsletter(["subscribers", "unsubscribe", "a@example.com", "--config", config]).status == 0)
        let list = try newsletter(["subscribers", "list", "--config", config])
        #expect(list.stdout == "B@example.org\tactive\n1 active of 2\n")
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
