import Foundation

/// A table read from a CSV or "Unicode text" file as spreadsheets write them: decoded, its separator
/// found, split into records with their real line numbers.
///
/// Decoding (``decode(_:fileName:encoding:)``): a byte order mark first (UTF-8, UTF-16LE, UTF-16BE), then
/// strict UTF-8, then strict GB18030 (which covers GBK and GB2312: Chinese Excel's plain "CSV" export),
/// else an error naming the first line that is not UTF-8 and the encodings tried; a given encoding (any
/// name glibc `iconv` knows, e.g. `windows-1252`) overrides. Valid UTF-8 is never taken for GBK.
///
/// Separator: of `,`, `;` and TAB, counted outside quotes on the header line, the most frequent one whose
/// header has an email column (``SubscriberColumns``); a given separator overrides.
public struct SpreadsheetTable: Sendable {
    /// The encoding the file was read as, for reports: `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE (BOM)`,
    /// `UTF-16BE (BOM)`, `GB18030`, or the name given.
    public var encoding: String
    /// The field separator.
    public var separator: Character
    /// The header cells as decoded.
    public var header: [String]
    /// The decoded text (UTF-8, no BOM), header included; records are read from it on demand
    /// (``forEachRecord(_:)``), never kept.
    let text: [UInt8]
    private let separatorByte: UInt8
    /// Records before the header: 1 after Excel's `sep=;` line, else 0.
    private let headerIndex: Int

    /// A problem that stops reading the whole file.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The separators tried, in order of preference on a tie.
    public static let separators: [Character] = [",", ";", "\t"]

    /// Reads a table whose header must satisfy `accepts` (for subscriber lists: it has an email column).
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - fileName: named in errors.
    ///   - encoding: overrides detection (`utf-8`, `utf-16`, `gb18030`, `windows-1252`, any `iconv` name).
    ///   - separator: overrides sniffing.
    ///   - accepts: whether a decoded header is the table's header.
    /// - Throws: ``ReadError`` naming the file (and line) when the bytes cannot be decoded, or when no
    ///   separator gives an acceptable header (listing the header cells as decoded and the encoding used).
    /// - Complexity: O(*n*) in the number of bytes.
    public init(
        bytes: [UInt8], fileName: String, encoding: String? = nil, separator: Character? = nil,
        accepts: ([String]) -> Bool
    ) throws {
        let (text, encodingName) = try Self.decode(bytes, fileName: fileName, encoding: encoding)
        self.encoding = encodingName
        // Excel's separator line (`sep=;`, written for other locales and read by Excel) comes before the header.
        let hint = Self.separatorHint(text)
        let headerIndex = hint == nil ? 0 : 1
        let candidates: [Character]
        if let separator {
            candidates = [separator]
        } else if let hint {
            candidates = [hint]
        } else {
            let counts = Self.countSeparatorsOnFirstLine(text)
            candidates =
                Self.separators.filter { counts[$0, default: 0] > 0 }
                .sorted { counts[$0, default: 0] > counts[$1, default: 0] } + [","]
        }
        var chosen: (Character, [String])?
        for candidate in candidates {
            let header = Self.headerCells(text, separator: candidate, index: headerIndex)
            if accepts(header) {
                chosen = (candidate, header)
                break
            }
        }
        guard let (chosenSeparator, header) = chosen else {
            let shown = Self.headerCells(text, separator: candidates[0], index: headerIndex)
            let cells = shown.map { "'\($0)'" }.joined(separator: ", ")
            let separatorName = Self.name(of: candidates[0])
            throw ReadError(
                description:
                    "\(fileName):\(headerIndex + 1): no email column in the header (cells as read with encoding \(encodingName) and separator \(separatorName): \(cells)); name a column email, e-mail, Email Address, 邮箱 or 电子邮件"
                    + (separator == nil ? "" : ", or try another --delimiter"))
        }
        self.separator = chosenSeparator
        self.header = header
        guard let byte = chosenSeparator.asciiValue else {
            throw ReadError(description: "\(fileName): the separator must be one ASCII character")
        }
        separatorByte = byte
        self.text = text
        self.headerIndex = headerIndex
    }

    /// Where a file whose encoding is guessed as GB18030 reads like Western European text decoded wrongly.
    ///
    /// The first line with a word such as `M黮ler` or `Garc韆`, and that word: Windows-1252 `ü` or `í` and the
    /// next Latin letter make one GB18030 character, so a lone Chinese character follows Latin letters, which
    /// Chinese text has next to never. Only `subscribers import` asks (it decodes the file once more to look):
    /// sends, `serve` and every other reading of a list never pay for the scan.
    ///
    /// - Parameter bytes: the file's content, as for ``init(bytes:fileName:encoding:separator:accepts:)``.
    /// - Returns: `nil` when nothing looks so, or the file is not read as GB18030.
    /// - Complexity: O(*n*) in the number of bytes; memory for the decoded text and one word.
    public static func latinReadAsGB18030(_ bytes: [UInt8]) -> (line: Int, word: String)? {
        guard let (text, encoding) = try? decode(bytes, fileName: "", encoding: nil), encoding == "GB18030" else {
            return nil
        }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII && scalar.properties.isAlphabetic }
        func isHan(_ scalar: Unicode.Scalar) -> Bool {
            (0x3400...0x9FFF).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
        }
        let separators: Set<Unicode.Scalar> = [" ", ",", ";", "\t", "\"", "\n", "\r"]
        var line = 1
        var word = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        // A Chinese character right after a Latin letter; it counts when no Chinese character follows it.
        var suspect = false
        var found = false
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            if suspect {
                suspect = false
                found = !isHan(scalar)
            }
            if separators.contains(scalar) {
                if found { return (line, String(word)) }
                word = String.UnicodeScalarView()
                if scalar == "\n" { line += 1 }
            } else {
                word.append(scalar)
                if isHan(scalar), let previous, isLetter(previous) { suspect = true }
            }
            previous = scalar
        }
        return found || suspect ? (line, String(word)) : nil
    }

    /// Hands the data records (after the header) to `body` one at a time, in file order.
    ///
    /// - Parameter body: takes each record; returns `false` to stop.
    /// - Throws: what `body` throws.
    /// - Complexity: O(*n*) in the number of bytes; memory for one record.
    func forEachRecord(_ body: (CSVParser.Record) throws -> Bool) rethrows {
        var before = headerIndex + 1
        try text.withUnsafeBufferPointer { buffer in
            try CSVParser.forEachRecord(buffer, separator: separatorByte) { record in
                if before > 0 {
                    before -= 1
                    return true
                }
                return try body(record)
            }
        }
    }

    /// `comma`, `semicolon`, `tab` or the character.
    public static func name(of separator: Character) -> String {
        switch separator {
        case ",": "comma"
        case ";": "semicolon"
        case "\t": "tab"
        default: "'\(separator)'"
        }
    }

    /// The separator that Excel's first line `sep=X` names, or `nil` when the text does not start with one.
    static func separatorHint(_ text: [UInt8]) -> Character? {
        let prefix = Array("sep=".utf8)
        guard text.count >= 6, text[0..<4].map({ $0 | 0x20 }) == prefix else { return nil }
        let byte = text[4]
        guard byte < 0x80, byte != 0x0D, byte != 0x0A, text[5] == 0x0D || text[5] == 0x0A else { return nil }
        return Character(UnicodeScalar(byte))
    }

    private static func headerCells(_ text: [UInt8], separator: Character, index: Int = 0) -> [String] {
        guard let byte = separator.asciiValue else { return [] }
        var cells = CSVParser.records(text, separator: byte, limit: index + 1).dropFirst(index).first?.fields ?? []
        while let last = cells.last, last.trimmingCharacters(in: .whitespaces).isEmpty { cells.removeLast() }
        return cells
    }

    /// Counts `,`, `;` and TAB outside quotes up to the first line end outside quotes.
    private static func countSeparatorsOnFirstLine(_ text: [UInt8]) -> [Character: Int] {
        var counts: [Character: Int] = [:]
        var quoted = false
        for byte in text {
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\t") {
                    counts[Character(UnicodeScalar(byte)), default: 0] += 1
                }
            }
        }
        return counts
    }
}

extension SpreadsheetTable {
    /// Decodes a file's bytes to UTF-8 without a BOM.
    /// - Returns: the UTF-8 bytes and the name of the encoding used.
    /// - Throws: ``ReadError`` naming the file, the first line that is not valid in the encoding, and
    ///   the encodings tried.
    static func decode(_ bytes: [UInt8], fileName: String, encoding: String?) throws -> ([UInt8], String) {
        if let encoding {
            let folded = encoding.lowercased().replacingOccurrences(of: "_", with: "-")
            switch folded {
            case "utf-8", "utf8":
                let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
                if let offset = firstInvalidUTF8(body) {
                    throw ReadError(
                        description:
                            "\(fileName):\(line(at: offset, in: body)): not valid UTF-8 (byte \(hex(body[offset])))")
                }
                return (body, "UTF-8")
            default:
                let name = folded == "utf-16" || folded == "utf16" ? "UTF-16" : encoding
                return (try iconvStrict(bytes, from: name, fileName: fileName), encoding)
            }
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = Array(bytes.dropFirst(3))
            if let offset = firstInvalidUTF8(body) {
                throw ReadError(
                    description:
                        "\(fileName):\(line(at: offset, in: body)): starts with a UTF-8 byte order mark but byte \(hex(body[offset])) is not valid UTF-8"
                )
            }
            return (body, "UTF-8 (BOM)")
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return (try iconvStrict(Array(bytes.dropFirst(2)), from: "UTF-16LE", fileName: fileName), "UTF-16LE (BOM)")
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return (try iconvStrict(Array(bytes.dropFirst(2)), from: "UTF-16BE", fileName: fileName), "UTF-16BE (BOM)")
        }
        guard let offset = firstInvalidUTF8(bytes) else { return (bytes, "UTF-8") }
        if let decoded = CharsetIconv.decode(bytes, from: "GB18030", stopAfterErrors: 0), decoded.errors == 0 {
            return (Array(decoded.text.utf8), "GB18030")
        }
        // The line to fix is where GB18030 fails (a GBK file with a few bad bytes), not where UTF-8 did: the line
        // of the first replacement in the lossy reading (GB18030 keeps line ends as they are).
        let utf8Line = line(at: offset, in: bytes)
        var gbLine = utf8Line
        if let lossy = CharsetIconv.decode(bytes, from: "GB18030"),
            let bad = lossy.text.unicodeScalars.firstIndex(of: "\u{FFFD}")
        {
            gbLine = 1 + lossy.text.unicodeScalars[..<bad].count { $0 == "\n" }
        }
        throw ReadError(
            description:
                "\(fileName):\(gbLine): cannot tell the encoding: the file is not valid UTF-8 (byte \(hex(bytes[offset])) on line \(utf8Line)), and line \(gbLine) is not valid GB18030/GBK either (tried: byte order mark, UTF-8, GB18030); save it as \"CSV UTF-8\" (`newsletter subscribers import` also takes --encoding, e.g. windows-1252)"
        )
    }

    private static func iconvStrict(_ bytes: [UInt8], from name: String, fileName: String) throws -> [UInt8] {
        guard let decoded = CharsetIconv.decode(bytes, from: name) else {
            throw ReadError(
                description:
                    "\(fileName): unknown encoding '\(name)' (any name iconv knows, e.g. windows-1252, GB18030, UTF-16)"
            )
        }
        var text = Array(decoded.text.utf8)
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
        if decoded.errors > 0 {
            // Name the first line with a replacement character.
            let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
            var offset = 0
            for index in 0..<max(0, text.count - 2)
            where text[index] == replacement[0] && text[index + 1] == replacement[1]
                && text[index + 2] == replacement[2]
            {
                offset = index
                break
            }
            throw ReadError(
                description:
                    "\(fileName):\(line(at: offset, in: text)): not valid \(name) (\(decoded.errors) bad byte sequence(s))"
            )
        }
        return text
    }

    /// The offset of the first byte that is not part of valid UTF-8 (RFC 3629), or `nil`.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    /// The offset of the first byte of `buffer` that is not part of valid UTF-8 (RFC 3629), or `nil`.
    static func firstInvalidUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        do {
            var index = 0
            let count = buffer.count
            while index < count {
                let byte = buffer[index]
                if byte < 0x80 {
                    index += 1
                    continue
                }
                let length: Int
                var minimum: UInt32
                var scalar: UInt32
                switch byte {
                case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(byte & 0x1F))
                case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(byte & 0x0F))
                case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(byte & 0x07))
                default: return index
                }
                guard index + length <= count else { return index }
                for next in 1..<length {
                    let continuation = buffer[index + next]
                    guard continuation & 0xC0 == 0x80 else { return index }
                    scalar = scalar << 6 | UInt32(continuation & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
                minimum = 0
                index += length
            }
            return nil
        }
    }

    /// The 1-based line of `offset` (CRLF, LF and a lone CR each end a line).
    static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        var index = 0
        while index < min(offset, bytes.count) {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
            } else if bytes[index] == UInt8(ascii: "\r") {
                line += 1
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            }
            index += 1
        }
        return line
    }

    private static func hex(_ byte: UInt8) -> String {
        "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }
}
