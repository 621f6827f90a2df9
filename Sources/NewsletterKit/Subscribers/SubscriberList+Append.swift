public import Foundation

extension SubscriberList {
    /// Adds an address to the list in `file`, like ``add(email:name:today:updateName:resubscribe:)`` inside
    /// ``modify(_:tokens:_:)``, without reading the list into memory when the address is new.
    ///
    /// When the file is UTF-8 in the list's own layout (header `email,name,status,token,added` and any extra
    /// columns, separated by commas) and no row holds the address (any spelling with the same
    /// ``SubscriberAddress/key(_:)``), the file's bytes are copied as they are with the new row after them,
    /// and written atomically under the list's lock: one pass over the bytes, no row parsed into a
    /// ``Subscriber``, none re-validated or re-serialised. Otherwise (the address is already there, another
    /// encoding, separator or header, a quote never closed) the whole list is read and written back as
    /// ``modify(_:tokens:_:)`` does, with `warn` told each row that was skipped on reading.
    ///
    /// - Parameters:
    ///   - email: the address to add.
    ///   - name: the subscriber's name, or `nil`.
    ///   - today: the `added` date (ISO 8601, date only).
    ///   - updateName: change the name of an address that is already active.
    ///   - resubscribe: re-activate an address that unsubscribed or bounced.
    ///   - file: the subscriber list.
    ///   - tokens: the list's tokens (used only when the whole list is read).
    ///   - warn: told each row skipped while reading the whole list (never called on the fast path).
    /// - Returns: what was done (``AddOutcome/added`` on the fast path).
    /// - Throws: ``MailAddressError`` for an invalid address; ``SubscriberError`` or a file error naming the
    ///   path when the list cannot be locked, read or written.
    /// - Complexity: O(*n*) in the file's size, with memory for the file's bytes only on the fast path.
    public static func add(
        email: String, name: String?, today: String, updateName: Bool = false, resubscribe: Bool = false,
        to file: URL, tokens: SubscriberTokens?, warn: (SubscriberError) -> Void = { _ in }
    ) throws -> AddOutcome {
        let cleaned = try SubscriberAddress.clean(email)
        let key = SubscriberAddress.key(cleaned.email)
        let lock: RunLock
        do {
            lock = try RunLock(path: file.path + ".lock", wait: true)
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot lock the list: \(error)")
        }
        return try withExtendedLifetime(lock) {
            if FileManager.default.fileExists(atPath: file.path) {
                let bytes = try readBytes(of: file)
                if let layout = AppendScan.layout(of: bytes, absentKey: key) {
                    let name = name.map(Subscriber.cleanName) ?? ""
                    var out = bytes
                    out.reserveCapacity(bytes.count + 128)
                    if layout.needsLineEnd { out += layout.lineEnd }
                    let fields =
                        [cleaned.email, name, Subscriber.Status.active.rawValue, "", today]
                        + Array(repeating: "", count: layout.extraColumns)
                    for (position, field) in fields.enumerated() {
                        if position > 0 { out.append(UInt8(ascii: ",")) }
                        appendQuoted(field, to: &out)
                    }
                    out += layout.lineEnd
                    // Written from the array itself (no copy into a `Data`).
                    try out.withUnsafeMutableBytes { buffer in
                        guard let base = buffer.baseAddress else { return }
                        try AtomicFile.write(
                            Data(bytesNoCopy: base, count: buffer.count, deallocator: .none), to: file)
                    }
                    return .added
                }
            }
            var list = try load(from: file, tokens: tokens)
            for problem in list.problems { warn(problem) }
            let outcome = try list.add(
                email: email, name: name, today: today, updateName: updateName, resubscribe: resubscribe)
            try list.save()
            return outcome
        }
    }
}

/// A byte-level reading of a list file in the list's own layout: whether a row can be appended to it as it
/// is, and where each row's address and status are (to change a status in place).
enum AppendScan {
    /// What appending needs to know about the file.
    struct Layout: Equatable {
        /// Header cells after the five standard ones (the new row leaves them empty).
        var extraColumns: Int
        /// The file's line end (that of its header line): CRLF or LF.
        var lineEnd: [UInt8]
        /// The last line has no line end: one goes before the new row.
        var needsLineEnd: Bool
    }

    /// The header line of a file in the list's own layout.
    struct Header {
        /// Where the first row starts (in the buffer after any byte order mark).
        var dataStart: Int
        /// Header cells after the five standard ones.
        var extraColumns: Int
        /// The header line's line end: CRLF or LF.
        var lineEnd: [UInt8]
    }

    /// One row's cells that edits look at.
    struct Row {
        /// The address cell, quotes removed.
        var email: [UInt8]
        /// The status cell, quotes removed (empty when the row has none).
        var status: [UInt8]
        /// Where the status cell is in the buffer, quotes included (`nil` when the row is too short).
        var statusRange: Range<Int>?
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// The length of a UTF-8 byte order mark at the start of `bytes` (3 or 0).
    static func byteOrderMarkLength(_ bytes: [UInt8]) -> Int { bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0 }

    /// The header of `buffer` (UTF-8 after any byte order mark) when the file is in the list's own layout:
    /// valid UTF-8, the header `email,name,status,token,added` followed by plain extra column names (no
    /// quotes, semicolons or tabs, which could make another separator win).
    static func header(_ buffer: UnsafeBufferPointer<UInt8>) -> Header? {
        guard SpreadsheetTable.firstInvalidUTF8(buffer) == nil else { return nil }
        let count = buffer.count
        var index = 0
        while index < count, buffer[index] != cr, buffer[index] != lf { index += 1 }
        guard index < count else { return nil }
        let header = buffer[0..<index]
        guard !header.contains(where: { $0 == quote || $0 == UInt8(ascii: ";") || $0 == 0x09 }) else { return nil }
        let cells = header.split(separator: comma, omittingEmptySubsequences: false)
        let standard = SubscriberList.columns
        guard cells.count >= standard.count, zip(cells, standard).allSatisfy({ $0.elementsEqual($1.utf8) }) else {
            return nil
        }
        let lineEnd: [UInt8] = buffer[index] == cr && index + 1 < count && buffer[index + 1] == lf ? [cr, lf] : [lf]
        return Header(dataStart: index + lineEnd.count, extraColumns: cells.count - standard.count, lineEnd: lineEnd)
    }

    /// Hands each row from `start` on to `body` (RFC 4180 as ``CSVParser`` reads it, comma-separated, the
    /// address in the first cell and the status in the third).
    ///
    /// - Parameters:
    ///   - buffer: the file's UTF-8 bytes.
    ///   - start: where the first row starts.
    ///   - body: takes each row; returns `false` to stop.
    /// - Returns: `false` when a quote is never closed (the file must then be read as a whole, which
    ///   reports it), else `true` (read to the end or stopped by `body`).
    /// - Complexity: O(*n*) in the number of bytes; the cells are reused buffers, no allocation per row.
    static func forEachRow(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (Row) -> Bool) -> Bool {
        let count = buffer.count
        var index = start
        var row = Row(email: [], status: [], statusRange: nil)
        while index < count {
            var field = 0
            var endOfRecord = false
            row.email.removeAll(keepingCapacity: true)
            row.status.removeAll(keepingCapacity: true)
            row.statusRange = nil
            while !endOfRecord {
                let fieldStart = index
                func keep(_ byte: UInt8) {
                    if field == 0 { row.email.append(byte) } else if field == 2 { row.status.append(byte) }
                }
                if index < count, buffer[index] == quote {
                    index += 1
                    var closed = false
                    while index < count {
                        let byte = buffer[index]
                        if byte == quote {
                            if index + 1 < count, buffer[index + 1] == quote {
                                keep(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        }
                        keep(byte)
                        index += 1
                    }
                    guard closed else { return false }
                }
                while index < count, buffer[index] != comma, buffer[index] != cr, buffer[index] != lf {
                    keep(buffer[index])
                    index += 1
                }
                if field == 2 { row.statusRange = fieldStart..<index }
                field += 1
                if index >= count {
                    endOfRecord = true
                } else if buffer[index] == comma {
                    index += 1
                } else {
                    if buffer[index] == cr, index + 1 < count, buffer[index + 1] == lf { index += 1 }
                    index += 1
                    endOfRecord = true
                }
            }
            guard body(row) else { return true }
        }
        return true
    }

    /// The file's layout when a row for `absentKey` can be appended to `bytes` as they are, else `nil`.
    ///
    /// `nil` when the file is not in the list's own layout (``header(_:)``), when a quote is never closed,
    /// or when a row's address has the key `absentKey`. The address cell of each row is compared byte by
    /// byte when it is plain ASCII (the rows a tool writes), else cleaned and keyed as ``SubscriberAddress``
    /// does.
    /// - Complexity: O(*n*) in the number of bytes; no allocation per row with a plain ASCII address.
    static func layout(of bytes: [UInt8], absentKey: String) -> Layout? {
        let start = byteOrderMarkLength(bytes)
        return bytes.withUnsafeBufferPointer { whole -> Layout? in
            let buffer = UnsafeBufferPointer(rebasing: whole[start...])
            guard let header = header(buffer) else { return nil }
            let wanted = Array(absentKey.utf8)
            var found = false
            let complete = forEachRow(buffer, from: header.dataStart) { row in
                found = key(of: row.email, is: wanted)
                return !found
            }
            guard complete, !found else { return nil }
            let last = buffer.last
            return Layout(
                extraColumns: header.extraColumns, lineEnd: header.lineEnd, needsLineEnd: last != lf && last != cr)
        }
    }

    /// Whether an address cell's ``SubscriberAddress/key(_:)`` is `key` (an invalid address has none).
    static func key(of cell: [UInt8], is key: [UInt8]) -> Bool {
        let plain =
            !cell.isEmpty && cell.allSatisfy { $0 > 0x20 && $0 < 0x7F } && cell.first != UInt8(ascii: "=")
        if plain {
            // An ASCII address is its own key once lower-cased.
            guard cell.count == key.count else { return false }
            for (a, b) in zip(cell, key) {
                let lower = (0x41...0x5A).contains(a) ? a | 0x20 : a
                if lower != b { return false }
            }
            return true
        }
        return Self.key(of: cell) == String(decoding: key, as: UTF8.self)
    }

    /// An address cell's ``SubscriberAddress/key(_:)``, or `nil` when it holds no valid address.
    static func key(of cell: [UInt8]) -> String? {
        let plain =
            !cell.isEmpty && cell.allSatisfy { $0 > 0x20 && $0 < 0x7F } && cell.first != UInt8(ascii: "=")
        if plain, !cell.contains(UInt8(ascii: "@")) { return nil }
        let text = String(decoding: cell, as: UTF8.self)
        guard !text.allSatisfy({ $0 == " " || $0 == "\t" }), let cleaned = try? SubscriberAddress.clean(text) else {
            return nil
        }
        return SubscriberAddress.key(cleaned.email)
    }
}

extension SubscriberList {
    /// The bytes of `file`, read straight into one array (no `Data` in between: a 100,000-row list is held
    /// once, not twice).
    ///
    /// - Parameter file: the file to read.
    /// - Returns: its bytes, as many as it holds when read (a file that grows meanwhile is read to its end).
    /// - Throws: ``SubscriberError`` naming the file and the system's reason when it cannot be opened or read.
    static func readBytes(of file: URL) throws -> [UInt8] {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SubscriberError(file: file.path, reason: "cannot read (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        var bytes = [UInt8](repeating: 0, count: max(size, 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes += [UInt8](repeating: 0, count: max(bytes.count, 4096)) }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SubscriberError(file: file.path, reason: "cannot read (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
