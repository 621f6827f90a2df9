import Foundation
import Testing

@testable import NewsletterKit

struct TransferEncodingTests {
    // Case 13: base64 when more than 20 % of the characters are non-ASCII.
    @Test(arguments: [
        ("<p>" + String(repeating: "测", count: 400) + "</p>", TransferEncoding.base64),
        (String(repeating: "a", count: 80) + String(repeating: "测", count: 20), .quotedPrintable),
        (String(repeating: "a", count: 79) + String(repeating: "测", count: 21), .base64),
        ("plain ASCII text", .quotedPrintable),
        ("", .quotedPrintable),
    ])
    func choice(text: String, expected: TransferEncoding) {
        #expect(TransferEncoding.preferred(for: text) == expected)
    }

    @Test func base64IsSmallerForCJK() {
        let text = String(repeating: "测", count: 1000)
        let base64 = TransferEncoding.base64.encode(text)
        let qp = TransferEncoding.quotedPrintable.encode(text)
        #expect(base64.utf8.count < qp.utf8.count / 2)
    }

    @Test(arguments: ["", "a", "ab", "abc", "测试\n第二行\r\n第三行\r", String(repeating: "测", count: 500)])
    func base64BodyWrapsAt76AndRoundTrips(text: String) throws {
        let encoded = Base64Body.encodeBody(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.last.map { $0.count <= 76 } == true)
        let decoded = try #require(Data(base64Encoded: lines.joined()))
        #expect(Array(decoded) == Array(LineEnding.normalizedToCRLF(text).utf8))
    }

    @Test func base64MatchesFoundation() {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 200) }
            #expect(Base64Body.encode(bytes) == Data(bytes).base64EncodedString())
        }
    }

    // Case 13: the size the renderer budgets is the size in the message.
    @Test func transmittedSizeMatchesTheMessage() throws {
        let html = "<p>" + String(repeating: "测", count: 3000) + "</p>"
        let message = try MIMEMessageTests.message(html: html)
        let output = MIMEMessageTests.string(message)
        let marker = "Content-Transfer-Encoding: base64\r\n\r\n"
        let start = try #require(output.range(of: marker)).upperBound
        let end = try #require(output.range(of: "\r\n--=_NL_golden--", range: start..<output.endIndex)).lowerBound
        #expect(output[start..<end].utf8.count == TransferEncoding.transmittedSize(of: html))
        #expect(TransferEncoding.transmittedSize(of: html) == 12_328)  // 9,007 bytes → 12,012 base64 + 158 CRLF
    }
}
