/// An RFC 4180 reader over UTF-8 bytes, in one pass, that keeps each record's real line number.
///
/// Accepted beyond RFC 4180, as spreadsheets and text editors write it: any separator byte; CRLF, LF or a
/// lone CR as line ends (each counts as one line); quotes inside an unquoted field taken literally; text
/// after a closing quote appended to the field. A quoted field may hold separators and line ends (Excel's
/// Alt+Enter cells).
///
/// A quote that is never closed would swallow the rest of the file: the record is reported with the line
/// where the quote opened, and reading resumes on the next line, so the rows after it are not lost.
struct CSVParser {
    /// One record: its fields and where it starts.
    struct Record {
        /// The 1-based line on which the record starts.
        var line: Int
        /// The 1-based line on which it ends (greater than ``line`` when a quoted field holds line ends).
        var lastLine: Int
        var fields: [String]
        /// Why the record is not to be trusted (an unclosed quote), in words; `nil` when it is fine.
        var problem: String?
    }

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// Splits `bytes` into records.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 text without a BOM.
    ///   - separator: the field separator (`,`, `;` or TAB).
    ///   - limit: stop after this many records (used to read only the header).
    /// - Returns: the records in file order, each with its fields (quotes removed) and its first and last
    ///   line; a record with an unclosed quote carries a ``Record/problem``.
    /// - Complexity: O(*n*) in the number of bytes (a file with several unclosed quotes rescans from each).
    static func records(_ bytes: [UInt8], separator: UInt8, limit: Int = .max) -> [Record] {
        var result: [Record] = []
        guard limit > 0 else { return result }
        bytes.withUnsafeBufferPointer { buffer in
            forEachRecord(buffer, separator: separator) { record in
                result.append(record)
                return result.count < limit
            }
        }
        return result
    }

    /// Hands the records of `bytes` to `body` one at a time, in file order, without keeping them: memory
    /// holds one record, never the file's rows.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 text without a BOM.
    ///   - separator: the field separator (`,`, `;` or TAB).
    ///   - body: takes each record; returns `false` to stop reading.
    /// - Throws: what `body` throws (reading stops there).
    /// - Complexity: O(*n*) in the number of bytes, as ``records(_:separator:limit:)``.
    static func forEachRecord(
        _ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, _ body: (Record) throws -> Bool
    ) rethrows {
        let count = bytes.count
        var index = 0
        var line = 1
        var scratch: [UInt8] = []
        while index < count {
            var record = Record(line: line, lastLine: line, fields: [], problem: nil)
            var endOfRecord = false
            while !endOfRecord {
                if index < count, bytes[index] == quote {
                    // Quoted field.
                    let openLine = line
                    var resumeAt: Int?  // the start of the line after the opening quote
                    scratch.removeAll(keepingCapacity: true)
                    index += 1
                    var closed = false
                    while index < count {
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < count, bytes[index + 1] == quote {
                                scratch.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        }
                        if byte == cr || byte == lf {
                            scratch.append(byte)
                            index += 1
                            if byte == cr, index < count, bytes[index] == lf {
                                scratch.append(lf)
                                index += 1
                            }
                            line += 1
                            if resumeAt == nil { resumeAt = index }
                            continue
                        }
                        scratch.append(byte)
                        index += 1
                    }
                    guard closed else {
                        record.fields.append(String(decoding: scratch, as: UTF8.self))
                        record.problem =
                            "a quote opened on line \(openLine) is never closed; row skipped, fix the quotes"
                        record.lastLine = openLine
                        line = openLine + (resumeAt == nil ? 0 : 1)
                        index = resumeAt ?? count
                        endOfRecord = true
                        break
                    }
                    // Lenient: anything up to the next separator or line end belongs to the field.
                    let start = index
                    while index < count, bytes[index] != separator, bytes[index] != cr, bytes[index] != lf {
                        index += 1
                    }
                    if index > start { scratch.append(contentsOf: bytes[start..<index]) }
                    record.fields.append(String(decoding: scratch, as: UTF8.self))
                } else {
                    let start = index
                    while index < count, bytes[index] != separator, bytes[index] != cr, bytes[index] != lf {
                        index += 1
                    }
                    record.fields.append(
                        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                }
                // After a field: a separator, a line end, or the end.
                if index >= count {
                    if record.problem == nil { record.lastLine = line }
                    endOfRecord = true
                } else if bytes[index] == separator {
                    index += 1
                } else {
                    if bytes[index] == cr, index + 1 < count, bytes[index + 1] == lf { index += 1 }
                    index += 1
                    record.lastLine = line
                    line += 1
                    endOfRecord = true
                }
            }
            guard try body(record) else { return }
        }
    }
}
