import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Subscribers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the subscriber list (a CSV file, editable by hand or in a spreadsheet).",
            discussion: """
                The list is the CSV file named by `subscribers` in newsletter.yml (default \
                Subscribers/subscribers.csv): columns email, name, status (active, pending, unsubscribed, \
                bounced), token, added, then any columns of your own. Every change is written atomically under a lock, so a running `send` or \
                `serve` never sees half a file. Editing the file by hand is fine; unsubscribe links keep \
                working because tokens are derived from the address under a secret kept outside the file.

                Examples:
                  newsletter subscribers add reader@example.com --name 读者
                  newsletter subscribers import 名单.csv --dry-run
                  newsletter subscribers list --all
                  newsletter subscribers export --excel --out subscribers-for-excel.csv
                """,
            subcommands: [Add.self, Remove.self, List.self, Import.self, Export.self, Unsubscribe.self]
        )
    }
}

/// Reports rows that were skipped while reading the list, on standard error.
private func warn(_ list: SubscriberList) {
    for problem in list.problems {
        FileHandle.standardError.write(Data("warning: \(problem) (the row is kept as it is)\n".utf8))
    }
}

/// Reads the configured list without tokens (read-only commands that show no token).
private func loadList(_ global: GlobalOptions) throws -> SubscriberList {
    let list = try SubscriberList.load(from: try global.loadConfig().subscribersFile, tokens: nil)
    warn(list)
    return list
}

/// Edits the configured list under its lock (see `SubscriberList.modify`).
private func modifyList<T>(_ global: GlobalOptions, _ change: (inout SubscriberList) throws -> T) throws -> T {
    try SubscriberList.modify(config: try global.loadConfig()) { list in
        warn(list)
        return try change(&list)
    }
}

private func today() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: Date())
}

extension NewsletterCommand.Subscribers {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an address.",
            discussion: """
                An address that is already active is left as it is (its name changes only with --update). \
                Someone who unsubscribed or bounced is added again only with --resubscribe: do that only when \
                they asked for it. A pending address (double opt-in not yet confirmed) becomes active.

                Examples:
                  newsletter subscribers add reader@example.com --name 读者
                  newsletter subscribers add reader@example.com --name "王读者" --update
                  newsletter subscribers add former@example.com --resubscribe
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var email: String
        @Option(name: .long, help: "The subscriber's name.") var name: String?
        @Flag(name: .long, help: "Change the name of an address that is already subscribed.") var update = false
        @Flag(name: .long, help: "Re-activate an address that unsubscribed or bounced.") var resubscribe = false

        func run() throws {
            let (outcome, file): (SubscriberList.AddOutcome, String)
            do {
                // A new address is appended to the file's bytes as they are (no full read and rewrite).
                let config = try global.loadConfig()
                file = config.subscribersFile.path
                outcome = try SubscriberList.add(
                    email: email, name: name, today: today(), updateName: update, resubscribe: resubscribe,
                    to: config.subscribersFile, tokens: SubscriberTokens(config: config)
                ) { problem in
                    FileHandle.standardError.write(Data("warning: \(problem) (the row is kept as it is)\n".utf8))
                }
            } catch let error as MailAddressError {
                throw CommandFailure("\(error)")
            }
            switch outcome {
            case .added:
                // As the list keeps it (spaces and full-width characters cleaned), not as typed.
                say("added \((try? SubscriberAddress.clean(email).email) ?? email) to \(file)")
            case .alreadySubscribed(let current):
                if let name, Subscriber.cleanName(name) != current, !Subscriber.cleanName(name).isEmpty {
                    say(
                        "\(email) is already subscribed as '\(current)'; name not changed (pass --update to change it)")
                } else {
                    say("\(email) is already subscribed")
                }
            case .renamed(let old):
                say("\(email) is already subscribed; name changed from '\(old)' to '\(name ?? "")'")
            case .confirmed:
                say("activated \(email) (it was waiting for confirmation)")
            case .resubscribed(let previous):
                say("re-subscribed \(email) (it was \(previous.rawValue))")
            case .needsResubscribe(let status):
                throw CommandFailure(
                    "\(email) is \(status.rawValue) in \(file); nothing changed (pass --resubscribe if they asked to be added again)"
                )
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an address from the list.",
            discussion: """
                The row is removed, so its history goes too; to stop mail to someone who asked, use \
                `subscribers unsubscribe` instead (the row is kept and `add` will not re-activate it by mistake).

                Example:
                  newsletter subscribers remove typo@example.com
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var email: String

        func run() throws {
            try modifyList(global) { list in
                guard list.remove(email: email) != nil else {
                    throw CommandFailure("\(email) is not in \(list.file.path)")
                }
            }
            say("removed \(email)")
        }
    }

    struct Unsubscribe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an address (or the owner of an unsubscribe token) as unsubscribed; the row is kept.",
            discussion: """
                The token is the t= value of the unsubscribe link in a message (for readers who reply \
                "unsubscribe" with the link). `serve` and `mailbox` do the same for one-click POSTs and \
                mailto requests.

                Examples:
                  newsletter subscribers unsubscribe reader@example.com
                  newsletter subscribers unsubscribe --token 3f9c…
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address, or --token.") var email: String?
        @Option(name: .long, help: "The token from an unsubscribe link.") var token: String?

        func validate() throws {
            guard (email == nil) != (token == nil) else {
                throw ValidationError("Please give either an address or --token.")
            }
        }

        func run() throws {
            let change = try modifyList(global) { list in
                let change =
                    email.flatMap { list.unsubscribe(email: $0) } ?? token.flatMap { list.unsubscribe(token: $0) }
                guard let change else {
                    throw CommandFailure(
                        email.map { "\($0) is not in \(list.file.path)" }
                            ?? "no subscriber in \(list.file.path) has this token; nothing changed")
                }
                return change
            }
            say(
                change.changed
                    ? "unsubscribed \(change.subscriber.email)" : "\(change.subscriber.email) was already unsubscribed")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the subscribers.",
            discussion: """
                One line per address: address, name (empty when there is none) and status, \
                separated by tabs. Without --all only active \
                addresses (the ones a digest goes to) are listed.

                Examples:
                  newsletter subscribers list
                  newsletter subscribers list --all | grep bounced
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Include pending, unsubscribed and bounced addresses.") var all = false

        func run() throws {
            let list = try loadList(global)
            let shown = all ? list.subscribers : list.active
            // Always three tab-separated columns, the name empty when there is none (for `cut -f3`, awk).
            for subscriber in shown {
                say([subscriber.email, subscriber.name, subscriber.status.rawValue].joined(separator: "\t"))
            }
            say("\(list.active.count) active of \(list.subscribers.count)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the addresses of a CSV or spreadsheet text export.",
            discussion: """
                Encodings: byte order mark (UTF-8, UTF-16LE/BE as in Excel's "Unicode text"), else UTF-8, \
                else GB18030/GBK (Chinese Excel's "CSV"); separator: comma, semicolon or tab, whichever gives \
                an email column. Header names in English or Chinese (email, e-mail, Email Address, 邮箱, \
                电子邮箱, 电子邮件; name, 姓名, 名字). Addresses already in the list are left alone, whatever \
                their status. Exit status: 0 when every row was taken, 3 when some rows were rejected (listed \
                with their line), 1 when nothing could be imported.

                Examples:
                  newsletter subscribers import 名单.csv --dry-run
                  newsletter subscribers import export.txt --encoding utf-16 --delimiter tab
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file.", completion: .file(extensions: ["csv", "txt", "tsv"])) var file: String
        @Option(name: .long, help: "The file's encoding (e.g. windows-1252), instead of detecting it.")
        var encoding: String?
        @Option(name: .long, help: "The separator: ',', ';' or 'tab', instead of sniffing it.") var delimiter: String?
        @Flag(name: .long, help: "Report what would be imported; write nothing.") var dryRun = false

        func validate() throws {
            if let delimiter, Self.separator(delimiter) == nil {
                throw ValidationError("--delimiter: expected ',', ';' or 'tab', got '\(delimiter)'")
            }
        }

        static func separator(_ text: String) -> Character? {
            switch text.lowercased() {
            case ",", "comma": ","
            case ";", "semicolon": ";"
            case "\t", "tab", "\\t": "\t"
            default: nil
            }
        }

        func run() throws {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw CommandFailure("\(file): cannot read (\(error.localizedDescription))")
            }
            let rows: SubscriberRows
            do {
                rows = try SubscriberRows(
                    bytes: bytes, fileName: file, encoding: encoding, separator: delimiter.flatMap(Self.separator))
            } catch let error as SpreadsheetTable.ReadError {
                throw CommandFailure("\(error); nothing imported")
            }
            say(
                "\(file): encoding \(rows.encoding), separator \(SpreadsheetTable.name(of: rows.separator)), "
                    + "\(rows.subscribers.count + rows.duplicates.count + rows.rejected.count) row(s)")
            if encoding == nil, let doubt = SubscriberRows.encodingDoubt(bytes, fileName: file) {
                Console.shared.problem("warning: \(doubt)")
            }
            // One report in file order: normalised rows and problems by line.
            var reports = rows.normalisedLines.map { line in
                let email = rows.lines.firstIndex(of: line).map { rows.subscribers[$0].email } ?? ""
                return (
                    line,
                    "\(file):\(line): address normalised to \(email) (full-width characters, spaces, Excel's =\"…\" or a name around it removed)"
                )
            }
            reports += rows.problems.map { ($0.line ?? 0, "\($0)") }
            for (_, text) in reports.enumerated().sorted(by: { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) })
                .map(\.element)
            {
                say(text)
            }
            guard !rows.subscribers.isEmpty || !rows.rejected.isEmpty || !rows.duplicates.isEmpty else {
                throw CommandFailure("\(file): no rows under the header; nothing imported")
            }
            let merge: SubscriberList.MergeReport
            if dryRun {
                var list = try SubscriberList.load(from: try global.loadConfig().subscribersFile, tokens: nil)
                merge = list.merge(rows, today: today())
            } else {
                merge = try modifyList(global) { list in list.merge(rows, today: today()) }
            }
            for present in merge.alreadyPresent {
                say(
                    "\(file):\(present.line): \(present.email) is already in the list (\(present.status.rawValue)); left as it is"
                )
            }
            say(
                (dryRun ? "dry run, nothing written: would import " : "imported ")
                    + "\(merge.added.count) new address(es) from \(file) (\(merge.alreadyPresent.count) already present, "
                    + "\(rows.duplicates.count) duplicate(s), \(rows.rejected.count) rejected, "
                    + "\(rows.normalisedLines.count) normalised)")
            if !rows.rejected.isEmpty { throw ExitStatus.partial }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the list as CSV to a file or standard output.",
            discussion: """
                Every row, whatever its status, with the list's columns. --excel starts the file with a \
                UTF-8 byte order mark: without it Excel (Chinese Excel too) reads the file as the system's \
                code page and shows Chinese names as mojibake.

                Examples:
                  newsletter subscribers export --out backup.csv
                  newsletter subscribers export --excel --out 订阅者.csv
                """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "The file to write (default: standard output).") var out: String?
        @Flag(name: .long, help: "Start with a UTF-8 byte order mark, so that Excel (also Chinese Excel) reads UTF-8.")
        var excel = false

        func run() throws {
            let list = try loadList(global)
            let bytes = list.csvBytes(byteOrderMark: excel)
            if let out {
                try AtomicFile.write(Data(bytes), to: URL(fileURLWithPath: out), createFolders: false)
                say("exported \(list.subscribers.count) subscriber(s) from \(list.file.path) to \(out)")
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }
}
