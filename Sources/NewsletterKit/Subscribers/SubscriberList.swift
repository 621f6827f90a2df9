public import Foundation
import SwiftCSV

/// A subscriber list kept as a human-editable CSV file (`email,name,status,token,added`).
///
/// Reading accepts a UTF-8 BOM, GBK/GB18030 files from spreadsheet software, any column order and
/// header case, and fills in missing tokens. Writing is atomic (temp file + rename) and always UTF-8
/// with CRLF line ends (RFC 4180).
public struct SubscriberList: Sendable {
    /// The CSV file.
    public let file: URL
    /// The rows, in file order, one per address (case-insensitively unique).
    public var subscribers: [Subscriber]
    /// Rows that were skipped while reading, each naming its line and the reason.
    public var problems: [SubscriberError]

    /// The columns written, in order.
    public static let columns = ["email", "name", "status", "token", "added"]

    /// An empty list for `file` (nothing is written until ``save()``).
    public init(file: URL) {
        self.file = file
        subscribers = []
        problems = []
    }

    /// Reads a list; a missing file is an empty list.
    ///
    /// Invalid or duplicate rows are skipped and reported in ``problems`` (never dropped silently).
    /// - Throws: ``SubscriberError`` when the file cannot be read or has no `email` column.
    public static func load(from file: URL) throws -> SubscriberList {
        var list = SubscriberList(file: file)
        guard FileManager.default.fileExists(atPath: file.path) else { return list }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: file))
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot read (\(error.localizedDescription))")
        }
        let (imported, problems) = try parse(bytes: bytes, fileName: file.path)
        list.problems = problems
        for subscriber in imported {
            if list.index(of: subscriber.email) != nil {
                continue
            }
            list.subscribers.append(subscriber)
        }
        return list
    }

    /// Parses CSV bytes into subscribers.
    ///
    /// - Returns: the valid rows (duplicates removed, first wins) and a problem for each skipped row.
    /// - Throws: ``SubscriberError`` when there is no `email` column.
    public static func parse(bytes: [UInt8], fileName: String) throws -> ([Subscriber], [SubscriberError]) {
        var text = CharsetDecoder.decode(bytes, contentType: nil).text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw SubscriberError(file: fileName, line: 1, reason: "not valid CSV (\(error))")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        guard let emailColumn = header.firstIndex(where: { $0 == "email" || $0 == "e-mail" || $0 == "邮箱" }) else {
            throw SubscriberError(
                file: fileName, line: 1,
                reason: "no 'email' column in the header (\(csv.header.joined(separator: ",")))")
        }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        let nameColumn = column("name", "姓名", "名字")
        let statusColumn = column("status")
        let tokenColumn = column("token")
        let addedColumn = column("added")
        var result: [Subscriber] = []
        var seen = Set<String>()
        var problems: [SubscriberError] = []
        for (offset, row) in csv.rows.enumerated() {
            let line = offset + 2
            func field(_ index: Int?) -> String {
                guard let index, index < row.count else { return "" }
                return row[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let rawEmail = field(emailColumn)
            if rawEmail.isEmpty, row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            // A field running over a line end is almost always an unclosed quote that swallowed the
            // next row: skip it loudly rather than lose that subscriber silently.
            if row.contains(where: { $0.contains(where: \.isNewline) }) {
                problems.append(
                    SubscriberError(
                        file: fileName, line: line,
                        reason:
                            "a quoted field runs over the end of the line (unclosed quote?); row skipped, fix the quotes"
                    ))
                continue
            }
            let address: MailAddress
            do {
                address = try MailAddress(email: rawEmail, displayName: nil)
            } catch {
                problems.append(
                    SubscriberError(file: fileName, line: line, reason: "invalid address '\(rawEmail)': \(error)"))
                continue
            }
            guard seen.insert(address.email.lowercased()).inserted else {
                problems.append(
                    SubscriberError(
                        file: fileName, line: line, reason: "duplicate address \(address.email) (first one kept)"))
                continue
            }
            var status = Subscriber.Status.active
            let statusText = field(statusColumn).lowercased()
            if !statusText.isEmpty {
                guard let parsed = Subscriber.Status(rawValue: statusText) else {
                    problems.append(
                        SubscriberError(
                            file: fileName, line: line,
                            reason:
                                "unknown status '\(statusText)' for \(address.email) (active, unsubscribed or bounced)")
                    )
                    continue
                }
                status = parsed
            }
            let token = field(tokenColumn)
            result.append(
                Subscriber(
                    email: address.email, name: Subscriber.cleanName(field(nameColumn)), status: status,
                    token: token.isEmpty ? Subscriber.makeToken() : token, added: field(addedColumn)))
        }
        return (result, problems)
    }

    /// Reads the list, lets `change` edit it, and writes it back, holding an exclusive lock on
    /// `FILE.lock` throughout, so that concurrent edits (an unsubscribe handler, a send disabling a
    /// bouncing address, an editor's command) are applied one after the other and none is lost.
    ///
    /// Nothing is written when `change` throws.
    /// - Returns: what `change` returned.
    /// - Throws: ``SubscriberError`` or a file error naming the path; whatever `change` throws.
    @discardableResult
    public static func modify<T>(_ file: URL, _ change: (inout SubscriberList) throws -> T) throws -> T {
        let lock: RunLock
        do {
            lock = try RunLock(path: file.path + ".lock", wait: true)
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot lock the list: \(error)")
        }
        return try withExtendedLifetime(lock) {
            var list = try load(from: file)
            let result = try change(&list)
            try list.save()
            return result
        }
    }

    /// The position of `email` (compared case-insensitively).
    public func index(of email: String) -> Int? {
        let wanted = email.lowercased()
        return subscribers.firstIndex { $0.email.lowercased() == wanted }
    }

    /// The subscribers who get digests.
    public var active: [Subscriber] { subscribers.filter { $0.status == .active } }

    /// Adds or re-activates an address.
    /// - Returns: `false` when it was already active.
    /// - Throws: `MailAddressError` when the address is invalid.
    @discardableResult
    public mutating func add(email: String, name: String?, today: String) throws -> Bool {
        let address = try MailAddress(email: email, displayName: nil)
        if let index = index(of: address.email) {
            var changed = false
            if subscribers[index].status != .active {
                subscribers[index].status = .active
                changed = true
            }
            if let name = name.map(Subscriber.cleanName), !name.isEmpty, subscribers[index].name != name {
                subscribers[index].name = name
                changed = true
            }
            return changed
        }
        subscribers.append(Subscriber(email: address.email, name: Subscriber.cleanName(name ?? ""), added: today))
        return true
    }

    /// The same rows, to be saved to another file.
    public init(copying other: SubscriberList, to file: URL) {
        self.file = file
        subscribers = other.subscribers
        problems = []
    }

    /// The list as CSV text (header first, CRLF line ends).
    public var csvText: String {
        var text = Self.columns.joined(separator: ",") + "\r\n"
        for subscriber in subscribers {
            let fields = [
                subscriber.email, subscriber.name, subscriber.status.rawValue, subscriber.token, subscriber.added,
            ]
            text += fields.map(Self.quote).joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// Writes the list atomically (temp file in the same folder, then rename).
    /// - Throws: a file-system error naming the path.
    public func save() throws {
        try AtomicFile.write(Data(csvText.utf8), to: file)
    }

    /// RFC 4180 quoting: fields with a comma, quote, CR or LF are quoted, quotes doubled.
    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
