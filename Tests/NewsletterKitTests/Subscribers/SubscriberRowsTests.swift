import Foundation
import Testing

@testable import NewsletterKit

#if canImport(Glibc)
import Glibc
#endif

struct SubscriberRowsTests {
    static func caseFile(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: RepoPaths.resources.appendingPathComponent("cases/\(name)")))
    }

    static func rows(_ text: String, encoding: String? = nil) throws -> SubscriberRows {
        try SubscriberRows(bytes: Array(text.utf8), fileName: "list.csv", encoding: encoding)
    }

    /// Case 29: a UTF-8 BOM and a GBK file from spreadsheet software both import cleanly.
    @Test(arguments: [("29-csv-bom-header.csv", "UTF-8 (BOM)"), ("29-csv-bom-header.gbk.csv", "GB18030")])
    func case29(file: String, encoding: String) throws {
        let rows = try SubscriberRows(bytes: try Self.caseFile(file), fileName: file)
        #expect(rows.problems.isEmpty)
        #expect(rows.encoding == encoding)
        #expect(rows.subscribers.map(\.email) == ["reader1@example.com", "reader2@example.net"])
        #expect(rows.subscribers.map(\.name) == ["测试读者一", "测试读者二"])
    }

    /// Case 39, file 1: GBK without BOM, commas, Chinese header, every kind of row.
    @Test func case39GBKExport() throws {
        let rows = try SubscriberRows(bytes: try Self.caseFile("39-gbk-excel-subscribers.csv"), fileName: "f.csv")
        #expect(rows.encoding == "GB18030")
        #expect(rows.separator == ",")
        #expect(
            rows.subscribers.map(\.email) == [
                "reader1@example.com", "reader2@example.org", "READER3@Example.NET", "reader4@example.com",
                "reader5@example.com",
            ])
        #expect(rows.subscribers.map(\.name) == ["测试读者一", "测试读者二, 副主任", "测试读者三", "测试读者四", "朱镕测试"])
        #expect(rows.lines == [2, 3, 4, 5, 6])
        #expect(rows.normalisedLines == [5])
        #expect(rows.duplicates == [.init(line: 8, firstLine: 2, email: "Reader1@Example.com")])
        #expect(rows.rejected.map(\.line) == [7])
        #expect(rows.rejected.first?.reason.contains("no '@'") == true)
        #expect(rows.extraColumns == ["部门"])
        #expect(rows.subscribers.map { $0.extra["部门"] ?? "" } == ["办公室", "宣传部", "", "信息中心", "办公室"])
    }

    /// The same file in UTF-8 without BOM: the same rows, the encoding reported as UTF-8.
    @Test func case39AsUTF8() throws {
        let gbk = try SubscriberRows(bytes: try Self.caseFile("39-gbk-excel-subscribers.csv"), fileName: "f.csv")
        let text = try #require(CharsetIconv.decode(try Self.caseFile("39-gbk-excel-subscribers.csv"), from: "GB18030"))
        let utf8 = try SubscriberRows(bytes: Array(text.text.utf8), fileName: "f.csv")
        #expect(utf8.encoding == "UTF-8")
        #expect(utf8.subscribers == gbk.subscribers)
        #expect(utf8.problems.map(\.description) == gbk.problems.map(\.description))
    }

    /// Case 39, file 2: semicolons, the email column second, a comma inside an unquoted name.
    @Test func case39Semicolons() throws {
        let rows = try SubscriberRows(
            bytes: try Self.caseFile("39-gbk-excel-subscribers.semicolon.csv"), fileName: "f.csv")
        #expect(rows.separator == ";")
        #expect(rows.subscribers.map(\.email) == ["reader6@example.net", "reader7@example.org"])
        #expect(rows.subscribers.map(\.name) == ["测试读者六, 顾问", "测试读者七"])
        #expect(rows.problems.isEmpty)
    }

    /// Case 39, file 3: Excel's "Unicode text" (UTF-16LE with BOM, tabs); and the same as UTF-16BE.
    @Test(arguments: ["UTF-16LE", "UTF-16BE"])
    func case39UnicodeText(variant: String) throws {
        var bytes = try Self.caseFile("39-gbk-excel-subscribers.utf16-tab.txt")
        if variant == "UTF-16BE" {
            bytes = stride(from: 0, to: bytes.count - 1, by: 2).flatMap { [bytes[$0 + 1], bytes[$0]] }
        }
        let rows = try SubscriberRows(bytes: bytes, fileName: "f.txt")
        #expect(rows.encoding == "\(variant) (BOM)")
        #expect(rows.separator == "\t")
        #expect(rows.subscribers.map(\.email) == ["reader8@example.com", "reader9@example.net"])
        #expect(rows.subscribers.map(\.name) == ["测试读者八", "测试读者九"])
    }

    /// windows-1252 is neither UTF-8 nor GB18030: the error names the line and the encodings tried;
    /// given the encoding, it imports.
    @Test func windows1252() throws {
        let bytes = Array("email,name\r\nreader10@example.com,Jos".utf8) + [0xE9, 0x0D, 0x0A]
        let error = try #require(throws: SpreadsheetTable.ReadError.self) {
            try SubscriberRows(bytes: bytes, fileName: "latin.csv")
        }
        #expect(error.description.hasPrefix("latin.csv:2:"))
        #expect(error.description.contains("UTF-8") && error.description.contains("GB18030"))
        let rows = try SubscriberRows(bytes: bytes, fileName: "latin.csv", encoding: "windows-1252")
        #expect(rows.subscribers.map(\.name) == ["José"])
    }

    /// Never "success with 0 rows": no email column, or the wrong separator forced, is an error that shows
    /// the header as decoded.
    @Test func noEmailColumnIsAnError() throws {
        let gbk = try #require(CharsetIconv.decode(Array("联系人,手机\r\n张三,123\r\n".utf8), from: "UTF-8"))
        let bytes = try #require(Self.encode(gbk.text, to: "GB18030"))
        let error = try #require(throws: SpreadsheetTable.ReadError.self) {
            try SubscriberRows(bytes: bytes, fileName: "f.csv")
        }
        #expect(error.description.contains("'联系人', '手机'"))
        #expect(error.description.contains("GB18030"))
        let forced = try #require(throws: SpreadsheetTable.ReadError.self) {
            try SubscriberRows(
                bytes: try Self.caseFile("39-gbk-excel-subscribers.semicolon.csv"), fileName: "f.csv", separator: ",")
        }
        #expect(forced.description.contains("'姓名;电子邮件'"))
    }

    static func encode(_ text: String, to encoding: String) -> [UInt8]? {
        let cd = iconv_open(encoding, "UTF-8")
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let count = output.count
        var inLeft = input.count
        var outLeft = count
        let ok = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPtr = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPtr = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1
            }
        }
        return ok ? Array(output.prefix(count - outLeft)) : nil
    }

    @Test(arguments: [
        "email", "E-mail", " EMAIL ", "Email Address", "e_mail", "Mail", "邮箱", "电子邮箱", "电子邮件", "邮件地址", "邮箱地址",
        "\u{FEFF}email", "ｅｍａｉｌ",
    ])
    func emailHeaderAliases(header: String) throws {
        let rows = try Self.rows("\(header),姓名\r\na@example.com,甲\r\n")
        #expect(rows.subscribers.map(\.email) == ["a@example.com"])
        #expect(rows.subscribers.first?.name == "甲")
    }

    @Test(arguments: ["name", "Name", "Full Name", "姓名", "名字", "称呼"])
    func nameHeaderAliases(header: String) throws {
        let rows = try Self.rows("email,\(header)\na@example.com,甲\n")
        #expect(rows.subscribers.first?.name == "甲")
    }

    /// Address cells as people type them: full-width characters, ideographic spaces, Excel text formulas.
    @Test(arguments: [
        ("reader4＠example.com　", "reader4@example.com", true),
        ("  a@example.com ", "a@example.com", false),
        ("=\"a@example.com\"", "a@example.com", true),
        ("ａ@ｅｘａｍｐｌｅ.com", "a@example.com", true),
    ])
    func addressCellsAreCleaned(cell: String, email: String, normalised: Bool) throws {
        let rows = try Self.rows("email\n\"\(cell.replacingOccurrences(of: "\"", with: "\"\""))\"\n")
        #expect(rows.subscribers.map(\.email) == [email])
        #expect(rows.normalisedLines == (normalised ? [2] : []))
    }

    /// Outlook and address-book exports put `Name <address>` in the address column (a new-user trial got "the
    /// domain is not a valid dotted host name"): the address is taken, and the display name fills an empty name
    /// column, never a written one.
    @Test(arguments: [
        ("Dan Lee <dan@example.com>", "", "dan@example.com", "Dan Lee"),
        ("\"Lee, Dan\" <dan@example.com>", "", "dan@example.com", "Lee, Dan"),
        ("王小明 <xiaoming@example.com>", "小明", "xiaoming@example.com", "小明"),
        ("<dan@example.com>", "", "dan@example.com", ""),
        ("  Dan Lee <dan@example.com>  ", "", "dan@example.com", "Dan Lee"),
        ("Dan Lee <dan＠example.com>", "", "dan@example.com", "Dan Lee"),
    ])
    func nameAddrCellsGiveTheirAddress(cell: String, nameCell: String, email: String, name: String) throws {
        let quoted = { (text: String) in "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let rows = try Self.rows("email,name\n\(quoted(cell)),\(quoted(nameCell))\n")
        #expect(rows.rejected.isEmpty, "\(rows.rejected)")
        #expect(rows.subscribers.map(\.email) == [email])
        #expect(rows.subscribers.map(\.name) == [name])
        #expect(rows.normalisedLines == [2])
    }

    /// A GBK list with bad bytes on one line: the error names that line, where the file needs fixing, not the
    /// first line that is not UTF-8 (a new-user trial was sent to line 1, which is good GBK).
    @Test func undecodableLineIsTheOneNamed() throws {
        let gbkName: [UInt8] = [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7]  // 王小明
        let bytes =
            Array("email,name\r\na@example.com,".utf8) + gbkName + Array("\r\nb@example.com,".utf8) + [
                0xFF, 0xFE, 0xFD,
            ]
            + Array("\r\n".utf8)
        #expect {
            try SubscriberRows(bytes: bytes, fileName: "list.csv")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("list.csv:3: cannot tell the encoding") && text.contains("(byte 0xcd on line 2)")
        }
    }

    /// A Windows-1252 list from a Western Excel is flagged when it is read as GB18030.
    ///
    /// It has no BOM and is not UTF-8, so it is read as GB18030, where `ü` and the next letter make one Chinese
    /// character (`M黮ler`): a new-user trial's names went out garbled in To: with no warning. The rows still import (GB18030 lists are common), with a warning naming the line, the
    /// word and `--encoding windows-1252`; real GBK lists get none.
    @Test(
        arguments: [
            (Array("email;name\r\nmuller@example.de;M".utf8) + [0xFC] + Array("ller, Hans\r\n".utf8), 2, "M黮ler"),
            (
                Array("email,name\r\na@example.com,\r\ngarcia@example.es,Garc".utf8) + [0xED]
                    + Array("a, Ana\r\n".utf8), 3,
                "Garc韆"
            ),
            // GBK: 王小明 after a Latin name, and a GBK header.
            (
                Array("email,name\r\ntom@example.com,Tom ".utf8) + [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7] + [0x0D, 0x0A],
                0, ""
            ),
            (try caseFile("29-csv-bom-header.gbk.csv"), 0, ""),
        ] as [([UInt8], Int, String)])
    func westernListReadAsGB18030IsFlagged(bytes: [UInt8], line: Int, word: String) throws {
        let rows = try SubscriberRows(bytes: bytes, fileName: "list.csv")
        #expect(rows.encoding == "GB18030")
        if line == 0 {
            #expect(SubscriberRows.encodingDoubt(bytes, fileName: "list.csv") == nil)
        } else {
            let doubt = try #require(SubscriberRows.encodingDoubt(bytes, fileName: "list.csv"))
            #expect(doubt.hasPrefix("list.csv:\(line): read as GB18030, but '\(word)'"), "\(doubt)")
            #expect(doubt.contains("--encoding windows-1252"))
        }
    }

    /// Excel's `sep=;` first line names the separator.
    ///
    /// Excel writes one for other locales and reads it back. The header is the next line, and line numbers stay
    /// the file's. A new-user trial got "no email column" naming the hint line.
    @Test(arguments: ["sep=;\r\n", "SEP=;\n"])
    func excelSeparatorLineIsHonoured(hint: String) throws {
        let rows = try Self.rows(hint + "email;name\r\na@example.com;Lee, Dan\r\nnot-an-address;x\r\n")
        #expect(rows.subscribers.map(\.email) == ["a@example.com"])
        #expect(rows.subscribers.map(\.name) == ["Lee, Dan"])
        #expect(rows.rejected.map(\.line) == [4])
    }

    /// What is not a name-addr stays an invalid address, named as written.
    @Test(arguments: ["Dan Lee <dan>", "Dan Lee dan@example.com>", "<>", "a@example.com <b@example.com"])
    func brokenNameAddrIsRejected(cell: String) throws {
        let rows = try Self.rows("email\n\"\(cell)\"\n")
        #expect(rows.subscribers.isEmpty)
        #expect(rows.rejected.map(\.line) == [2])
    }

    /// Case 38 (list loading): an empty label in the domain is rejected with its line, naming the label.
    @Test func emptyDomainLabelIsRejected() throws {
        let rows = try Self.rows("email\r\nreader1@example.com\r\nreader5@测试..example.org\r\nreader6@example..com\r\n")
        #expect(rows.subscribers.map(\.email) == ["reader1@example.com"])
        #expect(rows.rejected.map(\.line) == [3, 4])
        #expect(rows.rejected.allSatisfy { $0.reason.contains("empty label") })
    }

    @Test func invalidDuplicateAndUnknownStatusRowsAreReported() throws {
        let rows = try Self.rows(
            "email,name,status\na@example.com,甲,\nnot-an-address,乙,\nA@EXAMPLE.COM,丙,\nb@example.org,丁,gone\n,,\n")
        #expect(rows.subscribers.map(\.email) == ["a@example.com"])
        #expect(rows.problems.map(\.line) == [3, 4, 5])
        #expect(rows.problems[0].description.hasPrefix("list.csv:3: invalid address 'not-an-address'"))
        #expect(rows.problems[1].description.contains("duplicate of line 2"))
        #expect(rows.problems[2].description.contains("unknown status 'gone'"))
    }
}
