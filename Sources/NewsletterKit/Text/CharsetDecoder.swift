import Foundation

/// Decides which charset a fetched document is in and decodes it to a Swift string, as a browser would.
///
/// The order of evidence:
/// 1. a UTF-8 or UTF-16 byte-order mark;
/// 2. bytes that are valid UTF-8 and contain non-ASCII → UTF-8 (labels are often wrong, case 01 and 16);
/// 3. bytes that are almost valid UTF-8 (≤ 1 bad sequence or ≤ 1 % of multi-byte sequences) while no
///    label contradicts UTF-8 → UTF-8 with U+FFFD;
/// 4. the HTTP `charset=`, then `<meta charset>` / `<meta http-equiv>` in the first 4 KB, or the
///    `<?xml encoding?>` prolog — the first whose decoding is clean wins;
/// 5. detection for undeclared or wrongly declared bytes: GB18030, Big5, Shift_JIS, EUC-KR, strictly — unless
///    the bytes read as Western text (``readsAsWestern(_:)``: high bytes standing alone between ASCII, as
///    `Müller` and `Mayor’s` are in windows-1252, where CJK encodings have runs of them), which is windows-1252,
///    as a browser with a Western default shows it;
/// 6. otherwise the candidate with the fewest errors (windows-1252 never fails).
///
/// Labels follow the WHATWG Encoding Standard: `gb2312`, `gbk`, `x-gbk`, `cp936`… all decode as GB18030.
/// Non-UTF-8 decoding uses glibc `iconv`; invalid bytes become U+FFFD and are counted in
/// ``DecodedText/replacementCount``. Decoding never fails and never drops the page.
public enum CharsetDecoder: Sendable {
    /// Decodes fetched bytes.
    ///
    /// - Parameters:
    ///   - bytes: The response body exactly as received.
    ///   - contentType: The HTTP `Content-Type` header value, if any (e.g. `text/html; charset=gbk`).
    /// - Returns: The text (BOM removed), the WHATWG name of the charset used and the replacement count.
    /// - Complexity: O(*n*) per candidate charset tried; at most a handful are tried.
    public static func decode(_ bytes: [UInt8], contentType: String?) -> DecodedText {
        // 1. Byte-order marks.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return decodeUTF8(Array(bytes.dropFirst(3)))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: CharsetLabel.Encoding = bytes[0] == 0xFF ? .utf16LE : .utf16BE
            if let result = decode(Array(bytes.dropFirst(2)), with: encoding) { return result }
        }

        let stats = UTF8Stats(bytes)
        if stats.invalid == 0 && stats.multiByte > 0 {
            return DecodedText(text: String(decoding: bytes, as: UTF8.self), charset: "utf-8", replacementCount: 0)
        }

        var labels: [CharsetLabel.Encoding] = []
        for label in [
            CharsetSniffer.httpLabel(contentType),
            CharsetSniffer.xmlDeclarationLabel(bytes),
            CharsetSniffer.metaLabel(bytes),
        ] {
            guard let label, var encoding = CharsetLabel.encoding(forLabel: label) else { continue }
            // A UTF-16 label on bytes without a UTF-16 BOM is a mislabelled ASCII-compatible document.
            if encoding == .utf16LE || encoding == .utf16BE { encoding = .utf8 }
            if !labels.contains(encoding) { labels.append(encoding) }
        }

        if stats.invalid == 0 {
            // Pure ASCII: every ASCII-compatible label gives the same text.
            let name = labels.first?.name ?? "utf-8"
            return DecodedText(text: String(decoding: bytes, as: UTF8.self), charset: name, replacementCount: 0)
        }

        let labelsAllowUTF8 = labels.allSatisfy { $0 == .utf8 }
        if labelsAllowUTF8 && stats.isNearlyValid {
            return decodeUTF8(bytes)
        }

        var best: DecodedText?
        var tried: [CharsetLabel.Encoding] = []
        let detection: [CharsetLabel.Encoding] = [.gb18030, .big5, .shiftJIS, .eucKR]
        for encoding in labels + detection {
            guard !tried.contains(encoding) else { continue }
            // Detection, once no label decoded cleanly: not for bytes that read as Western text (scanned only now,
            // not for every labelled page).
            if tried.count == labels.count, readsAsWestern(bytes) { break }
            tried.append(encoding)
            guard let result = decode(bytes, with: encoding) else { continue }
            if result.replacementCount == 0 { return result }
            if best == nil || result.replacementCount < (best?.replacementCount ?? Int.max) { best = result }
        }
        if stats.isNearlyValid {
            return decodeUTF8(bytes)
        }
        let latin = decodeWindows1252(bytes)
        if let best, best.replacementCount * 50 < bytes.count { return best }
        return latin
    }

    /// Whether undeclared non-UTF-8 bytes read as Western text: at least 80 % of the bytes ≥ 0x80 stand alone
    /// between ASCII bytes (`M\u{FC}ller`, `Mayor\u{92}s \u{93}Open Door\u{94}`), where GBK, Big5 and Shift_JIS text
    /// has its non-ASCII bytes in pairs and runs.
    ///
    /// GB18030 decodes such bytes without an error (`0xFC 0x6C` is `黮`), so detection alone would read every
    /// undeclared Latin-1 or windows-1252 page as Chinese (a new-user trial's `Jos\u{FFFD} M黮ler`).
    /// - Complexity: O(*n*).
    static func readsAsWestern(_ bytes: [UInt8]) -> Bool {
        var high = 0
        var alone = 0
        for index in bytes.indices where bytes[index] >= 0x80 {
            high += 1
            let before = index == bytes.startIndex || bytes[index - 1] < 0x80
            let after = index + 1 == bytes.endIndex || bytes[index + 1] < 0x80
            if before && after { alone += 1 }
        }
        return high > 0 && alone * 10 >= high * 8
    }

    /// Decodes `bytes` with one encoding.
    ///
    /// - Returns: `nil` only when glibc lacks the converter.
    static func decode(_ bytes: [UInt8], with encoding: CharsetLabel.Encoding) -> DecodedText? {
        if encoding == .utf8 { return decodeUTF8(bytes) }
        if encoding == .windows1252 { return decodeWindows1252(bytes) }
        guard let iconvName = encoding.iconvName,
            let result = CharsetIconv.decode(bytes, from: iconvName)
        else { return nil }
        var text = result.text
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return DecodedText(text: text, charset: encoding.name, replacementCount: result.errors)
    }

    /// Decodes UTF-8, replacing each maximal invalid subpart with U+FFFD.
    static func decodeUTF8(_ bytes: [UInt8]) -> DecodedText {
        var text = ""
        text.reserveCapacity(bytes.count)
        var errors = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): text.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error:
                errors += 1
                text.unicodeScalars.append("\u{FFFD}")
            }
        }
        return DecodedText(text: text, charset: "utf-8", replacementCount: errors)
    }

    /// Decodes windows-1252 as WHATWG defines it (bytes 0x80–0x9F without a mapping become C1 controls).
    static func decodeWindows1252(_ bytes: [UInt8]) -> DecodedText {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F {
                let value = windows1252High[Int(byte - 0x80)]
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return DecodedText(text: String(scalars), charset: "windows-1252", replacementCount: 0)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
        0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

/// Counts well-formed multi-byte UTF-8 sequences and invalid sequences in a byte array.
struct UTF8Stats {
    /// Number of well-formed sequences of two or more bytes.
    var multiByte = 0
    /// Number of invalid sequences (each maximal invalid subpart counts once).
    var invalid = 0

    /// Validates by the Unicode table of well-formed byte sequences (Table 3-7), ASCII runs skipped fast;
    /// an invalid sequence ends where its maximal subpart ends, as the standard library's decoder does.
    /// - Complexity: O(*n*).
    init(_ bytes: [UInt8]) {
        var multiByte = 0
        var invalid = 0
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var i = 0
            while i < count {
                let lead = buffer[i]
                if lead < 0x80 {
                    i += 1
                    continue
                }
                // Allowed range of the second byte, and how many continuation bytes follow the lead.
                let second: ClosedRange<UInt8>
                let length: Int
                switch lead {
                case 0xC2...0xDF:
                    second = 0x80...0xBF
                    length = 2
                case 0xE0:
                    second = 0xA0...0xBF
                    length = 3
                case 0xE1...0xEC, 0xEE...0xEF:
                    second = 0x80...0xBF
                    length = 3
                case 0xED:
                    second = 0x80...0x9F
                    length = 3
                case 0xF0:
                    second = 0x90...0xBF
                    length = 4
                case 0xF1...0xF3:
                    second = 0x80...0xBF
                    length = 4
                case 0xF4:
                    second = 0x80...0x8F
                    length = 4
                default:
                    invalid += 1
                    i += 1
                    continue
                }
                guard i + 1 < count, second.contains(buffer[i + 1]) else {
                    invalid += 1
                    i += 1
                    continue
                }
                var j = 2
                while j < length, i + j < count, (0x80...0xBF).contains(buffer[i + j]) { j += 1 }
                if j == length { multiByte += 1 } else { invalid += 1 }
                i += j
            }
        }
        self.multiByte = multiByte
        self.invalid = invalid
    }

    /// At most one invalid sequence, or at most 1 % of the multi-byte sequences.
    var isNearlyValid: Bool {
        (invalid <= 1 && multiByte > 0) || (multiByte > 0 && invalid * 100 <= multiByte)
    }
}
