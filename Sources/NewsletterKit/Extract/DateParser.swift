public import Foundation

/// Parses the date formats found in feeds and Chinese CMS pages, without `DateFormatter` and without
/// ever consulting the process time zone.
///
/// Understood forms:
/// - RFC 822 / RFC 5322: `Fri, 31 May 2019 10:00:00 +0800`, with `Z`, `GMT`, `UT`, `UTC`, `EST`…,
///   without a zone, without seconds, with two-digit years (00–49 → 20xx, 50–99 → 19xx), `31-May-2019`;
/// - ISO 8601 / W3C-DTF: `2019-05-31`, `2019-05-31T05:47:39`, `…+08:00`, `…+0800`, `…Z`, fractions;
/// - CMS datelines: `2019-05-31 05:47:39`, `2019/6/4 21:30`, `2019.06.04`, `2019年06月03日 09:12`,
///   `2019年6月3日9时12分`, full-width digits.
///
/// Values without a zone are read in the `timeZone` argument, or UTC when it is `nil`.
public enum DateParser: Sendable {
    /// Parses a whole string holding one date.
    ///
    /// - Parameters:
    ///   - string: The date text, e.g. a `<pubDate>` value; surrounding whitespace is ignored.
    ///   - timeZone: Zone for values that name none; `nil` means UTC.
    /// - Returns: The instant, or `nil` when the text is not a recognised date.
    public static func parse(_ string: String, timeZone: TimeZone?) -> Date? {
        parseDetailed(string, timeZone: timeZone)?.date
    }

    /// Parses a whole string holding one date and reports zone and precision.
    ///
    /// - Parameters:
    ///   - string: The date text.
    ///   - timeZone: Zone for values that name none; `nil` means UTC.
    /// - Returns: The parsed date, or `nil` when the text is not a recognised date.
    public static func parseDetailed(_ string: String, timeZone: TimeZone?) -> ParsedDate? {
        let scalars = normalise(string)
        var start = 0
        while start < scalars.count, isSpace(scalars[start]) { start += 1 }
        guard start < scalars.count else { return nil }
        if isDigit(scalars[start]), let match = scanNumeric(scalars, at: start, timeZone: timeZone) {
            return match.parsed
        }
        if let parsed = parseBasicISO(Array(scalars[start...]), timeZone: timeZone) { return parsed }
        if let parsed = parseRFC822(scalars, timeZone: timeZone) { return parsed }
        return nil
    }

    /// Finds the first numeric date (year first) anywhere in free text, such as a CMS dateline.
    ///
    /// - Parameters:
    ///   - text: Text such as `发布时间:2019年06月03日 09:12 来源:新华社`.
    ///   - timeZone: Zone for values that name none; `nil` means UTC.
    /// - Returns: The date and the range of `text` it came from, or `nil`.
    public static func firstDate(in text: String, timeZone: TimeZone?) -> (
        date: ParsedDate, range: Range<String.Index>
    )? {
        allDates(in: text, timeZone: timeZone, limit: 1).first
    }

    /// Finds up to `limit` numeric dates in free text, in order.
    static func allDates(in text: String, timeZone: TimeZone?, limit: Int = .max) -> [(
        date: ParsedDate, range: Range<String.Index>
    )] {
        let original = Array(text.unicodeScalars)
        let scalars = original.map(normaliseScalar)
        var indices: [String.Index] = []
        indices.reserveCapacity(original.count + 1)
        var index = text.unicodeScalars.startIndex
        while index < text.unicodeScalars.endIndex {
            indices.append(index)
            index = text.unicodeScalars.index(after: index)
        }
        indices.append(text.unicodeScalars.endIndex)
        var results: [(date: ParsedDate, range: Range<String.Index>)] = []
        var position = 0
        while position + 4 <= scalars.count, results.count < limit {
            if isDigit(scalars[position]) && (position == 0 || !isDigit(scalars[position - 1])),
                let match = scanNumeric(scalars, at: position, timeZone: timeZone)
            {
                results.append((match.parsed, indices[position]..<indices[match.end]))
                position = match.end
            } else {
                position += 1
            }
        }
        return results
    }

    /// Formats `date` as ISO 8601 with a numeric offset, for example `2019-05-31T05:47:39+08:00`.
    ///
    /// - Parameters:
    ///   - date: The instant.
    ///   - offset: UTC offset in seconds to display the wall-clock time in.
    /// - Returns: The wall-clock time at `offset`, to the second, followed by the offset as `+hh:mm` or `-hh:mm`.
    public static func iso8601(_ date: Date, offset: Int) -> String {
        let local = Int(floor(date.timeIntervalSince1970)) + offset
        let days = Int(floor(Double(local) / 86_400))
        let secondsOfDay = local - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        let sign = offset < 0 ? "-" : "+"
        let absOffset = abs(offset)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d", y, m, d, secondsOfDay / 3600,
            (secondsOfDay % 3600) / 60, secondsOfDay % 60, sign, absOffset / 3600, (absOffset % 3600) / 60)
    }

    /// Formats `date` as ISO 8601 in `timeZone` (its offset at that instant).
    public static func iso8601(_ date: Date, timeZone: TimeZone) -> String {
        iso8601(date, offset: timeZone.secondsFromGMT(for: date))
    }

    // MARK: - Numeric (year-first) dates

    struct NumericMatch {
        var parsed: ParsedDate
        var end: Int
    }

    /// Scans `2019-05-31[ T]05:47[:39][.123][Z|+08:00]` and the Chinese/slash/dot variants at `start`.
    static func scanNumeric(_ s: [Unicode.Scalar], at start: Int, timeZone: TimeZone?) -> NumericMatch? {
        var i = start
        guard let (year, yearDigits) = readNumber(s, &i, maxDigits: 4), yearDigits == 4,
            (1900...2100).contains(year), i < s.count
        else { return nil }
        let sep = s[i]
        let chinese = sep == "年"
        guard chinese || sep == "-" || sep == "/" || sep == "." else { return nil }
        i += 1
        skipSpaces(s, &i, allowed: chinese)
        guard let (month, _) = readNumber(s, &i, maxDigits: 2), (1...12).contains(month), i < s.count else {
            return nil
        }
        if chinese {
            guard s[i] == "月" else { return nil }
        } else {
            guard s[i] == sep else { return nil }
        }
        i += 1
        skipSpaces(s, &i, allowed: chinese)
        guard let (day, _) = readNumber(s, &i, maxDigits: 2), (1...31).contains(day) else { return nil }
        if i < s.count, isDigit(s[i]) { return nil }
        if chinese, i < s.count, s[i] == "日" || s[i] == "号" { i += 1 }
        var end = i

        var hour = 0
        var minute = 0
        var second = 0
        var hasTime = false
        var offset: Int?
        var j = i
        if j < s.count, s[j] == "T" || s[j] == "t" {
            j += 1
        } else {
            var spaces = 0
            while j < s.count, isSpace(s[j]), spaces < 4 {
                j += 1
                spaces += 1
            }
        }
        if let (h, _) = readNumber(s, &j, maxDigits: 2), h < 24, j < s.count,
            s[j] == ":" || s[j] == "时" || s[j] == "点"
        {
            let hourSep = s[j]
            j += 1
            if let (mi, miDigits) = readNumber(s, &j, maxDigits: 2), miDigits == 2 || hourSep != ":", mi < 60 {
                hour = h
                minute = mi
                hasTime = true
                end = j
                if j < s.count, s[j] == ":" || s[j] == "分" {
                    var k = j + 1
                    if let (sec, secDigits) = readNumber(s, &k, maxDigits: 2), secDigits == 2 || s[j] == "分",
                        sec < 61
                    {
                        second = min(sec, 59)
                        j = k
                        if j < s.count, s[j] == "秒" { j += 1 }
                        end = j
                    } else if s[j] == "分" {
                        j += 1
                        end = j
                    }
                }
                if j < s.count, s[j] == ".", j + 1 < s.count, isDigit(s[j + 1]) {
                    j += 1
                    while j < s.count, isDigit(s[j]) { j += 1 }
                    end = j
                }
                if let (zone, zoneEnd) = readISOZone(s, j) {
                    offset = zone
                    end = zoneEnd
                }
            }
        }
        guard
            let parsed = makeDate(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                explicitOffset: offset, timeZone: timeZone, hasTime: hasTime)
        else { return nil }
        return NumericMatch(parsed: parsed, end: end)
    }

    /// Reads `Z`, `+08:00`, `+0800`, `+08`, optionally after one space, or ` GMT`/` UTC` (with an optional
    /// `+8` style suffix).
    private static func readISOZone(_ s: [Unicode.Scalar], _ start: Int) -> (Int, Int)? {
        var i = start
        if i < s.count, s[i] == "Z" || s[i] == "z" {
            if i + 1 < s.count, isLetter(s[i + 1]) { return nil }
            return (0, i + 1)
        }
        if i < s.count, s[i] == " " { i += 1 }
        if i + 2 < s.count, let word = letters(s, i), ["GMT", "UTC", "UT"].contains(word) {
            var k = i + word.count
            if k < s.count, s[k] == "+" || s[k] == "-", let (value, end) = readSignedOffset(s, k) {
                k = end
                return (value, k)
            }
            return (0, k)
        }
        if i < s.count, s[i] == "+" || s[i] == "-" {
            return readSignedOffset(s, i)
        }
        return nil
    }

    private static func readSignedOffset(_ s: [Unicode.Scalar], _ start: Int) -> (Int, Int)? {
        guard start < s.count else { return nil }
        let sign = s[start] == "-" ? -1 : 1
        var i = start + 1
        let digitsStart = i
        while i < s.count, isDigit(s[i]), i - digitsStart < 4 { i += 1 }
        let digits = s[digitsStart..<i].map { Int($0.value - 48) }
        var hours = 0
        var minutes = 0
        switch digits.count {
        case 1: hours = digits[0]
        case 2:
            hours = digits[0] * 10 + digits[1]
            if i < s.count, s[i] == ":" {
                var k = i + 1
                if let (m, md) = readNumber(s, &k, maxDigits: 2), md == 2 {
                    minutes = m
                    i = k
                }
            }
        case 4:
            hours = digits[0] * 10 + digits[1]
            minutes = digits[2] * 10 + digits[3]
        default: return nil
        }
        if i < s.count, isDigit(s[i]) { return nil }
        guard hours <= 14, minutes < 60 else { return nil }
        return (sign * (hours * 3600 + minutes * 60), i)
    }

    /// ISO 8601 basic format: `20180619T055000+0900`, `20180619T0550Z`, `20180619`.
    static func parseBasicISO(_ s: [Unicode.Scalar], timeZone: TimeZone?) -> ParsedDate? {
        var i = 0
        guard s.count >= 8, s[0..<8].allSatisfy(isDigit) else { return nil }
        func number(_ from: Int, _ count: Int) -> Int {
            s[from..<(from + count)].reduce(0) { $0 * 10 + Int($1.value - 48) }
        }
        let year = number(0, 4)
        let month = number(4, 2)
        let day = number(6, 2)
        i = 8
        var hour = 0
        var minute = 0
        var second = 0
        var hasTime = false
        var offset: Int?
        if i < s.count, s[i] == "T" {
            i += 1
            var digits = 0
            while i + digits < s.count, isDigit(s[i + digits]) { digits += 1 }
            guard digits == 4 || digits == 6 else { return nil }
            hour = number(i, 2)
            minute = number(i + 2, 2)
            if digits == 6 { second = number(i + 4, 2) }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            i += digits
            hasTime = true
            if let (zone, end) = readISOZone(s, i) {
                offset = zone
                i = end
            }
        }
        while i < s.count, isSpace(s[i]) { i += 1 }
        guard i == s.count, (1900...2100).contains(year) else { return nil }
        return makeDate(
            year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59),
            explicitOffset: offset, timeZone: timeZone, hasTime: hasTime)
    }

    // MARK: - RFC 822

    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]

    private static let zoneNames: [String: Int] = [
        "Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
        "PST": -8, "PDT": -7, "BST": 1, "CET": 1, "CEST": 2, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8,
    ]

    /// Parses RFC 822/5322 dates, RFC 850 (`Sunday, 06-Nov-94`) and asctime-like orders.
    static func parseRFC822(_ s: [Unicode.Scalar], timeZone: TimeZone?) -> ParsedDate? {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var depth = 0
        for scalar in s {
            if scalar == "(" {
                depth += 1
                continue
            }
            if scalar == ")" {
                depth = max(0, depth - 1)
                continue
            }
            if depth > 0 { continue }
            if isSpace(scalar) || scalar == "," {
                if !current.isEmpty {
                    tokens.append(String(current))
                    current = String.UnicodeScalarView()
                }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        // Split 06-Nov-94 style tokens.
        tokens = tokens.flatMap { token -> [String] in
            let parts = token.split(separator: "-")
            if parts.count == 3, parts[1].count >= 3, parts[1].allSatisfy(\.isLetter) { return parts.map(String.init) }
            return [token]
        }
        var day: Int?
        var month: Int?
        var year: Int?
        var hour = 0
        var minute = 0
        var second = 0
        var hasTime = false
        var offset: Int?
        for token in tokens {
            let lower = token.lowercased()
            if let m = monthNames.firstIndex(where: { lower.hasPrefix($0) }), month == nil,
                token.first?.isLetter == true,
                lower.count >= 3, lower.allSatisfy({ $0.isLetter || $0 == "." })
            {
                month = m + 1
                continue
            }
            if token.contains(":") && !hasTime && (token.first?.isNumber ?? false) {
                let parts = token.split(separator: ":")
                guard parts.count >= 2, let h = Int(parts[0]), let mi = Int(parts[1]), h < 24, mi < 60 else {
                    return nil
                }
                hour = h
                minute = mi
                if parts.count >= 3 {
                    let secText = parts[2].prefix(while: { $0.isNumber })
                    guard let sec = Int(secText), sec < 61 else { return nil }
                    second = min(sec, 59)
                }
                hasTime = true
                continue
            }
            if let number = Int(token), token.allSatisfy(\.isNumber) {
                if token.count <= 2 && day == nil && number >= 1 && number <= 31 {
                    day = number
                    continue
                }
                if year == nil {
                    if token.count == 4 {
                        year = number
                        continue
                    }
                    if token.count == 2 {
                        year = number < 50 ? 2000 + number : 1900 + number
                        continue
                    }
                    if token.count == 3 {
                        year = 1900 + number
                        continue
                    }
                }
                if token.count == 4 && hasTime && offset == nil {
                    // A bare four-digit number after the time: asctime year already taken → ignore.
                    continue
                }
                return nil
            }
            if token.first == "+" || token.first == "-" {
                let scalars = Array(token.unicodeScalars)
                guard let (value, end) = readSignedOffset(scalars, 0), end == scalars.count else { return nil }
                offset = value
                continue
            }
            let upper = token.uppercased()
            if let hours = zoneNames[upper] {
                offset = hours * 3600
                continue
            }
            if upper.hasPrefix("GMT") || upper.hasPrefix("UTC") {
                let rest = Array(upper.dropFirst(3).unicodeScalars)
                if let (value, end) = readSignedOffset(rest, 0), end == rest.count {
                    offset = value
                    continue
                }
            }
            if token.count <= 9, token.allSatisfy({ $0.isLetter || $0 == "." }) {
                // Weekday names and unknown single-letter military zones.
                continue
            }
            return nil
        }
        guard let day, let month, let year else { return nil }
        return makeDate(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            explicitOffset: offset, timeZone: timeZone, hasTime: hasTime)
    }

    // MARK: - Arithmetic

    /// Builds the instant for a wall-clock time in the explicit offset or in `timeZone` (UTC if `nil`).
    static func makeDate(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, explicitOffset: Int?,
        timeZone: TimeZone?, hasTime: Bool
    ) -> ParsedDate? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        let local = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        if let explicitOffset {
            let date = Date(timeIntervalSince1970: TimeInterval(local - explicitOffset))
            return ParsedDate(date: date, explicitOffset: explicitOffset, offsetUsed: explicitOffset, hasTime: hasTime)
        }
        let zone = timeZone ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.gmt
        var offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        let refined = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - offset)))
        if refined != offset { offset = refined }
        let date = Date(timeIntervalSince1970: TimeInterval(local - offset))
        return ParsedDate(date: date, explicitOffset: nil, offsetUsed: offset, hasTime: hasTime)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    // MARK: - Scalar helpers

    private static func normalise(_ string: String) -> [Unicode.Scalar] {
        string.unicodeScalars.map(normaliseScalar)
    }

    /// Maps full-width digits, colon, slash, hyphen, plus and space to ASCII.
    static func normaliseScalar(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0xFF10...0xFF19, 0xFF1A, 0xFF0F, 0xFF0D, 0xFF0B, 0xFF0E:
            return Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar
        case 0x3000, 0x00A0, 0x2002, 0x2003, 0x2009: return " "
        default: return scalar
        }
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
    private static func isLetter(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 65 && s.value <= 90) || (s.value >= 97 && s.value <= 122)
    }
    private static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.value == 0xA0 || s.value == 0x3000
    }

    private static func skipSpaces(_ s: [Unicode.Scalar], _ i: inout Int, allowed: Bool) {
        guard allowed else { return }
        while i < s.count, isSpace(s[i]) { i += 1 }
    }

    private static func letters(_ s: [Unicode.Scalar], _ start: Int) -> String? {
        var i = start
        var result = String.UnicodeScalarView()
        while i < s.count, isLetter(s[i]) {
            result.append(s[i])
            i += 1
        }
        return result.isEmpty ? nil : String(result)
    }

    private static func readNumber(_ s: [Unicode.Scalar], _ i: inout Int, maxDigits: Int) -> (Int, Int)? {
        var value = 0
        var count = 0
        while i < s.count, isDigit(s[i]), count < maxDigits {
            value = value * 10 + Int(s[i].value - 48)
            i += 1
            count += 1
        }
        return count == 0 ? nil : (value, count)
    }
}
