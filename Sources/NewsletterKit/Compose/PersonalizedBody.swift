/// One body part (text/plain or text/html) rendered once with markers where the recipient's values go, and
/// encoded once everywhere else: a recipient's part is the precomputed bytes with only the hard lines that carry
/// a marker wrapped and encoded anew (quoted-printable), or only the base64 from the 57-byte group holding the
/// first marker on (base64).
///
/// The result is byte-identical to rendering the template with the recipient's values, wrapping (text part)
/// and encoding the whole part: wrapping works line by line, quoted-printable encodes each hard line on its
/// own (RFC 2045 §6.7), and base64 lines of 76 characters are 57 input bytes each (§6.8). The encoding chosen
/// (``TransferEncoding/preferred(for:)``) can depend on the recipient's values; ``encode(name:url:)`` returns
/// `nil` when it differs from the prepared one, and the caller renders that recipient in full.
struct PersonalizedBody: Sendable {
    /// A per-recipient value, HTML-escaped or not as the template wrote it.
    enum Piece: Sendable, Equatable {
        case literal(String)
        case name(escaped: Bool)
        case url(escaped: Bool)
    }

    private enum Line: Sendable {
        /// Final text (already wrapped for the text part; may then hold `\n`).
        case fixed(String)
        case personal([Piece])
    }

    private enum Segment: Sendable {
        case bytes([UInt8])
        /// The index of a personal line.
        case personal(Int)
    }

    /// Markers put in place of `subscriber_name` and `unsubscribe_url` when rendering once: private-use
    /// scalars around a digit and an `&`, so that the rendered text shows whether the template HTML-escaped
    /// the value (`&amp;`) or not (`&`).
    static let nameMarker = "\u{F8F0}1&\u{F8F1}"
    static let urlMarker = "\u{F8F0}2&\u{F8F1}"
    private static let open: Unicode.Scalar = "\u{F8F0}"
    private static let close: Unicode.Scalar = "\u{F8F1}"

    let encoding: TransferEncoding
    private let wrapWidth: Int?
    private let personalLines: [[Piece]]
    /// Unicode scalars (all, non-ASCII) of the fixed lines and of the `\n` between all lines.
    private let fixedScalars: (total: Int, nonASCII: Int)
    /// Quoted-printable: the encoded part as runs of fixed bytes and personal lines.
    private let segments: [Segment]
    /// Base64: the encoded lines before the 57-byte group holding the first personal line (no final CRLF).
    private let base64Head: [UInt8]

    /// Parses a rendering made with ``nameMarker`` and ``urlMarker``; `nil` if a marker is malformed.
    ///
    /// - Parameters:
    ///   - rendered: The template output with LF line ends.
    ///   - wrapWidth: The text part's wrapping width, or `nil` for the HTML part (not wrapped).
    ///   - probe: Values for choosing the prepared encoding (those of a typical recipient).
    init?(rendered: String, wrapWidth: Int?, probe: (name: String, url: String)) {
        var lines: [Line] = []
        for line in rendered.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.unicodeScalars.contains(Self.open) else {
                lines.append(.fixed(wrapWidth.map { PlainTextWrapper.wrap(String(line), width: $0) } ?? String(line)))
                continue
            }
            guard let pieces = Self.pieces(of: line) else { return nil }
            lines.append(.personal(pieces))
        }
        self.wrapWidth = wrapWidth
        var personal: [[Piece]] = []
        var total = max(0, lines.count - 1)
        var nonASCII = 0
        for line in lines {
            switch line {
            case .fixed(let text):
                for scalar in text.unicodeScalars {
                    total += 1
                    if !scalar.isASCII { nonASCII += 1 }
                }
            case .personal(let pieces):
                personal.append(pieces)
            }
        }
        personalLines = personal
        fixedScalars = (total, nonASCII)

        // The encoding a typical recipient gets.
        var probeText = ""
        var probeIndex = 0
        for (index, line) in lines.enumerated() {
            if index > 0 { probeText += "\n" }
            switch line {
            case .fixed(let text): probeText += text
            case .personal(let pieces):
                probeText += Self.finish(pieces, name: probe.name, url: probe.url, wrapWidth: wrapWidth)
                probeIndex += 1
            }
        }
        encoding = TransferEncoding.preferred(for: probeText)

        switch encoding {
        case .quotedPrintable:
            var segments: [Segment] = []
            var run: [UInt8] = []
            var personalIndex = 0
            for (index, line) in lines.enumerated() {
                if index > 0 { run += [0x0D, 0x0A] }
                switch line {
                case .fixed(let text):
                    run += QuotedPrintable.encodeBytes(text)
                case .personal:
                    if !run.isEmpty { segments.append(.bytes(run)) }
                    run = []
                    segments.append(.personal(personalIndex))
                    personalIndex += 1
                }
            }
            if !run.isEmpty { segments.append(.bytes(run)) }
            self.segments = segments
            base64Head = []
        case .base64:
            // The raw CRLF bytes as runs; the first run's whole 57-byte groups are encoded once.
            var segments: [Segment] = []
            var run: [UInt8] = []
            var personalIndex = 0
            for (index, line) in lines.enumerated() {
                if index > 0 { run += [0x0D, 0x0A] }
                switch line {
                case .fixed(let text):
                    Self.appendCRLF(text, to: &run)
                case .personal:
                    if !run.isEmpty { segments.append(.bytes(run)) }
                    run = []
                    segments.append(.personal(personalIndex))
                    personalIndex += 1
                }
            }
            if !run.isEmpty { segments.append(.bytes(run)) }
            var head: [UInt8] = []
            if case .bytes(let first)? = segments.first {
                let whole = first.count / 57 * 57
                head = Array(Base64Body.lines(first[..<whole]))
                segments[0] = .bytes(Array(first[whole...]))
            }
            self.segments = segments
            base64Head = head
        }
    }

    /// Whether the part has no per-recipient value at all.
    var isFixed: Bool { personalLines.isEmpty }

    /// The encoded part for one recipient, without a final CRLF, or `nil` when this recipient's text calls for
    /// the other transfer encoding.
    ///
    /// - Parameters:
    ///   - name: The subscriber's name as the template receives it; no CR or LF.
    ///   - url: The subscriber's unsubscribe URL, or `""` when the template got none.
    /// - Returns: The part's body bytes in its transfer encoding (quoted-printable or base64 lines), or `nil`
    ///   when the recipient's share of non-ASCII text calls for the other encoding.
    func encode(name: String, url: String) -> [UInt8]? {
        var finished: [String] = []
        finished.reserveCapacity(personalLines.count)
        var total = fixedScalars.total
        var nonASCII = fixedScalars.nonASCII
        for pieces in personalLines {
            let text = Self.finish(pieces, name: name, url: url, wrapWidth: wrapWidth)
            for scalar in text.unicodeScalars {
                total += 1
                if !scalar.isASCII { nonASCII += 1 }
            }
            finished.append(text)
        }
        let preferred: TransferEncoding =
            Double(nonASCII) > Double(total) * TransferEncoding.base64Threshold ? .base64 : .quotedPrintable
        guard preferred == encoding else { return nil }

        var output: [UInt8] = []
        switch encoding {
        case .quotedPrintable:
            for segment in segments {
                switch segment {
                case .bytes(let bytes): output += bytes
                case .personal(let index): output += QuotedPrintable.encodeBytes(finished[index])
                }
            }
        case .base64:
            var tail: [UInt8] = []
            for segment in segments {
                switch segment {
                case .bytes(let bytes): tail += bytes
                case .personal(let index): Self.appendCRLF(finished[index], to: &tail)
                }
            }
            output.reserveCapacity(base64Head.count + tail.count * 4 / 3 + tail.count / 28 + 8)
            output += base64Head
            if !tail.isEmpty {
                if !output.isEmpty { output += [0x0D, 0x0A] }
                output += Base64Body.lines(tail[...])
            }
        }
        return output
    }

    /// The pieces of one line holding markers; `nil` if a marker is malformed.
    private static func pieces(of line: Substring) -> [Piece]? {
        var pieces: [Piece] = []
        var literal = String.UnicodeScalarView()
        var scalars = line.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == open else {
                guard scalar != close else { return nil }
                literal.append(scalar)
                continue
            }
            var code = String.UnicodeScalarView()
            while let next = scalars.next(), next != close { code.append(next) }
            let piece: Piece
            switch String(code) {
            case "1&": piece = .name(escaped: false)
            case "1&amp;": piece = .name(escaped: true)
            case "2&": piece = .url(escaped: false)
            case "2&amp;": piece = .url(escaped: true)
            default: return nil
            }
            if !literal.isEmpty { pieces.append(.literal(String(literal))) }
            literal = String.UnicodeScalarView()
            pieces.append(piece)
        }
        if !literal.isEmpty { pieces.append(.literal(String(literal))) }
        return pieces
    }

    /// A personal line with the recipient's values in place, wrapped when the part is.
    private static func finish(_ pieces: [Piece], name: String, url: String, wrapWidth: Int?) -> String {
        var line = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): line += text
            case .name(let escaped): line += escaped ? htmlEscape(name) : name
            case .url(let escaped): line += escaped ? htmlEscape(url) : url
            }
        }
        return wrapWidth.map { PlainTextWrapper.wrap(line, width: $0) } ?? line
    }

    /// HTML escaping exactly as the Mustache renderer does it for `{{name}}`: per Character, `<`, `>`, `&`,
    /// `"` and `'` replaced by `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#39;`.
    static func htmlEscape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 })
        else { return text }
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: each Character is one byte (or CR LF, which is neither of the five), so bytes give the same
            // result without breaking the text into grapheme clusters (a fifth of composing a message whose
            // name or unsubscribe URL holds `'` or `&`).
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + 16)
            for byte in text.utf8 {
                switch byte {
                case 0x3C: bytes += "&lt;".utf8
                case 0x3E: bytes += "&gt;".utf8
                case 0x26: bytes += "&amp;".utf8
                case 0x22: bytes += "&quot;".utf8
                case 0x27: bytes += "&#39;".utf8
                default: bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        // Otherwise per Character: a combining mark after `<` makes one Character that the renderer leaves alone.
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Appends the UTF-8 of `text` with every LF as CRLF (the text has no CR).
    private static func appendCRLF(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            if byte == 0x0A { bytes.append(0x0D) }
            bytes.append(byte)
        }
    }
}
