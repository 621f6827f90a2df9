/// Wraps plain text for the text/plain part, counting East Asian wide characters as two columns.
///
/// Rules:
/// - Each input line (any of `\n`, `\r\n`, lone `\r`) is wrapped on its own, so existing line breaks and
///   blank lines between paragraphs are kept. Output lines end with `\n`; trailing spaces are removed;
///   leading indentation of an input line is kept on its first output line.
/// - A line may break at a space (the space is dropped), and between a wide character (CJK ideograph,
///   kana, hangul, fullwidth form, CJK punctuation, wide emoji) and its neighbour, as in UAX #14.
///   A run of other characters without spaces (a Latin word, a number, a URL) is never broken; a run
///   longer than `width` stays whole on its own line. Any token starting with `http://`, `https://`,
///   `mailto:` or `www.` is kept whole up to the next space even if it contains wide characters; a URL
///   right after a reference marker that starts the line (`[1] https://…`) stays on the marker's line.
/// - Kinsoku: a line never starts with closing punctuation (`，。、；：？！」』）》】…,.;:!?)]}` and similar);
///   the character before it moves down with it. A line never ends with opening punctuation
///   (`（《「『“‘【([{`); it moves down with the character after it.
/// - Widths follow UAX #11: East Asian Wide and Fullwidth count 2, combining marks and format
///   characters 0, everything else (including Ambiguous, such as `“` and `…`) 1.
public enum PlainTextWrapper: Sendable {
    /// Wraps text to at most `width` display columns per line where the rules allow.
    ///
    /// - Parameters:
    ///   - text: The text; any line ends.
    ///   - width: The line width in columns, at least 1; 72 by default.
    /// - Returns: The wrapped text with `\n` line ends; ends with `\n` only if `text` does.
    /// - Complexity: O(*n*) in the number of characters.
    public static func wrap(_ text: String, width: Int = 72) -> String {
        let width = max(1, width)
        // One line (the common case when personalising a digest line): no splitting, no joining.
        if !text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) { return wrapLine(text, width: width) }
        return lines(of: text).map { wrapLine($0, width: width) }.joined(separator: "\n")
    }

    /// The display width of a string in terminal columns (UAX #11; see ``PlainTextWrapper``).
    ///
    /// - Parameter string: Any text without line ends.
    /// - Returns: The number of columns, for example 4 for `测试` and 2 for `ab`.
    public static func displayWidth(_ string: String) -> Int {
        // Printable ASCII is one column a character (the common case, without Unicode property lookups).
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return string.utf8.count }
        // Text of scalars that are each a character of their own (CJK, kana, Latin letters, punctuation): summed
        // per scalar, without grapheme breaking.
        var total = 0
        for scalar in string.unicodeScalars {
            guard isOwnCharacter(scalar) else { return displayWidthByCharacters(string) }
            total += scalar.isASCII ? 1 : width(of: scalar)
        }
        return total
    }

    /// ``displayWidth(_:)`` character by character (internal so that tests compare both).
    static func displayWidthByCharacters(_ string: String) -> Int {
        string.reduce(0) { $0 + width(of: $1) }
    }

    /// Whether `scalar` always forms a grapheme cluster on its own (UAX #29): printable ASCII, Latin-1 and Latin
    /// Extended letters, general punctuation, CJK punctuation, kana, CJK ideographs and fullwidth forms — ranges
    /// without combining marks, joiners, variation selectors, Hangul jamo, prepend or regional-indicator scalars.
    static func isOwnCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x2FF, 0x2010...0x2027, 0x2030...0x205E, 0x3000...0x3029,
            0x3030...0x303E, 0x3041...0x3096, 0x30A0...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF60:
            true
        default: false
        }
    }

    // MARK: - Lines and atoms

    /// A piece of a line that is never broken, with the spaces written before it when it does not start a line.
    private struct Atom {
        var separator: String
        var text: String
        var width: Int
    }

    private static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\r" || scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }

    private static func wrapLine(_ line: String, width: Int) -> String {
        // A line that fits is only trimmed: widths add up (indentation, separators and atoms alike), so the
        // loop below would never break it.
        let trimmed = trimmingTrailingSpaces(line)
        if displayWidth(trimmed) <= width { return trimmed }
        return wrapByAtoms(line, width: width)
    }

    /// Wraps one line atom by atom (``wrapLine(_:width:)`` without its shortcut for a line that fits; internal
    /// so that tests can check the shortcut against it).
    static func wrapByAtoms(_ line: String, width: Int) -> String {
        let indent = String(line.prefix { $0 == " " || $0 == "\t" })
        let atoms = glue(atoms(of: String(line.dropFirst(indent.count))))
        var output: [String] = []
        var current = indent
        var currentWidth = displayWidth(indent)
        var lineHasAtom = false
        var lineIsReferenceMarker = false
        for atom in atoms {
            let separatorWidth = lineHasAtom ? displayWidth(atom.separator) : 0
            // `[1] https://…` stays on one line: the reference marker belongs to its URL.
            let keepWithMarker = lineIsReferenceMarker && isURL(atom.text)
            if lineHasAtom && !keepWithMarker && currentWidth + separatorWidth + atom.width > width {
                output.append(current)
                current = atom.text
                currentWidth = atom.width
                lineIsReferenceMarker = isReferenceMarker(atom.text)
            } else {
                lineIsReferenceMarker = !lineHasAtom && isReferenceMarker(atom.text)
                current += (lineHasAtom ? atom.separator : "") + atom.text
                currentWidth += separatorWidth + atom.width
            }
            lineHasAtom = true
        }
        output.append(current)
        return output.map(trimmingTrailingSpaces).joined(separator: "\n")
    }

    /// Splits a line (without indentation) into atoms: space-separated tokens, with each wide character
    /// of a non-URL token as its own atom.
    private static func atoms(of line: String) -> [Atom] {
        var atoms: [Atom] = []
        var separator = ""
        var token = ""
        func flushToken() {
            guard !token.isEmpty else { return }
            if isURL(token) {
                atoms.append(Atom(separator: separator, text: token, width: displayWidth(token)))
            } else {
                var run = ""
                var pendingSeparator = separator
                func flushRun() {
                    guard !run.isEmpty else { return }
                    atoms.append(Atom(separator: pendingSeparator, text: run, width: displayWidth(run)))
                    pendingSeparator = ""
                    run = ""
                }
                for character in token {
                    if width(of: character) == 2 {
                        flushRun()
                        atoms.append(Atom(separator: pendingSeparator, text: String(character), width: 2))
                        pendingSeparator = ""
                    } else {
                        run.append(character)
                    }
                }
                flushRun()
            }
            separator = ""
            token = ""
        }
        for character in line {
            if character == " " || character == "\t" {
                flushToken()
                separator.append(character)
            } else {
                token.append(character)
            }
        }
        flushToken()
        return atoms
    }

    /// Applies kinsoku: closing punctuation joins the atom before it; an atom ending in opening punctuation
    /// joins the atom after it.
    private static func glue(_ atoms: [Atom]) -> [Atom] {
        var result: [Atom] = []
        for atom in atoms {
            if var previous = result.last,
                let first = atom.text.first, let last = previous.text.last,
                closingPunctuation.contains(first) || openingPunctuation.contains(last)
            {
                previous.text += atom.separator + atom.text
                previous.width += displayWidth(atom.separator) + atom.width
                result[result.count - 1] = previous
            } else {
                result.append(atom)
            }
        }
        return result
    }

    /// A numbered reference such as `[12]`.
    private static func isReferenceMarker(_ token: String) -> Bool {
        token.count >= 3 && token.first == "[" && token.last == "]"
            && token.dropFirst().dropLast().allSatisfy(\.isASCII)
            && token.dropFirst().dropLast().allSatisfy(\.isNumber)
    }

    private static func isURL(_ token: String) -> Bool {
        let lower = token.lowercased()
        return ["http://", "https://", "mailto:", "www."].contains { lower.hasPrefix($0) }
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " || line.last == "\t" { line.removeLast() }
        return line
    }

    /// Characters that must not start a line.
    static let closingPunctuation: Set<Character> = Set(
        "，。、；：？！」』）》〉】〕〗〙〛｝］｠｣〞〟・…‥ー—～,.;:!?)]}>%’”°‰℃¢".map { $0 }
            + ["\u{FF0E}", "\u{FF61}", "\u{FF64}", "\u{3005}", "\u{309D}", "\u{309E}", "\u{30FD}", "\u{30FE}"]
    )

    /// Characters that must not end a line.
    static let openingPunctuation: Set<Character> = Set("（《「『“‘【〔〖〘〚｛［｟｢〈〝([{<$£¥￥".map { $0 })

    // MARK: - Widths

    private static func width(of character: Character) -> Int {
        // ASCII: printable is one column, control characters (and CR LF) none.
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
        var width = 0
        for scalar in character.unicodeScalars {
            let scalarWidth = Self.width(of: scalar)
            if scalarWidth > width { width = scalarWidth }
        }
        if width == 1, character.unicodeScalars.contains("\u{FE0F}"),
            character.unicodeScalars.first?.properties.isEmoji == true
        {
            return 2
        }
        return width
    }

    private static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return 0
        default:
            break
        }
        if (0x1160...0x11FF).contains(value) || value == 0x200B { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x16FE0...0x18AFF, 0x1B000...0x1B16F, 0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
