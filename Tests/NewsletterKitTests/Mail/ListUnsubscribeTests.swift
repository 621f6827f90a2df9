import Foundation
import Testing

@testable import NewsletterKit

struct ListUnsubscribeTests {
    static func url(_ string: String) throws -> URL {
        try #require(URL(string: string))
    }

    static func unsubscribe(token: String, oneClick: Bool = true) throws -> ListUnsubscribe {
        try ListUnsubscribe(
            https: try url("https://news.example.com/u?l=weekly&t=\(token)"),
            mailto: try url("mailto:unsubscribe@news.example.com?subject=unsubscribe-weekly-\(token)"),
            oneClick: oneClick
        )
    }

    // Case 20: byte-exact headers for subscriber 1.
    @Test func case20HeadersAreByteExact() throws {
        let fields = try Self.unsubscribe(token: "9f8e7d6c").headerFields
        #expect(
            fields == "List-Unsubscribe: <https://news.example.com/u?l=weekly&t=9f8e7d6c>,\r\n"
                + " <mailto:unsubscribe@news.example.com?subject=unsubscribe-weekly-9f8e7d6c>\r\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        )
        let parsed = try PythonEmail.parseHeaders(fields)
        #expect(parsed.defects.isEmpty)
        #expect(
            parsed.headers["List-Unsubscribe"] == [
                "<https://news.example.com/u?l=weekly&t=9f8e7d6c>, "
                    + "<mailto:unsubscribe@news.example.com?subject=unsubscribe-weekly-9f8e7d6c>"
            ]
        )
        #expect(parsed.headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"])
    }

    @Test func case20NoTokenLeaksIntoAnotherSubscribersMessage() throws {
        let first = try Self.unsubscribe(token: "9f8e7d6c").headerFields
        let second = try Self.unsubscribe(token: "1a2b3c4d").headerFields
        #expect(second.contains("1a2b3c4d") && !second.contains("9f8e7d6c"))
        #expect(first.contains("9f8e7d6c") && !first.contains("1a2b3c4d"))
    }

    @Test func postHeaderNeedsHTTPSAndOneClick() throws {
        #expect(!(try Self.unsubscribe(token: "9f8e7d6c", oneClick: false).headerFields.contains("Post")))
        let mailtoOnly = try ListUnsubscribe(
            mailto: try Self.url("mailto:unsubscribe@news.example.com?subject=x"),
            oneClick: true
        )
        #expect(!mailtoOnly.advertisesOneClick)
        #expect(mailtoOnly.headerFields == "List-Unsubscribe: <mailto:unsubscribe@news.example.com?subject=x>\r\n")
    }

    @Test func longURLIsNeverCutInside() throws {
        let long = "https://news.example.com/u?t=" + String(repeating: "a", count: 200)
        let fields = try ListUnsubscribe(https: try Self.url(long), oneClick: true).headerFields
        #expect(fields.hasPrefix("List-Unsubscribe: <\(long)>\r\n"))
    }

    @Test(arguments: [
        "javascript://news.example.com/u",
        "https://news.example.com/u?a=1,2",
        "ftp://news.example.com/u",
        "mailto:u@news.example.com",
        "https://news.example.com/" + String(repeating: "a", count: 900),
    ])
    func rejectsBadHTTPSURLs(url: String) throws {
        let parsedURL = try Self.url(url)
        let error = try #require(throws: MIMEError.self) { try ListUnsubscribe(https: parsedURL) }
        #expect(error.code == .invalidUnsubscribeURL)
        #expect(!error.description.contains("news.example.com"))
    }

    @Test func needsAtLeastOneURL() {
        #expect(throws: MIMEError.self) { try ListUnsubscribe(https: nil, mailto: nil, oneClick: true) }
    }

    @Test func plainHTTPIsListedButNeverOneClick() throws {
        let http = try ListUnsubscribe(https: try Self.url("http://127.0.0.1:8080/u?t=9f8e7d6c"), oneClick: true)
        #expect(!http.advertisesOneClick)
        #expect(http.headerFields == "List-Unsubscribe: <http://127.0.0.1:8080/u?t=9f8e7d6c>\r\n")
    }
}
