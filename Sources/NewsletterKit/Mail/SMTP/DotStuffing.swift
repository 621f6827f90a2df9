/// The bytes a client sends after the server's 354 reply to DATA (RFC 5321 §4.1.1.4, §4.5.2).
enum DotStuffing {
    /// The message as mail data, terminator included.
    ///
    /// - Every line end goes out as CRLF: a lone CR or a lone LF becomes CRLF (the composer already writes CRLF;
    ///   this makes sure no bare line end reaches the wire, where servers disagree on what it means — the root
    ///   of "SMTP smuggling" — and some refuse it: case 21).
    /// - A line that starts with `.` gets a second `.` (transparency, RFC 5321 §4.5.2); the server removes it.
    /// - A message that does not end with a line end gets CRLF, then the terminator `.` CRLF follows.
    ///
    /// - Parameter message: the RFC 5322 message, not dot-stuffed.
    /// - Returns: the data section, ending with CRLF `.` CRLF (just `.` CRLF for an empty message).
    /// - Complexity: O(*n*) in the message's length.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        if let ready = alreadyTransparent(message) { return ready }
        return stuffed(message)
    }

    /// The data section of a message that needs no stuffing, made in one scan.
    ///
    /// Every line end is CRLF and no line starts with `.`: the data section is the message, a final CRLF if it
    /// lacks one, and `.` CRLF. `nil` when a line needs work.
    static func alreadyTransparent(_ message: [UInt8]) -> [UInt8]? {
        let clean = message.withUnsafeBufferPointer { source -> Bool in
            let count = source.count
            if count > 0, source[0] == 0x2E { return false }
            guard let base = source.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            var index = 0
            while index < count {
                // Eight bytes at a time while they hold neither CR nor LF (most of a line).
                if index + 8 <= count {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if !hasByte(word, 0x0D), !hasByte(word, 0x0A) {
                        index += 8
                        continue
                    }
                }
                let byte = source[index]
                if byte == 0x0D {
                    guard index + 1 < count, source[index + 1] == 0x0A else { return false }
                    if index + 2 < count, source[index + 2] == 0x2E { return false }
                    index += 2
                } else if byte == 0x0A {
                    return false
                } else {
                    index += 1
                }
            }
            return true
        }
        guard clean else { return nil }
        let endsWithCRLF = message.count >= 2 && message[message.count - 2] == 0x0D && message.last == 0x0A
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 5)
        out += message
        if !message.isEmpty, !endsWithCRLF { out += [0x0D, 0x0A] }
        out += [0x2E, 0x0D, 0x0A]
        return out
    }

    /// Whether any of the eight bytes of `word` is `byte` (exact: the borrow of the subtraction only reaches bits
    /// above a zero byte of `word ^ pattern`, and `& ~v` keeps only high bits of bytes that were zero before).
    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let v = word ^ (ones &* UInt64(byte))
        return (v &- ones) & ~v & 0x8080_8080_8080_8080 != 0
    }

    /// ``encode(_:)`` line by line: any line ends, any leading dots (internal so that tests compare both).
    static func stuffed(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 32 + 5)
        message.withUnsafeBufferPointer { source in
            let count = source.count
            var index = 0
            var atLineStart = true
            while index < count {
                if atLineStart, source[index] == 0x2E { out.append(0x2E) }
                // The run up to the next CR or LF goes out as it is.
                var end = index
                while end < count, source[end] != 0x0D, source[end] != 0x0A { end += 1 }
                if end > index {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: source[index..<end]))
                }
                guard end < count else {
                    atLineStart = false
                    break
                }
                out.append(0x0D)
                out.append(0x0A)
                index = source[end] == 0x0D && end + 1 < count && source[end + 1] == 0x0A ? end + 2 : end + 1
                atLineStart = true
            }
            if !atLineStart { out.append(contentsOf: [0x0D, 0x0A]) }
        }
        out.append(contentsOf: [0x2E, 0x0D, 0x0A])
        return out
    }
}
