import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Subscribers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the subscriber list (a CSV file, editable by hand).",
            subcommands: [Add.self, Remove.self, List.self, Import.self, Export.self, Unsubscribe.self]
        )
    }
}

/// Reports rows that were skipped while reading the list, on standard error.
private func warn(_ list: SubscriberList) {
    for problem in list.problems {
        FileHandle.standardError.write(Data("warning: \(problem)\n".utf8))
    }
}

/// Reads the configured list (read-only commands).
private func loadList(_ global: GlobalOptions) throws -> SubscriberList {
    let list = try SubscriberList.load(from: try global.loadConfig().subscribersFile)
    warn(list)
    return list
}

/// Edits the configured list under its lock (see `SubscriberList.modify`).
private func modifyList<T>(_ global: GlobalOptions, _ change: (inout SubscriberList) throws -> T) throws -> T {
    try SubscriberList.modify(try global.loadConfig().subscribersFile) { list in
        warn(list)
        return try change(&list)
    }
}

private func today() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: Date())
}

/// Thrown inside a modification to leave the file untouched while reporting a plain message.
private struct Unchanged: Error {
    let message: String
}

extension NewsletterCommand.Subscribers {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an address (or re-activate it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var email: String
        @Option(name: .long, help: "The subscriber's name.") var name: String?

        func run() throws {
            do {
                let (existed, file) = try modifyList(global) { list -> (Bool, String) in
                    let existed = list.index(of: email) != nil
                    guard try list.add(email: email, name: name, today: today()) else {
                        throw Unchanged(message: "\(email) is already subscribed")
                    }
                    return (existed, list.file.path)
                }
                say(existed ? "re-activated \(email) in \(file)" : "added \(email) to \(file)")
            } catch let unchanged as Unchanged {
                say(unchanged.message)
            } catch let error as MailAddressError {
                throw CommandFailure("\(error)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an address from the list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var email: String

        func run() throws {
            try modifyList(global) { list in
                guard let index = list.index(of: email) else {
                    throw CommandFailure("\(email) is not in \(list.file.path)")
                }
                list.subscribers.remove(at: index)
            }
            say("removed \(email)")
        }
    }

    struct Unsubscribe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an address (or the owner of an unsubscribe token) as unsubscribed; the row is kept.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address, or --token.") var email: String?
        @Option(name: .long, help: "The token from an unsubscribe link.") var token: String?

        func validate() throws {
            guard (email == nil) != (token == nil) else {
                throw ValidationError("Please give either an address or --token.")
            }
        }

        func run() throws {
            let address = try modifyList(global) { list in
                let index =
                    email.flatMap { list.index(of: $0) }
                    ?? token.flatMap { token in list.subscribers.firstIndex { $0.token == token } }
                guard let index else {
                    throw CommandFailure("\(email ?? "token \(token ?? "")") is not in \(list.file.path)")
                }
                list.subscribers[index].status = .unsubscribed
                return list.subscribers[index].email
            }
            say("unsubscribed \(address)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the subscribers.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Include unsubscribed and bounced addresses.") var all = false

        func run() throws {
            let list = try loadList(global)
            let shown = all ? list.subscribers : list.active
            for subscriber in shown {
                say(
                    [subscriber.email, subscriber.name, subscriber.status.rawValue].filter { !$0.isEmpty }.joined(
                        separator: "\t"))
            }
            say("\(list.active.count) active of \(list.subscribers.count)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the addresses of a CSV file (UTF-8 with or without BOM, or GBK) with an email column.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The CSV file.", completion: .file(extensions: ["csv"])) var file: String

        func run() throws {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw CommandFailure("\(file): cannot read (\(error.localizedDescription))")
            }
            let (rows, problems) = try SubscriberList.parse(bytes: bytes, fileName: file)
            for problem in problems { FileHandle.standardError.write(Data("skipped: \(problem)\n".utf8)) }
            let added = try modifyList(global) { list in
                var added = 0
                for row in rows where list.index(of: row.email) == nil {
                    var subscriber = row
                    if subscriber.added.isEmpty { subscriber.added = today() }
                    list.subscribers.append(subscriber)
                    added += 1
                }
                return added
            }
            say(
                "imported \(added) new address(es) from \(file) (\(rows.count - added) already present, \(problems.count) skipped)"
            )
            if !problems.isEmpty { throw ExitStatus.partial }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the list as CSV to a file or standard output.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "The file to write (default: standard output).") var out: String?

        func run() throws {
            var list = try loadList(global)
            if let out {
                let original = list.file
                list = SubscriberList(copying: list, to: URL(fileURLWithPath: out))
                try AtomicFile.write(Data(list.csvText.utf8), to: list.file, createFolders: false)
                say("exported \(list.subscribers.count) subscriber(s) from \(original.path) to \(out)")
            } else {
                print(list.csvText, terminator: "")
            }
        }
    }
}
