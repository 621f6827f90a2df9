import Foundation
import Testing

@testable import NewsletterKit

/// The mail data after 354: dot-stuffed, CRLF everywhere, ended by CRLF `.` CRLF (RFC 5321 §4.5.2).
struct DotStuffingTests {
    @Test(arguments: [
        ("a\r\nb\r\n", "a\r\nb\r\n.\r\n"),
        // A line that starts with a dot gets another; dots elsewhere stay.
        (".a\r\nb.c\r\n..d\r\n", "..a\r\nb.c\r\n...d\r\n.\r\n"),
        // A line that is only a dot (the terminator, if sent as it is), first, in the middle and last.
        (".\r\nx\r\n.\r\n", "..\r\nx\r\n..\r\n.\r\n"),
        // No line end at the end: CRLF added before the terminator.
        ("a\r\nlast", "a\r\nlast\r\n.\r\n"),
        ("a\r\n.", "a\r\n..\r\n.\r\n"),
        // Bare LF and bare CR become CRLF, and start a line for stuffing too.
        ("a\n.b\rc\r\r\n", "a\r\n..b\r\nc\r\n\r\n.\r\n"),
        ("a\n\n.\n", "a\r\n\r\n..\r\n.\r\n"),
        // Empty message: the terminator alone.
        ("", ".\r\n"),
        ("\r\n", "\r\n.\r\n"),
    ])
    func encodes(message: String, wire: String) {
        #expect(String(decoding: DotStuffing.encode(Array(message.utf8)), as: UTF8.self) == wire)
    }

    /// Removing the stuffing as a server does (RFC 5321 §4.5.2) gives back the message.
    @Test func serverSideUnstuffingRestoresTheMessage() {
        var message = ""
        for line in 0..<500 { message += String(repeating: ".", count: line % 4) + "line \(line) 正文\r\n" }
        let wire = DotStuffing.encode(Array(message.utf8))
        var lines = String(decoding: wire, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.suffix(2) == [".", ""])
        lines.removeLast(2)
        let restored = lines.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }.map { $0 + "\r\n" }.joined()
        #expect(restored == message)
    }

    /// Random messages: parts to draw from, and at most how many parts.
    static let mixes: [(pool: [[UInt8]], maxParts: Int)] = [
        ([[0x61], [0x2E], [0x0D], [0x0A], [0x0D, 0x0A], Array("测".utf8)], 10),
        (Array(repeating: [0x61], count: 12) + [[0x2E], [0x0D], [0x0A], [0x0D, 0x0A], [0x0D, 0x0A, 0x2E]], 80),
    ]

    /// The one-scan shortcut for messages that need no stuffing gives the line-by-line result, on random
    /// messages of dots, CR, LF and text: short ones of every mix, and long lines where the shortcut reads eight
    /// bytes at a time (a CR, LF or dot at every offset of a word).
    @Test(arguments: Self.mixes)
    func shortcutEqualsLineByLine(pool: [[UInt8]], maxParts: Int) {
        var generator = SystemRandomNumberGenerator()
        var shortcuts = 0
        for _ in 0..<20000 {
            let message = (0..<Int.random(in: 0...maxParts, using: &generator)).flatMap { _ in
                pool.randomElement(using: &generator)!
            }
            if DotStuffing.alreadyTransparent(message) != nil { shortcuts += 1 }
            #expect(DotStuffing.encode(message) == DotStuffing.stuffed(message), "\(message)")
        }
        #expect(shortcuts > 100)
    }
}
