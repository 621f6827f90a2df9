import Testing

@testable import NewsletterKit

struct ListIDTests {
    @Test(
        arguments: [
            ("党建周报", "List-Id: =?UTF-8?B?5YWa5bu65ZGo5oql?= <weekly.news.example.com>\r\n"),
            ("Weekly News", "List-Id: \"Weekly News\" <weekly.news.example.com>\r\n"),
            (nil, "List-Id: <weekly.news.example.com>\r\n"),
        ] as [(String?, String)])
    func headerField(name: String?, expected: String) throws {
        let field = try ListID(name: name, id: "weekly.news.example.com").headerField
        #expect(field == expected)
        let parsed = try PythonEmail.parseHeaders(field)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.headerDefects.isEmpty)
        #expect(parsed.madeHeaders["List-Id"]?.hasSuffix("<weekly.news.example.com>") == true)
        if let name, name.unicodeScalars.contains(where: { !$0.isASCII }) {
            #expect(parsed.madeHeaders["List-Id"] == "\(name) <weekly.news.example.com>")
        }
    }

    @Test(arguments: [
        "", "nodot", "has space.example.com", "a..b.example.com", "<weekly.example.com>", "测试.example.com",
    ])
    func rejectsInvalidIDs(id: String) {
        #expect(throws: MIMEError.self) { try ListID(name: "x", id: id) }
    }
}
