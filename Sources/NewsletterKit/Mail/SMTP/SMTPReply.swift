/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its lines.
///
/// A multi-line reply is `250-first` … `250 last`; every line carries the same code (§4.2.1).
struct SMTPReply: Sendable, Equatable {
    /// The reply code, 200…599.
    var code: Int
    /// The reply's lines as received, without their CRLF.
    var lines: [String]

    /// The last line (for a one-line reply, the reply): what is recorded and shown.
    var lastLine: String { lines.last ?? String(code) }

    /// A 2xx reply (RFC 5321 §4.2.1: positive completion).
    var isPositiveCompletion: Bool { (200..<300).contains(code) }
}

/// Why the bytes from a server are not an SMTP reply.
struct SMTPReplyError: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// Splits what a server sends into ``SMTPReply`` values however the bytes arrive: several replies in one
/// read (RFC 2920 pipelining), or one reply over many reads, down to one byte at a time.
///
/// Lines end with CRLF; a bare LF is taken as a line end too (the CR, if any, is dropped). A line is three
/// digits (2…5 first) followed by `-` (more lines follow), a space or nothing (the last line).
struct SMTPReplyParser: Sendable {
    /// The longest reply (all its lines) accepted, in bytes.
    ///
    /// A longer one is an error rather than unbounded memory. RFC 5321 §4.5.3.1.5 limits a reply line to 512 octets.
    static let maxReplyBytes = 64 * 1024

    private var buffer: [UInt8] = []
    /// The first byte of `buffer` not yet parsed.
    private var start = 0
    /// The lines of a multi-line reply read so far.
    private var pendingLines: [String] = []
    private var pendingCode = 0
    private var pendingBytes = 0

    init() {}

    /// Whether bytes or lines of an incomplete reply are held.
    var hasPartialReply: Bool { start < buffer.count || !pendingLines.isEmpty }

    /// Adds bytes as they arrived from the server.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete reply, or `nil` when more bytes are needed.
    /// - Throws: ``SMTPReplyError`` when a line is not an SMTP reply line, the lines of one reply carry
    ///   different codes, or a reply is longer than ``maxReplyBytes``.
    /// - Complexity: O(*n*) in the bytes held.
    mutating func next() throws(SMTPReplyError) -> SMTPReply? {
        while true {
            guard let end = buffer[start...].firstIndex(of: 0x0A) else {
                if buffer.count - start + pendingBytes > Self.maxReplyBytes {
                    throw SMTPReplyError(description: "a reply longer than \(Self.maxReplyBytes) bytes")
                }
                compact()
                return nil
            }
            var lineEnd = end
            if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = buffer[start..<lineEnd]
            pendingBytes += end + 1 - start
            start = end + 1
            if pendingBytes > Self.maxReplyBytes {
                throw SMTPReplyError(description: "a reply longer than \(Self.maxReplyBytes) bytes")
            }
            let text = String(decoding: line, as: UTF8.self)
            guard line.count >= 3,
                let code = Self.code(line),
                line.count == 3 || line[line.startIndex + 3] == 0x20 || line[line.startIndex + 3] == 0x2D
            else {
                throw SMTPReplyError(description: "not an SMTP reply line: \(text.debugDescription)")
            }
            if !pendingLines.isEmpty, code != pendingCode {
                throw SMTPReplyError(
                    description:
                        "a multi-line reply changes its code from \(pendingCode) to \(code): \(text.debugDescription)")
            }
            pendingCode = code
            pendingLines.append(text)
            let continues = line.count > 3 && line[line.startIndex + 3] == 0x2D
            if continues { continue }
            let reply = SMTPReply(code: code, lines: pendingLines)
            pendingLines = []
            pendingBytes = 0
            compact()
            return reply
        }
    }

    private static func code(_ line: ArraySlice<UInt8>) -> Int? {
        let first = line[line.startIndex]
        let second = line[line.startIndex + 1]
        let third = line[line.startIndex + 2]
        guard (0x32...0x35).contains(first), (0x30...0x39).contains(second), (0x30...0x39).contains(third) else {
            return nil
        }
        return Int(first - 0x30) * 100 + Int(second - 0x30) * 10 + Int(third - 0x30)
    }

    /// Drops parsed bytes once they are the larger part of the buffer (amortised O(1) per byte).
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096, start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}
