/// Line-end normalisation for message text.
enum LineEnding {
    /// The text with every `\r\n`, lone `\r` and lone `\n` replaced by CRLF (RFC 5322 §2.3: CR and LF occur
    /// only together).
    ///
    /// - Complexity: O(*n*) in the number of Unicode scalars.
    static func normalizedToCRLF(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                result.append("\r")
                result.append("\n")
                previousWasCR = true
            case "\n":
                if !previousWasCR {
                    result.append("\r")
                    result.append("\n")
                }
                previousWasCR = false
            default:
                result.append(scalar)
                previousWasCR = false
            }
        }
        return String(result)
    }

    /// The text split into lines at CR LF, lone CR or lone LF, without the line ends.
    ///
    /// A text ending in a line end yields a final empty line; an empty text yields one empty line.
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                lines.append(String(current))
                current = String.UnicodeScalarView()
                previousWasCR = true
            case "\n":
                if !previousWasCR {
                    lines.append(String(current))
                    current = String.UnicodeScalarView()
                }
                previousWasCR = false
            default:
                current.append(scalar)
                previousWasCR = false
            }
        }
        lines.append(String(current))
        return lines
    }
}
