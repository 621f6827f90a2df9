import Foundation

/// Maps charset labels (HTTP `charset=`, `<meta charset>`, `<?xml encoding?>`) to the encodings browsers use.
///
/// Follows the WHATWG Encoding Standard label table for the encodings this tool meets: every GB2312/GBK
/// label means GB18030, `latin1`/`us-ascii`/`iso-8859-1` mean windows-1252, and so on.
enum CharsetLabel {
    /// A supported encoding: its WHATWG name and the glibc iconv name used to decode it.
    struct Encoding: Sendable, Equatable {
        /// WHATWG name, lowercased, for example `gb18030`.
        var name: String
        /// Name passed to `iconv_open`, for example `GB18030`; `nil` for encodings decoded in Swift (UTF-8, windows-1252).
        var iconvName: String?

        static let utf8 = Encoding(name: "utf-8", iconvName: nil)
        static let windows1252 = Encoding(name: "windows-1252", iconvName: nil)
        static let gb18030 = Encoding(name: "gb18030", iconvName: "GB18030")
        static let big5 = Encoding(name: "big5", iconvName: "BIG5-HKSCS")
        static let eucKR = Encoding(name: "euc-kr", iconvName: "CP949")
        static let shiftJIS = Encoding(name: "shift_jis", iconvName: "CP932")
        static let eucJP = Encoding(name: "euc-jp", iconvName: "EUC-JP")
        static let utf16LE = Encoding(name: "utf-16le", iconvName: "UTF-16LE")
        static let utf16BE = Encoding(name: "utf-16be", iconvName: "UTF-16BE")
    }

    /// Resolves a label to an encoding.
    ///
    /// - Parameter label: A charset label in any case, possibly quoted or padded.
    /// - Returns: The encoding, or `nil` when the label is unknown.
    static func encoding(forLabel label: String) -> Encoding? {
        var key = label.trimmingCharacters(in: CharsetLabel.trimSet).lowercased()
        if key.isEmpty { return nil }
        if let mapped = aliases[key] { key = mapped }
        switch key {
        case "utf-8": return .utf8
        case "windows-1252": return .windows1252
        case "gb18030": return .gb18030
        case "big5": return .big5
        case "euc-kr": return .eucKR
        case "shift_jis": return .shiftJIS
        case "euc-jp": return .eucJP
        case "utf-16le": return .utf16LE
        case "utf-16be": return .utf16BE
        default:
            if key.hasPrefix("windows-125"), key.count == 12 {
                return Encoding(name: key, iconvName: key.uppercased())
            }
            if key.hasPrefix("iso-8859-") {
                return Encoding(name: key, iconvName: key.uppercased())
            }
            if key == "koi8-r" || key == "koi8-u" {
                return Encoding(name: key, iconvName: key.uppercased())
            }
            if key == "iso-2022-jp" {
                return Encoding(name: key, iconvName: "ISO-2022-JP")
            }
            return nil
        }
    }

    private static let trimSet = CharacterSet(charactersIn: " \t\r\n\"';")

    /// WHATWG labels that are spelled differently from the canonical name.
    private static let aliases: [String: String] = [
        "unicode-1-1-utf-8": "utf-8", "unicode11utf8": "utf-8", "unicode20utf8": "utf-8", "utf8": "utf-8",
        "x-unicode20utf8": "utf-8",
        "ansi_x3.4-1968": "windows-1252", "ascii": "windows-1252", "cp1252": "windows-1252",
        "cp819": "windows-1252", "csisolatin1": "windows-1252", "ibm819": "windows-1252",
        "iso-8859-1": "windows-1252", "iso-ir-100": "windows-1252", "iso8859-1": "windows-1252",
        "iso88591": "windows-1252", "iso_8859-1": "windows-1252", "iso_8859-1:1987": "windows-1252",
        "l1": "windows-1252", "latin1": "windows-1252", "us-ascii": "windows-1252", "x-cp1252": "windows-1252",
        "chinese": "gb18030", "csgb2312": "gb18030", "csiso58gb231280": "gb18030", "gb2312": "gb18030",
        "gb_2312": "gb18030", "gb_2312-80": "gb18030", "gbk": "gb18030", "iso-ir-58": "gb18030",
        "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030", "windows-936": "gb18030", "euc-cn": "gb18030",
        "big5-hkscs": "big5", "cn-big5": "big5", "csbig5": "big5", "x-x-big5": "big5",
        "cseuckr": "euc-kr", "csksc56011987": "euc-kr", "iso-ir-149": "euc-kr", "korean": "euc-kr",
        "ks_c_5601-1987": "euc-kr", "ks_c_5601-1989": "euc-kr", "ksc5601": "euc-kr", "ksc_5601": "euc-kr",
        "windows-949": "euc-kr", "cp949": "euc-kr",
        "csshiftjis": "shift_jis", "ms932": "shift_jis", "ms_kanji": "shift_jis", "shift-jis": "shift_jis",
        "sjis": "shift_jis", "windows-31j": "shift_jis", "x-sjis": "shift_jis", "cp932": "shift_jis",
        "cseucpkdfmtjapanese": "euc-jp", "x-euc-jp": "euc-jp",
        "utf-16": "utf-16le", "ucs-2": "utf-16le", "unicode": "utf-16le", "csunicode": "utf-16le",
        "iso-10646-ucs-2": "utf-16le", "unicodefeff": "utf-16le", "unicodefffe": "utf-16be",
        "cp1250": "windows-1250", "cp1251": "windows-1251", "cp1253": "windows-1253", "cp1254": "windows-1254",
        "cp1255": "windows-1255", "cp1256": "windows-1256", "cp1257": "windows-1257", "cp1258": "windows-1258",
        "x-cp1250": "windows-1250", "x-cp1251": "windows-1251",
        "latin2": "iso-8859-2", "l2": "iso-8859-2", "iso8859-2": "iso-8859-2", "iso_8859-2": "iso-8859-2",
        "latin9": "iso-8859-15", "iso8859-15": "iso-8859-15", "iso_8859-15": "iso-8859-15",
        "cyrillic": "iso-8859-5", "iso8859-5": "iso-8859-5", "greek": "iso-8859-7", "iso8859-7": "iso-8859-7",
        "koi8": "koi8-r", "koi": "koi8-r",
    ]
}
