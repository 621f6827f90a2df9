import Foundation
import Testing

@testable import NewsletterKit

struct MIMEMessageTests {
    /// 2019-06-08 00:00:00 UTC.
    static let fixedDate = Date(timeIntervalSince1970: 1_559_952_000)
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .current

    static func message(
        subject: String = "[示例周报] 第12期：测试新闻 & 更新汇总 — 2026年11月29日",
        text: String = "本周要闻\n\n1. 测试新闻 https://news.example.com/a/1\n",
        html: String = "<p>本周要闻</p>\n<ol><li><a href=\"https://news.example.com/a/1\">测试新闻</a></li></ol>\n",
        token: String = "9f8e7d6c",
        boundary: String? = "=_NL_golden",
        extraHeaders: [(name: String, value: String)] = [("X-Mailer", "newsletter 1.0")]
    ) throws -> MIMEMessage {
        try MIMEMessage(
            from: MailAddress(email: "weekly@news.example.com", displayName: "党建周报"),
            to: MailAddress(email: "reader@example.org"),
            replyTo: MailAddress(email: "editor@news.example.com", displayName: "Editor"),
            subject: subject,
            date: fixedDate,
            timeZone: shanghai,
            messageID: "<golden-1@news.example.com>",
            listID: ListID(name: "党建周报", id: "weekly.news.example.com"),
            unsubscribe: ListUnsubscribeTests.unsubscribe(token: token),
            textBody: text,
            htmlBody: html,
            extraHeaders: extraHeaders,
            boundary: boundary
        )
    }

    static func string(_ message: MIMEMessage) -> String {
        String(decoding: message.bytes(), as: UTF8.self)
    }

    /// Checks the invariants every message must keep and parses it with Python.
    @discardableResult
    static func checkAndParse(_ message: MIMEMessage) throws -> PythonEmail.Parsed {
        let bytes = message.bytes()
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(try !MessageInspection.hasBareLineEnd(bytes))
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        let lines = MessageInspection.lines(bytes)
        #expect(lines.allSatisfy { $0.count <= 998 })
        let headerLineCount = lines.firstIndex(where: \.isEmpty) ?? lines.count
        #expect(lines[..<headerLineCount].allSatisfy { $0.count <= 78 })
        #expect(lines[headerLineCount...].allSatisfy { $0.count <= 76 })
        #expect(!MessageInspection.hasSoftLineBreak(MessageInspection.headerSection(bytes)))

        let parsed = try PythonEmail.parse(bytes)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.headerDefects.isEmpty)
        #expect(parsed.isMultipart)
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        for part in parsed.parts {
            #expect(part.defects.isEmpty)
            #expect(part.charset == "utf-8")
        }
        #expect(parsed.headers["Subject"] == [EncodedWord.sanitize(message.subject)])
        #expect(parsed.madeHeaders["Subject"] == EncodedWord.sanitize(message.subject))
        let text = try #require(parsed.parts.first)
        let html = try #require(parsed.parts.last)
        #expect(text.payload == Array(LineEnding.normalizedToCRLF(message.textBody).utf8))
        #expect(html.payload == Array(LineEnding.normalizedToCRLF(message.htmlBody).utf8))
        return parsed
    }

    @Test func goldenMessage() throws {
        let message = try Self.message()
        let expected = Self.golden
        #expect(Self.string(message) == expected)
        try Self.checkAndParse(message)
    }

    @Test func pythonSeesEveryHeader() throws {
        let parsed = try Self.checkAndParse(try Self.message())
        #expect(parsed.headers["From"] == ["党建周报 <weekly@news.example.com>"])
        #expect(parsed.headers["To"] == ["reader@example.org"])
        #expect(parsed.headers["Reply-To"] == ["Editor <editor@news.example.com>"])
        #expect(parsed.headers["Message-ID"] == ["<golden-1@news.example.com>"])
        #expect(parsed.headers["MIME-Version"] == ["1.0"])
        #expect(parsed.headers["List-Id"] == ["党建周报 <weekly.news.example.com>"])
        #expect(parsed.headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"])
        #expect(parsed.headers["Precedence"] == ["bulk"])
        #expect(parsed.headers["X-Mailer"] == ["newsletter 1.0"])
        #expect(parsed.dateISO == "2019-06-08T08:00:00+08:00")
    }

    // Case 20 inside a whole message.
    @Test func case20HeadersInTheMessage() throws {
        let headers = MessageInspection.headerSection(try Self.message().bytes())
        #expect(
            headers.contains(
                "List-Unsubscribe: <https://news.example.com/u?l=weekly&t=9f8e7d6c>,\r\n"
                    + " <mailto:unsubscribe@news.example.com?subject=unsubscribe-weekly-9f8e7d6c>\r\n"
                    + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            )
        )
    }

    // Preview and send differ only in the per-recipient fields.
    @Test func addressedCopyChangesOnlyPerRecipientFields() throws {
        let preview = try Self.message()
        let sent = try preview.addressed(
            to: MailAddress(email: "second@example.net"),
            messageID: "other-2@news.example.com",
            unsubscribe: ListUnsubscribeTests.unsubscribe(token: "1a2b3c4d")
        )
        let previewLines = Self.string(preview).components(separatedBy: "\r\n")
        let sentLines = Self.string(sent).components(separatedBy: "\r\n")
        #expect(previewLines.count == sentLines.count)
        let differing = zip(previewLines, sentLines).filter { $0 != $1 }.map(\.1)
        #expect(
            differing == [
                "To: second@example.net",
                "Message-ID: <other-2@news.example.com>",
                "List-Unsubscribe: <https://news.example.com/u?l=weekly&t=1a2b3c4d>,",
                " <mailto:unsubscribe@news.example.com?subject=unsubscribe-weekly-1a2b3c4d>",
            ]
        )
        #expect(!Self.string(sent).contains("9f8e7d6c"))
        try Self.checkAndParse(sent)
    }

    @Test func bytesArePure() throws {
        let message = try Self.message(boundary: nil)
        #expect(message.bytes() == message.bytes())
        #expect(message.boundary.hasPrefix("=_"))
        #expect(try Self.message(boundary: nil).boundary != message.boundary)
        try Self.checkAndParse(message)
    }

    // Case 18: a 3,607-byte line of CJK and a 1,482-byte URL.
    @Test func case18LongLinesAreEncodedAndComeBackExactly() throws {
        let url = try #require(
            Bundle.module.url(forResource: "18-line-over-998", withExtension: "html", subdirectory: "Resources/cases"))
        let html = try String(contentsOf: url, encoding: .utf8)
        let message = try Self.message(html: html, boundary: nil)
        let parsed = try Self.checkAndParse(message)
        let htmlPart = try #require(parsed.parts.last)
        let decoded = try #require(String(validating: htmlPart.payload, as: UTF8.self))
        #expect(decoded == html.replacingOccurrences(of: "\n", with: "\r\n"))
        let hrefPattern = try NSRegularExpression(pattern: "href=\"([^\"]*)\"")
        func href(_ text: String) throws -> String {
            let match = try #require(hrefPattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)))
            return String(text[try #require(Range(match.range(at: 1), in: text))])
        }
        let original = try href(html)
        #expect(original.utf8.count == 1_482)
        #expect(try href(decoded) == original)

        // The same content as quoted-printable (mostly ASCII) also stays within 76 and round-trips.
        let mostlyASCII = html.replacingOccurrences(
            of: String(repeating: "测", count: 1_200), with: String(repeating: "x测", count: 100))
        #expect(TransferEncoding.preferred(for: mostlyASCII) == .quotedPrintable)
        let qpParsed = try Self.checkAndParse(try Self.message(html: mostlyASCII, boundary: nil))
        let qpHTML = try #require(qpParsed.parts.last)
        #expect(qpHTML.transferEncoding == "quoted-printable")
        #expect(try href(qpHTML.content) == original)
    }

    // Case 21: mixed line ends in the input, CRLF only in the output; a ~200 KB message too.
    @Test(arguments: [1, 60])
    func case21NoBareLineEnds(repeats: Int) throws {
        let description = "第一行\n第二行\r\n第三行\r第四行 plain ascii line\n"
        let text = String(repeating: "Item: " + description, count: repeats * 20)
        let html = String(repeating: "<div>\n<p>\(description)</p>\n</div>\r", count: repeats * 20)
        let message = try Self.message(text: text, html: html)
        let bytes = message.bytes()
        if repeats > 1 { #expect(bytes.count > 150_000) }
        #expect(try !MessageInspection.hasBareLineEnd(bytes))
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        try Self.checkAndParse(message)
    }

    // Case 11: the Subject is plain text and decodes to exactly that.
    @Test func case11SubjectHasNoEntities() throws {
        let message = try Self.message(subject: "Berger & Wyse 测试", html: "<p>Berger &amp; Wyse 测试</p>")
        let parsed = try Self.checkAndParse(message)
        let subject = try #require(parsed.headers["Subject"]?.first)
        #expect(subject == "Berger & Wyse 测试")
        #expect(!subject.contains("&amp;") && !subject.contains("&#") && !subject.contains("&lt;"))
        let html = try #require(parsed.parts.last)
        #expect(html.content.contains("Berger &amp; Wyse 测试"))
        #expect(!html.content.contains("&amp;amp;"))
    }

    // Case 13: the encoding is chosen per part.
    @Test func case13EncodingChosenPerPart() throws {
        let html =
            "<html><body>" + String(repeating: "<p>" + String(repeating: "测", count: 400) + "</p>", count: 3)
            + "</body></html>"
        let text = "Mostly ASCII text with one 测 character.\n"
        let parsed = try Self.checkAndParse(try Self.message(text: text, html: html))
        #expect(parsed.parts.map(\.transferEncoding) == ["quoted-printable", "base64"])
    }

    @Test func callerBoundaryThatOccursInContentIsChanged() throws {
        let message = try Self.message(
            text: "--abc\n--abc--\n",
            html: "<p>--abc</p>",
            boundary: "abc"
        )
        let output = Self.string(message)
        #expect(output.contains("boundary=\"abc_1\""))
        try Self.checkAndParse(message)
    }

    @Test func lineStartingWithDotOrFromIsProtected() throws {
        let message = try Self.message(text: ".\nFrom the editor\n.hidden\n", html: "<p>x</p>\n.\n")
        let output = Self.string(message)
        #expect(!output.contains("\r\n.\r\n"))
        #expect(!output.contains("\r\nFrom "))
        try Self.checkAndParse(message)
    }

    @Test func emptyBodies() throws {
        try Self.checkAndParse(try Self.message(text: "", html: ""))
    }

    @Test func extraHeaderValidation() throws {
        #expect(throws: MIMEError.self) { try Self.message(extraHeaders: [("Subject", "x")]) }
        #expect(throws: MIMEError.self) { try Self.message(extraHeaders: [("content-type", "x")]) }
        #expect(throws: MIMEError.self) { try Self.message(extraHeaders: [("X Bad", "x")]) }
        #expect(throws: MIMEError.self) { try Self.message(extraHeaders: [("X-Bad:", "x")]) }
        #expect(throws: MIMEError.self) { try Self.message(boundary: "") }
        #expect(throws: MIMEError.self) { try Self.message(boundary: String(repeating: "a", count: 71)) }
        let parsed = try Self.checkAndParse(try Self.message(extraHeaders: [("X-Note", "测试\r\nBcc: x@example.com")]))
        #expect(parsed.headers["X-Note"] == ["测试 Bcc: x@example.com"])
        #expect(parsed.headers["Bcc"] == nil)
    }

    @Test(arguments: ["<a@b.example.com>", "a.b@example.com", "<9f.x+y@news.example.com>"])
    func acceptsMessageIDs(id: String) throws {
        let message = try Self.message().addressed(
            to: MailAddress(email: "x@example.com"), messageID: id, unsubscribe: nil)
        #expect(message.messageID.hasPrefix("<") && message.messageID.hasSuffix(">"))
        #expect(!Self.string(message).contains("List-Unsubscribe"))
    }

    @Test(arguments: ["", "<>", "no-at", "<a@b@c>", "<a b@example.com>", "<a@example.com>x", "<测@example.com>"])
    func rejectsMessageIDs(id: String) throws {
        let error = try #require(throws: MIMEError.self) {
            try Self.message().addressed(to: MailAddress(email: "x@example.com"), messageID: id, unsubscribe: nil)
        }
        #expect(error.code == .invalidMessageID)
    }

    @Test func makeMessageIDIsUniqueAndValid() throws {
        let ids = (0..<100).map { _ in MIMEMessage.makeMessageID(domain: "News.Example.com") }
        #expect(Set(ids).count == 100)
        for id in ids {
            #expect(id.hasPrefix("<") && id.hasSuffix("@news.example.com>"))
            #expect(MessageIDSyntax.normalizedMessageID(id) == id)
        }
        #expect(MIMEMessage.makeMessageID(domain: " ..bad host.. ").hasSuffix("@badhost>"))
        #expect(MIMEMessage.makeMessageID(domain: "").hasSuffix("@localhost>"))
    }

    @Test(arguments: [
        (1_559_952_000.0, "Asia/Shanghai", "Sat, 08 Jun 2019 08:00:00 +0800"),
        (1_559_952_000.0, "UTC", "Sat, 08 Jun 2019 00:00:00 +0000"),
        (1_559_952_000.0, "America/New_York", "Fri, 07 Jun 2019 20:00:00 -0400"),
        (1_559_952_000.0, "Asia/Kolkata", "Sat, 08 Jun 2019 05:30:00 +0530"),
        (1_798_761_599.0, "Asia/Shanghai", "Fri, 01 Jan 2027 07:59:59 +0800"),
        (0.0, "UTC", "Thu, 01 Jan 1970 00:00:00 +0000"),
    ])
    func dateFormat(seconds: Double, zone: String, expected: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        #expect(MIMEMessage.formatDate(Date(timeIntervalSince1970: seconds), timeZone: timeZone) == expected)
    }

    /// The golden message: every line of the literal ends with `\r` plus the literal's own `\n`.
    static let golden = """
        From: =?UTF-8?B?5YWa5bu65ZGo5oql?= <weekly@news.example.com>\r
        To: reader@example.org\r
        Reply-To: \"Editor\" <editor@news.example.com>\r
        Subject: =?UTF-8?B?W+ekuuS+i+WRqOaKpV0g56ysMTLmnJ/vvJrmtYvor5XmlrA=?=\r
         =?UTF-8?B?6Ze7ICYg5pu05paw5rGH5oC7IOKAlCAyMDI25bm0MTHmnIgy?=\r
         =?UTF-8?B?OeaXpQ==?=\r
        Date: Sat, 08 Jun 2019 08:00:00 +0800\r
        Message-ID: <golden-1@news.example.com>\r
        MIME-Version: 1.0\r
        List-Id: =?UTF-8?B?5YWa5bu65ZGo5oql?= <weekly.news.example.com>\r
        List-Unsubscribe: <https://news.example.com/u?l=weekly&t=9f8e7d6c>,\r
         <mailto:unsubscribe@news.example.com?subject=unsubscribe-weekly-9f8e7d6c>\r
        List-Unsubscribe-Post: List-Unsubscribe=One-Click\r
        Precedence: bulk\r
        X-Mailer: newsletter 1.0\r
        Content-Type: multipart/alternative; boundary=\"=_NL_golden\"\r
        \r
        --=_NL_golden\r
        Content-Type: text/plain; charset=UTF-8\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        =E6=9C=AC=E5=91=A8=E8=A6=81=E9=97=BB\r
        \r
        1. =E6=B5=8B=E8=AF=95=E6=96=B0=E9=97=BB https://news.example.com/a/1\r
        \r
        --=_NL_golden\r
        Content-Type: text/html; charset=UTF-8\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        <p>=E6=9C=AC=E5=91=A8=E8=A6=81=E9=97=BB</p>\r
        <ol><li><a href=3D\"https://news.example.com/a/1\">=E6=B5=8B=E8=AF=95=\r
        =E6=96=B0=E9=97=BB</a></li></ol>\r
        \r
        --=_NL_golden--\r

        """
}
