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
            Self.duplicateError(file: file, line: $0.line, firstLine: $0.firstLine, email: $0.email)
        }
        return (rejected + duplicateErrors).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }

    /// The report of a row whose address appeared on an earlier line.
    ///
    /// - Parameters:
    ///   - file: the file, as named in reports.
    ///   - line: the duplicate row's line.
    ///   - firstLine: the line of the row that is kept.
    ///   - email: the address as spelt on the duplicate row.
    /// - Returns: the error naming file and line.
    static func duplicateError(file: String, line: Int, firstLine: Int, email: String) -> SubscriberError {
        SubscriberError(file: file, line: line, reason: "duplicate of line \(firstLine) (\(email)); the first is kept")
    }

    /// A warning for `subscribers import` when `bytes` are read as GB18030 but look like Western text read wrongly
    /// (``SpreadsheetTable/latinReadAsGB18030(_:)``), naming the line, the word and the option to pass; `nil`
    /// otherwise.
    public static func encodingDoubt(_ bytes: [UInt8], fileName: String) -> String? {
        SpreadsheetTable.latinReadAsGB18030(bytes).map {
            "\(fileName):\($0.line): read as GB18030, but '\($0.word)' looks like Western European text read wrongly; if the file comes from a Western spreadsheet, import it again with --encoding windows-1252"
        }
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
        let scanner = try SubscriberRowScanner(
            bytes: bytes, fileName: fileName, encoding: encoding, separator: separator)
        file = fileName
        self.encoding = scanner.table.encoding
        self.separator = scanner.table.separator
        extraColumns = scanner.extraColumns
        subscribers = []
        lines = []
        normalisedLines = []
        duplicates = []
        rejected = []
        keptRows = []
        keys = []
        positions = [:]

        scanner.forEachRow { row in
            switch row.check {
            case .blank:
                break
            case .rejected(let reason):
                rejected.append(SubscriberError(file: fileName, line: row.line, reason: reason))
                keptRows.append(row.keptRow())
            case .address(let cleaned, let key):
                if let first = positions[key] {
                    duplicates.append(Duplicate(line: row.line, firstLine: lines[first], email: cleaned.email))
                    keptRows.append(row.keptRow())
                    break
                }
                switch row.subscriber(cleaned) {
                case .failure(let problem):
                    rejected.append(SubscriberError(file: fileName, line: row.line, reason: problem.reason))
                    keptRows.append(row.keptRow())
                case .success(let subscriber):
                    positions[key] = subscribers.count
                    if cleaned.normalised { normalisedLines.append(row.line) }
                    subscribers.append(subscriber)
                    lines.append(row.line)
                    keys.append(key)
                }
            }
            return true
        }
    }
}

/// Reads the rows of a subscriber list or spreadsheet one at a time and checks each on its own
/// (quotes, address, status): what ``SubscriberRows`` collects, and what a send streams without
/// keeping the rows.
///
/// Duplicates (a second row with the same ``SubscriberAddress/key(_:)``) are for the caller to find:
/// a row is checked without knowing the others.
struct SubscriberRowScanner {
    /// The decoded table.
    let table: SpreadsheetTable
    /// Which cell holds which field.
    let columns: SubscriberColumns
    /// The file, as named in reports.
    let fileName: String

    /// One data row as read.
    struct Row {
        /// What the row's own cells say.
        enum Check {
            /// Only spaces: ignored.
            case blank
            /// Not taken, with the reason (unclosed quote, invalid or missing address).
            case rejected(String)
            /// A valid address; the row's status is checked by ``Row/subscriber(_:)`` once the caller has
            /// looked for duplicates.
            case address(SubscriberAddress.Cleaned, key: String)
        }

        /// The 1-based line on which the row starts.
        let line: Int
        let check: Check
        fileprivate let fields: [String]
        fileprivate let columns: SubscriberColumns

        /// The cell at `index`, or empty.
        func field(_ index: Int?) -> String {
            guard let index, index < fields.count else { return "" }
            return fields[index]
        }

        /// A status the list does not know, with the reason in words.
        struct UnknownStatus: Error {
            let reason: String
        }

        /// The row as a subscriber, or why its status cannot be taken.
        /// - Parameter cleaned: the row's cleaned address (from ``check``).
        /// - Returns: the subscriber (status `active` when the cell is empty), or the unknown status.
        /// The name column, or the display name of a `Name <address>` cell when that column is empty.
        private func name(_ cleaned: SubscriberAddress.Cleaned) -> String {
            let written = field(columns.name)
            guard written.trimmingSpaces().isEmpty, let displayName = cleaned.displayName else { return written }
            return displayName
        }

        func subscriber(_ cleaned: SubscriberAddress.Cleaned) -> Result<Subscriber, UnknownStatus> {
            var status = Subscriber.Status.active
            let statusText = field(columns.status).trimmingSpaces().lowercased()
            if !statusText.isEmpty {
                guard let parsed = Subscriber.Status(rawValue: statusText) else {
                    return .failure(
                        UnknownStatus(
                            reason:
                                "unknown status '\(statusText)' for \(cleaned.email) (active, pending, unsubscribed or bounced)"
                        ))
                }
                status = parsed
            }
            var extra: [String: String] = [:]
            for (index, name) in columns.extra {
                let value = field(index)
                if !value.isEmpty { extra[name] = value }
            }
            return .success(
                Subscriber(
                    email: cleaned.email, name: Subscriber.cleanName(name(cleaned)), status: status,
                    token: field(columns.token).trimmingSpaces(),
                    added: field(columns.added).trimmingSpaces(), extra: extra))
        }

        /// The row as read, by column name (`email`, `name`, … and the extra columns), to be written back
        /// unchanged.
        func keptRow() -> [String: String] {
            var row: [String: String] = [
                "email": field(columns.email), "name": field(columns.name), "status": field(columns.status),
                "token": field(columns.token), "added": field(columns.added),
            ]
            for (index, name) in columns.extra { row[name] = field(index) }
            return row
        }
    }

    /// Decodes the table and finds its columns.
    ///
    /// - Parameters:
    ///   - bytes: the file's content, in any encoding ``SpreadsheetTable`` detects.
    ///   - fileName: named in reports and errors.
    ///   - encoding: overrides encoding detection.
    ///   - separator: overrides separator sniffing.
    /// - Throws: ``SpreadsheetTable/ReadError`` when the file cannot be decoded or has no email column.
    init(bytes: [UInt8], fileName: String, encoding: String? = nil, separator: Character? = nil) throws {
        table = try SpreadsheetTable(
            bytes: bytes, fileName: fileName, encoding: encoding, separator: separator,
            accepts: { SubscriberColumns(header: $0) != nil })
        guard let columns = SubscriberColumns(header: table.header) else {
            throw SpreadsheetTable.ReadError(description: "\(fileName):1: no email column")
        }
        self.columns = columns
        self.fileName = fileName
    }

    /// Named columns beyond email, name, status, token and added, as written in the header.
    var extraColumns: [String] { columns.extra.map(\.name) }

    /// Hands each data row, checked on its own, to `body`, in file order; nothing is kept.
    ///
    /// - Parameter body: takes each row; returns `false` to stop.
    /// - Throws: what `body` throws.
    /// - Complexity: O(*n*) in the file's size; memory for one row.
    func forEachRow(_ body: (Row) throws -> Bool) rethrows {
        let columns = columns
        try table.forEachRecord { record in
            let fields = record.fields
            let check: Row.Check
            if fields.allSatisfy({ $0.allSatisfy { $0 == " " || $0 == "\t" } }) {
                check = .blank
            } else if let problem = record.problem {
                check = .rejected(problem)
            } else {
                let cell = columns.email < fields.count ? fields[columns.email] : ""
                do {
                    let cleaned = try SubscriberAddress.clean(cell)
                    check = .address(cleaned, key: SubscriberAddress.key(cleaned.email))
                } catch let error as MailAddressError {
                    let shown = cell.trimmingCharacters(in: .whitespaces)
                    check = .rejected(
                        shown.isEmpty ? "no address in the email column" : "invalid address '\(shown)': \(error.code)")
                } catch {
                    check = .rejected("invalid address '\(cell)': \(error)")
                }
            }
            return try body(Row(line: record.line, check: check, fields: fields, columns: columns))
        }
    }
}
