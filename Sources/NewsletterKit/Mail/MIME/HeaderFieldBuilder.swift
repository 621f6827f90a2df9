/// Builds one header field, folded per RFC 5322 §2.2.3: lines joined by CRLF + SP, each at most 78
/// octets where the content allows, and never more than 998.
struct HeaderFieldBuilder {
    private var lines: [String]

    /// Starts the field `name:`.
    init(name: String) {
        lines = [name + ":"]
    }

    /// The finished field: lines joined by CRLF, with a final CRLF.
    var field: String {
        lines.joined(separator: "\r\n") + "\r\n"
    }

    private var currentLength: Int {
        lines[lines.count - 1].utf8.count
    }

    private var isAtFieldStart: Bool {
        lines.count == 1 && lines[0].hasSuffix(":")
    }

    /// Appends ` token` on the current line if the line stays within 78 octets (or this is the first token),
    /// else on a new folded line.
    mutating func append(_ token: String) {
        if isAtFieldStart || currentLength + 1 + token.utf8.count <= EncodedWord.maxLineLength {
            lines[lines.count - 1] += " " + token
        } else {
            lines.append(" " + token)
        }
    }

    /// Appends ` token` on the current line only when it is the first token of the field, else on a new line.
    mutating func appendOnOwnLine(_ token: String) {
        if isAtFieldStart {
            lines[0] += " " + token
        } else {
            lines.append(" " + token)
        }
    }

    /// Appends a sanitised unstructured value (RFC 5322 §3.2.5 `unstructured`): ASCII folded at spaces, or
    /// RFC 2047 encoded-words.
    mutating func appendUnstructured(_ value: String) {
        let value = EncodedWord.sanitize(value)
        if EncodedWord.requiresEncoding(value) {
            appendEncodedWords(value)
        } else {
            for token in value.split(separator: " ") { append(String(token)) }
        }
    }

    /// Appends a display name or list phrase (RFC 5322 §3.2.5 `phrase`): an ASCII name as a quoted-string
    /// when it fits a 78-octet line, otherwise RFC 2047 encoded-words.
    mutating func appendPhrase(_ phrase: String) {
        let phrase = EncodedWord.sanitize(phrase)
        guard !phrase.isEmpty else { return }
        let quoted = Self.quotedString(phrase)
        if EncodedWord.requiresEncoding(phrase) || currentLength + 1 + quoted.utf8.count > EncodedWord.maxLineLength {
            appendEncodedWords(phrase)
        } else {
            append(quoted)
        }
    }

    /// Appends encoded-words, each on its own line; the first one shares the current line when it fits.
    mutating func appendEncodedWords(_ text: String) {
        let budget = EncodedWord.byteBudget(forCharacters: EncodedWord.maxLineLength - currentLength - 1)
        let chunks = EncodedWord.chunks(of: text, firstMaxBytes: budget)
        for (index, chunk) in chunks.enumerated() where !chunk.isEmpty {
            let word = EncodedWord.word(chunk)
            if index == 0 {
                lines[lines.count - 1] += " " + word
            } else {
                lines.append(" " + word)
            }
        }
    }

    /// `"text"` with `"` and `\` escaped (RFC 5322 §3.2.4).
    static func quotedString(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result + "\""
    }
}
