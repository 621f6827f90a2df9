import Testing

@testable import NewsletterKit

struct MailAddressTests {
    @Test(
        arguments: [
            ("reader@example.com", "reader@example.com", nil),
            ("  Reader@EXAMPLE.Com ", "Reader@example.com", nil),
            ("Weekly News <news@example.org>", "news@example.org", "Weekly News"),
            (
                "\"Doe, Jane \\\"JD\\\"\" <jane.doe+news@mail.example.net>", "jane.doe+news@mail.example.net",
                "Doe, Jane \"JD\""
            ),
            ("<bare@example.com>", "bare@example.com", nil),
            ("党建周报 <weekly@news.example.com>", "weekly@news.example.com", "党建周报"),
            ("first.o'neil_x-y@sub-domain.example.com", "first.o'neil_x-y@sub-domain.example.com", nil),
        ] as [(String, String, String?)])
    func parsesValidForms(input: String, email: String, name: String?) throws {
        let address = try MailAddress(parsing: input)
        #expect(address.email == email)
        #expect(address.displayName == name)
    }

    @Test(
        arguments: [
            ("", MailAddressError.Code.empty),
            ("reader.example.com", .missingAt),
            ("a@b@example.com", .multipleAt),
            ("@example.com", .emptyLocalPart),
            (String(repeating: "a", count: 65) + "@example.com", .localPartTooLong),
            ("john doe@example.com", .invalidLocalPart),
            ("john..doe@example.com", .invalidLocalPart),
            (".john@example.com", .invalidLocalPart),
            ("john\u{7}@example.com", .invalidLocalPart),
            ("\"quoted\"@example.com", .invalidLocalPart),
            ("john@", .emptyDomain),
            ("john@localhost", .invalidDomain),
            ("john@example..com", .emptyDomainLabel),
            ("john@-example.com", .invalidDomain),
            ("john@exa_mple.com", .invalidDomain),
            ("john@" + String(repeating: "a", count: 64) + ".com", .domainLabelTooLong),
            (
                "john@" + Array(repeating: String(repeating: "a", count: 60), count: 5).joined(separator: ".") + ".com",
                .domainTooLong
            ),
            ("jöhn\u{2028}@example.com", .invalidLocalPart),
            ("john@例子..example.com", .emptyDomainLabel),
            ("john@☃.example.com", .invalidDomain),
            ("Name <john@example.com", .malformed),
            ("\"Unclosed <john@example.com>", .malformed),
            ("Name <john@example.com> trailing", .malformed),
        ] as [(String, MailAddressError.Code)])
    func rejectsInvalidAddresses(input: String, code: MailAddressError.Code) throws {
        let error = try #require(throws: MailAddressError.self) { try MailAddress(parsing: input) }
        #expect(error.code == code)
        #expect(error.address == input)
        #expect(error.description.contains(input))
    }

    @Test func addressIsValidatedByTheMemberwiseInitToo() throws {
        #expect(throws: MailAddressError.self) { try MailAddress(email: "a b@example.com", displayName: "x") }
        let address = try MailAddress(email: "a@example.com", displayName: " \r\n ")
        #expect(address.displayName == nil)
        let sanitized = try MailAddress(email: "a@example.com", displayName: "Evil\r\nBcc: x@example.com")
        #expect(sanitized.displayName == "Evil Bcc: x@example.com")
    }

    @Test func description() throws {
        #expect(try MailAddress(parsing: "Weekly <w@example.com>").description == "Weekly <w@example.com>")
        #expect(try MailAddress(parsing: "w@example.com").description == "w@example.com")
    }

    @Test(arguments: [
        ("Weekly News", "From: \"Weekly News\" <news@example.com>\r\n"),
        ("Doe, \"JD\" \\ Jane", "From: \"Doe, \\\"JD\\\" \\\\ Jane\" <news@example.com>\r\n"),
        ("党建周报", "From: =?UTF-8?B?5YWa5bu65ZGo5oql?= <news@example.com>\r\n"),
    ])
    func headerFieldQuotesOrEncodesTheDisplayName(name: String, expected: String) throws {
        let address = try MailAddress(email: "news@example.com", displayName: name)
        let field = MIMEMessage.addressField("From", address)
        #expect(field == expected)
        let parsed = try PythonEmail.parseHeaders(field)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.headerDefects.isEmpty)
        #expect(parsed.madeHeaders["From"]?.contains("news@example.com") == true)
    }

    @Test func longDisplayNamesAreFoldedAndDecodeExactly() throws {
        for name in [String(repeating: "测试", count: 40), String(repeating: "Long Name ", count: 12) + "End"] {
            let address = try MailAddress(email: "news@example.com", displayName: name)
            let field = MIMEMessage.addressField("From", address)
            #expect(MessageInspection.lines(Array(field.utf8)).allSatisfy { $0.count <= 78 })
            let parsed = try PythonEmail.parseHeaders(field)
            #expect(parsed.headerDefects.isEmpty)
            #expect(parsed.madeHeaders["From"] == "\(name) <news@example.com>")
        }
    }

    /// The one-pass check of plain ASCII addresses agrees with the full rules: the same address, or the same
    /// refusal (it declines and the rules decide), for valid, invalid and borderline addresses.
    @Test(arguments: [
        "reader@example.com", "Reader.Name+tag@Mail.EXAMPLE.org", "a@b.example.net", "x@xn--0zwm56d.example.org",
        "x@XN--0ZWM56D.example.org", "x@xn--bad.example.org", "x@a-b.example.com", "x@-ab.example.com",
        "x@ab-.example.com", "x@example", "x@.example.com", "x@example.com.", "x@example..com", ".x@example.com",
        "x.@example.com", "x..y@example.com", "x y@example.com", "x@exa_mple.com", "x@例子.example.com",
        "读者@example.com", "x@@example.com", "@example.com", "x@", "o'neil!#$%&*+/=?^_`{|}~@example.com",
        String(repeating: "l", count: 64) + "@example.com", String(repeating: "l", count: 65) + "@example.com",
        "x@" + String(repeating: "d", count: 63) + ".example.com", "x@" + String(repeating: "d", count: 64) + ".com",
        "x@" + Array(repeating: String(repeating: "d", count: 60), count: 5).joined(separator: ".") + ".com",
        "x@a.b", "x@1.2.3.4", "x\r\n@example.com", "x@example.com\r\nBcc: y@example.com",
    ])
    func plainASCIIShortcutAgreesWithTheFullRules(address: String) {
        let full = Result { try MailAddress.validate(address, shortcut: false) }
        let fast = Result { try MailAddress.validate(address) }
        switch (full, fast) {
        case (.success(let expected), .success(let got)): #expect(got == expected)
        case (.failure(let expected), .failure(let got)): #expect("\(got)" == "\(expected)")
        default: Issue.record("full rules: \(full), shortcut: \(fast)")
        }
    }

    /// The atext symbols (RFC 5322 §3.2.3) as a switch are the listed ones, byte for byte.
    @Test func atextSymbolsAreTheRFCsList() {
        let listed = Set("!#$%&'*+-/=?^_`{|}~".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(MessageIDSyntax.isAtextSymbol(byte) == listed.contains(byte), "\(byte)")
        }
    }
}
