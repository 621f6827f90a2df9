import Testing

@testable import NewsletterKit

/// Replies however their bytes arrive: pipelined replies in one read, one reply over many reads.
struct SMTPReplyParserTests {
    /// Feeds `bytes` in chunks of `chunk` bytes, collecting every reply as soon as it is complete.
    static func parse(_ text: String, chunk: Int) throws -> [SMTPReply] {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            bytes[offset..<end].withUnsafeBytes { parser.append($0) }
            offset = end
            while let reply = try parser.next() { replies.append(reply) }
        }
        #expect(!parser.hasPartialReply)
        return replies
    }

    static let pipelined =
        "250 2.1.0 OK\r\n550-5.1.1 no such user\r\n550-5.1.1 really\r\n550 5.1.1 gone@example.net\r\n"
        + "554 5.5.1 no valid recipients\r\n"

    @Test(arguments: [1, 2, 3, 7, 15, 1000])
    func pipelinedRepliesSplitAnywhere(chunk: Int) throws {
        let replies = try Self.parse(Self.pipelined, chunk: chunk)
        #expect(
            replies == [
                SMTPReply(code: 250, lines: ["250 2.1.0 OK"]),
                SMTPReply(
                    code: 550, lines: ["550-5.1.1 no such user", "550-5.1.1 really", "550 5.1.1 gone@example.net"]),
                SMTPReply(code: 554, lines: ["554 5.5.1 no valid recipients"]),
            ])
        #expect(replies[1].lastLine == "550 5.1.1 gone@example.net")
    }

    @Test func codeAloneAndBareLFEndALine() throws {
        let replies = try Self.parse("250\r\n354\n221 bye\n", chunk: 100)
        #expect(replies.map(\.code) == [250, 354, 221])
        #expect(replies[1].lines == ["354"])
    }

    @Test func incompleteReplyWaitsForMoreBytes() throws {
        var parser = SMTPReplyParser()
        Array("250-first\r\n250 la".utf8).withUnsafeBytes { parser.append($0) }
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialReply)
        Array("st\r\n".utf8).withUnsafeBytes { parser.append($0) }
        #expect(try parser.next() == SMTPReply(code: 250, lines: ["250-first", "250 last"]))
        #expect(try parser.next() == nil)
    }

    @Test(arguments: [
        "hello\r\n", "25\r\n", "250x\r\n", "650 no such class\r\n", "150 preliminary\r\n", "250-a\r\n251 b\r\n",
        "2 0 ok\r\n",
    ])
    func notAReplyIsAnError(text: String) {
        #expect(throws: SMTPReplyError.self) { _ = try Self.parse(text, chunk: 1000) }
    }

    @Test func endlessReplyIsAnErrorNotUnboundedMemory() {
        let line = "250-" + String(repeating: "x", count: 500) + "\r\n"
        let text = String(repeating: line, count: SMTPReplyParser.maxReplyBytes / line.utf8.count + 2)
        #expect(throws: SMTPReplyError.self) { _ = try Self.parse(text, chunk: 4096) }
        let noLineEnd = String(repeating: "2", count: SMTPReplyParser.maxReplyBytes + 10)
        #expect(throws: SMTPReplyError.self) { _ = try Self.parse(noLineEnd, chunk: 4096) }
    }
}
