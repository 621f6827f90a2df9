import CZlib
import Foundation
import Glibc

/// The delivery ledger's log of outcomes: one line per outcome, appended with one `write(2)` as soon as the server
/// has answered, and applied to the ledger's SQLite tables in transactions of hundreds (``DeliveryRecorder``).
///
/// A line that `write(2)` has put in the file survives a kill of the process at once (it is in the operating
/// system's page cache), as a SQLite commit at `synchronous = NORMAL` does, for a fraction of its cost; the file
/// is fsynced on the recorder's schedule (every 1,000 outcomes or every second). The next run that holds the run
/// lock applies whatever the file holds beyond the ledger's `outcomeLog.appliedSeq` before it reads a pending
/// delivery (``AppDatabase/replayOutcomeLog()``), then empties the file.
///
/// The file sits beside the state database, `STATE-outcomes`. Each line is
/// `ledger TAB seq TAB digestID TAB kind TAB code TAB final TAB date TAB giveUpHours TAB email TAB reply TAB crc32 LF`:
/// `ledger` the state database's own random id (`outcomeLog.ledgerID`: a log left beside a state database that was
/// replaced is not applied to the new one, whose digest numbers start again at 1); `kind` one
/// of `a` accepted, `p` permanent, `t` temporary, `u` uncertain, `f` fatal; `code` the reply code or `-`; `date` the
/// outcome's time in milliseconds since 1970; `email` and `reply` with backslash, tab, CR and LF escaped; `crc32`
/// (zlib's, 8 hex digits) over everything before its tab. A line whose checksum does not match, or that a crash or a
/// full disk left without its line end, is not an outcome and is skipped.
final class OutcomeLog: @unchecked Sendable {
    /// One logged outcome.
    struct Entry: Sendable, Equatable {
        /// The outcome's number: increasing across runs (``AppDatabase``'s `outcomeLog.appliedSeq` is the last one
        /// applied).
        var seq: Int64
        /// The id of the state database the outcome belongs to (`outcomeLog.ledgerID`).
        var ledger: String
        var attempt: DeliveryAttempt
        /// When the server answered (the time recorded in the ledger).
        var date: Date
        /// The give-up time for temporary failures, in hours, as the run had it.
        var giveUpHours: Double
    }

    let path: String
    private let descriptor: Int32

    /// Opens (creating it, mode 0600) the log for appending.
    /// - Throws: ``StoreError`` naming the file.
    init(path: String) throws(StoreError) {
        self.path = path
        let opened = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard opened >= 0 else {
            throw StoreError(path: path, reason: "cannot open the outcome log (\(String(cString: strerror(errno))))")
        }
        descriptor = opened
    }

    deinit {
        close(descriptor)
    }

    /// Appends one entry with one `write(2)`.
    /// - Throws: ``StoreError`` naming the file when the write fails or is short (a full disk): the entry is then
    ///   not an outcome (a short line is skipped when read).
    func append(_ entry: Entry) throws(StoreError) {
        let line = Self.encode(entry)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else {
            let why = written < 0 ? String(cString: strerror(errno)) : "\(written) of \(line.count) bytes written"
            throw StoreError(path: path, reason: "cannot record a delivery in the outcome log (\(why))")
        }
    }

    /// Flushes the file to the disk (`fdatasync`): every entry appended so far survives a power cut.
    /// - Throws: ``StoreError`` naming the file.
    func sync() throws(StoreError) {
        guard fdatasync(descriptor) == 0 else {
            throw StoreError(path: path, reason: "cannot sync the outcome log (\(String(cString: strerror(errno))))")
        }
    }

    /// The entries in the file at `path`, in file order; an empty list when there is no such file.
    /// - Throws: ``StoreError`` naming the file when it exists but cannot be read.
    static func read(path: String) throws(StoreError) -> [Entry] {
        try scan(path: path).entries
    }

    /// What the file at `path` holds: its entries in file order, how many complete lines are not entries (damaged:
    /// a checksum that fails; a crash or a full disk only ever cuts the last line short, and that one has no line
    /// end), and whether the file exists.
    /// - Throws: ``StoreError`` naming the file when it exists but cannot be read.
    static func scan(path: String) throws(StoreError) -> (entries: [Entry], damaged: Int, exists: Bool) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch CocoaError.fileReadNoSuchFile {
            return ([], 0, false)
        } catch {
            throw StoreError(path: path, reason: "cannot read the outcome log (\(error))")
        }
        var entries: [Entry] = []
        var damaged = 0
        var start = data.startIndex
        // Only lines that end in LF; bytes after the last one are a line cut short, not an outcome.
        while let end = data[start...].firstIndex(of: 0x0A) {
            if end > start {
                if let entry = decode(data[start..<end]) { entries.append(entry) } else { damaged += 1 }
            }
            start = end + 1
        }
        return (entries, damaged, true)
    }

    /// Empties the file at `path` (its entries are all applied).
    /// - Throws: ``StoreError`` naming the file.
    static func empty(path: String) throws(StoreError) {
        guard truncate(path, 0) == 0 || errno == ENOENT else {
            throw StoreError(path: path, reason: "cannot empty the outcome log (\(String(cString: strerror(errno))))")
        }
    }

    // MARK: - Lines

    static func encode(_ entry: Entry) -> [UInt8] {
        let outcome = entry.attempt.outcome
        let kind: String
        switch outcome {
        case .accepted: kind = "a"
        case .permanentFailure: kind = "p"
        case .temporaryFailure: kind = "t"
        case .uncertain: kind = "u"
        case .fatal: kind = "f"
        }
        let milliseconds = Int64((entry.date.timeIntervalSince1970 * 1000).rounded())
        var line =
            "\(escape(entry.ledger))\t\(entry.seq)\t\(entry.attempt.digestID)\t\(kind)\t\(outcome.code.map(String.init) ?? "-")\t"
        line += "\(entry.attempt.final ? 1 : 0)\t\(milliseconds)\t\(entry.giveUpHours)\t"
        line += escape(entry.attempt.email) + "\t" + escape(outcome.reply)
        var bytes = Array(line.utf8)
        let checksum = checksum(bytes[...])
        bytes += Array("\t\(hex(checksum))\n".utf8)
        return bytes
    }

    static func decode(_ line: Data.SubSequence) -> Entry? {
        let bytes = [UInt8](line)
        guard let lastTab = bytes.lastIndex(of: 0x09), bytes.count - lastTab - 1 == 8,
            let stored = UInt32(String(decoding: bytes[(lastTab + 1)...], as: UTF8.self), radix: 16),
            stored == checksum(bytes[..<lastTab])
        else { return nil }
        let fields = bytes[..<lastTab].split(separator: 0x09, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard fields.count == 10, let seq = Int64(fields[1]), let digestID = Int64(fields[2]),
            let milliseconds = Int64(fields[6]), let giveUpHours = Double(fields[7])
        else { return nil }
        let code = Int(fields[4])
        let email = unescape(fields[8])
        let reply = unescape(fields[9])
        let outcome: SMTPOutcome
        switch fields[3] {
        case "a": outcome = .accepted(reply: reply)
        case "p":
            guard let code else { return nil }
            outcome = .permanentFailure(code: code, reply: reply)
        case "t": outcome = .temporaryFailure(code: code, reply: reply)
        case "u": outcome = .uncertain(reply: reply)
        case "f": outcome = .fatal(reply: reply)
        default: return nil
        }
        return Entry(
            seq: seq, ledger: fields[0],
            attempt: DeliveryAttempt(digestID: digestID, email: email, outcome: outcome, final: fields[5] == "1"),
            date: Date(timeIntervalSince1970: Double(milliseconds) / 1000), giveUpHours: giveUpHours)
    }

    private static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                switch scalar {
                case "t": result += "\t"
                case "n": result += "\n"
                case "r": result += "\r"
                default: result.unicodeScalars.append(scalar)
                }
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
