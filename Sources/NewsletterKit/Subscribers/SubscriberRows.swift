import Foundation

/// The validated rows of a subscriber list or of a spreadsheet to import, with a report of every row
/// that was not taken.
///
/// Rows are checked one by one: blank rows are ignored; a row with an unclosed quote, an invalid address
/// or an unknown status is rejected with its line and the reason; a second row for an address (same
/// ``SubscriberAddress/key(_:)``) is a duplicate of the first, which is kept. Nothing is dropped silently.
public struct SubscriberRows: Sendable {
    /// A row whose address appeared on an earlier line.
    public struct Duplicate: Sendable, Equatable {
        public var line: Int
        public var firstLine: Int
        public var email: String
    }

    /// The file, as named in reports.
    public var file: String
    /// How the file was decoded and split (see ``SpreadsheetTable``).
    public var encoding: String
    public var separator: Character
    /// The valid rows, first spelling of each address, in file order.
    public var subscribers: [Subscriber]
    /// The line of each of ``subscribers``.
    public var lines: [Int]
    /// Lines whose address was normalised (full-width characters, Unicode spaces, `="…"`).
    public var normalisedLines: [Int]
    public var duplicates: [Duplicate]
    /// Rows not taken, each naming its line and the reason.
    public var rejected: [SubscriberError]
    /// Named columns beyond email, name, status, token and added, as written in the header.
    public var extraColumns: [String]
    /// Rejected and duplicate rows as read, by column name (`email`, `name`, … and the extra columns),
    /// so that a list written back keeps them.
    var keptRows: [[String: String]]
    /// ``SubscriberAddress/key(_:)`` of each of ``subscribers``.
    var keys: [String]
    /// The position in ``subscribers`` of each key.
    var positions: [String: Int]

    /// Rejected rows and duplicates together, in line order, as errors naming file and line.
    public var problems: [SubscriberError] {
        let duplicateErrors = duplicates.map {
            SubscriberError(
                file: file, line: $0.line, reason: "duplicate of line \($0.firstLine) (\($0.email)); the first is kept")
        }
        return (rejected + duplicateErrors).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }

    /// Reads and validates rows.
    ///
    /// - Parameters:
    ///   - bytes: the file's content, in any encoding ``SpreadsheetTable`` detects.
    ///   - fileName: named in reports and errors.
    ///   - encoding: overrides encoding detection.
    ///   - separator: overrides separator sniffing.
    /// - Throws: ``SpreadsheetTable/ReadError`` when the file cannot be decoded or has no email column.
    /// - Complexity: O(*n*) in the file's size.
    public init(bytes: [UInt8], fileName: String, encoding: String? = nil, separator: Character? = nil) throws {
        let table = try SpreadsheetTable(
            bytes: bytes, fileName: fileName, encoding: encoding, separator: separator,
            accepts: { SubscriberColumns(header: $0) != nil })
        guard let columns = SubscriberColumns(header: table.header) else {
            throw SpreadsheetTable.ReadError(description: "\(fileName):1: no email column")
        }
        file = fileName
        self.encoding = table.encoding
        self.separator = table.separator
        extraColumns = columns.extra.map(\.name)
        subscribers = []
        lines = []
        normalisedLines = []
        duplicates = []
        rejected = []
        keptRows = []
        keys = []
        subscribers.reserveCapacity(table.records.count)
        lines.reserveCapacity(table.records.count)
        keys.reserveCapacity(table.records.count)
        positions = [:]
        positions.reserveCapacity(table.records.count)

        for record in table.records {
            let fields = record.fields
            func field(_ index: Int?) -> String {
                guard let index, index < fields.count else { return "" }
                return fields[index]
            }
            if fields.allSatisfy({ $0.allSatisfy { $0 == " " || $0 == "\t" } }) { continue }
            func keep() {
                var row: [String: String] = [
                    "email": field(columns.email), "name": field(columns.name), "status": field(columns.status),
                    "token": field(columns.token), "added": field(columns.added),
                ]
                for (index, name) in columns.extra { row[name] = field(index) }
                keptRows.append(row)
            }
            func reject(_ reason: String) {
                rejected.append(SubscriberError(file: fileName, line: record.line, reason: reason))
                keep()
            }
            if let problem = record.problem {
                reject(problem)
                continue
            }
            let cell = field(columns.email)
            let cleaned: SubscriberAddress.Cleaned
            do {
                cleaned = try SubscriberAddress.clean(cell)
            } catch let error as MailAddressError {
                let shown = cell.trimmingCharacters(in: .whitespaces)
                reject(shown.isEmpty ? "no address in the email column" : "invalid address '\(shown)': \(error.code)")
                continue
            } catch {
                reject("invalid address '\(cell)': \(error)")
                continue
            }
            let key = SubscriberAddress.key(cleaned.email)
            if let first = positions[key] {
                duplicates.append(Duplicate(line: record.line, firstLine: lines[first], email: cleaned.email))
                keep()
                continue
            }
            var status = Subscriber.Status.active
            let statusText = field(columns.status).trimmingSpaces().lowercased()
            if !statusText.isEmpty {
                guard let parsed = Subscriber.Status(rawValue: statusText) else {
                    reject(
                        "unknown status '\(statusText)' for \(cleaned.email) (active, pending, unsubscribed or bounced)"
                    )
                    continue
                }
                status = parsed
            }
            positions[key] = subscribers.count
            if cleaned.normalised { normalisedLines.append(record.line) }
            var extra: [String: String] = [:]
            for (index, name) in columns.extra {
                let value = field(index)
                if !value.isEmpty { extra[name] = value }
            }
            subscribers.append(
                Subscriber(
                    email: cleaned.email, name: Subscriber.cleanName(field(columns.name)), status: status,
                    token: field(columns.token).trimmingSpaces(),
                    added: field(columns.added).trimmingSpaces(), extra: extra))
            lines.append(record.line)
            keys.append(key)
        }
    }
}
