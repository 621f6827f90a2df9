import Foundation
import Testing

@testable import NewsletterKit

/// Real-shaped mailbox messages (Resources/mailbox) sorted into bounces, unsubscribe requests and
/// auto-replies.
struct MailboxClassifierTests {
    static let messageID = "<0f8fad5b-d9cb-469f-a165-70867728950e@news.example.com>"

    static func message(_ name: String, token: String = "1a2b3c4d5e6f7a8b") throws -> [UInt8] {
        let text = String(decoding: try Fixtures.bytes("mailbox/\(name)"), as: UTF8.self)
        return Array(
            text.replacingOccurrences(of: "{{MESSAGE_ID}}", with: messageID)
                .replacingOccurrences(of: "{{TOKEN}}", with: token).utf8)
    }

    @Test(arguments: [
        ("postfix-dsn-hard.eml", "gone@example.net", "5.1.1"),
        ("postfix-dsn-soft.eml", "full@example.net", "4.2.2"),
        ("exim-plain-hard.eml", "exim-gone@example.org", "5.0.0"),
        ("gmail-dsn-hard.eml", "gmail-gone@example.com", "5.1.1"),
        ("gmail-plain-hard.eml", "gmail-old@example.com", "5.1.1"),
    ])
    func bouncesNameTheRecipientStatusAndOurMessageID(file: String, recipient: String, status: String) throws {
        let result = MailboxClassifier.classify(try Self.message(file), unsubscribePrefix: "unsubscribe-weekly-")
        guard case .bounce(let notices, let ids) = result else {
            Issue.record("\(file): \(result)")
            return
        }
        #expect(notices.map(\.recipient) == [recipient])
        #expect(notices.map(\.status) == [status])
        #expect(notices.first?.permanent == status.hasPrefix("5"))
        #expect(ids.first == Self.messageID, "\(file): \(ids)")
    }

    @Test(arguments: [
        ("postfix-delay-warning.eml", MailboxClassification.reportWithoutFailure),
        ("autoreply-rfc3834.eml", .autoReply),
        ("vacation-subject-only.eml", .autoReply),
        ("unsubscribe-subject.eml", .unsubscribe(token: "1a2b3c4d5e6f7a8b")),
        ("unsubscribe-body.eml", .unsubscribe(token: "1a2b3c4d5e6f7a8b")),
    ])
    func otherMessages(file: String, expected: MailboxClassification) throws {
        #expect(
            MailboxClassifier.classify(try Self.message(file), unsubscribePrefix: "unsubscribe-weekly-") == expected)
    }

    @Test func aQuestionFromAReaderIsLeftAlone() throws {
        guard case .unclassifiable(let reason) = MailboxClassifier.classify(try Self.message("human-question.eml"))
        else {
            Issue.record("classified")
            return
        }
        #expect(reason.contains("keep@example.com"))
    }

    /// The reason names the sender and Subject as a person reads them: encoded-words decoded (a new-user trial saw
    /// `Subject: =?UTF-8?B?5ZKo6K+i77ya5aaC5L2V5p+l55yL5b6A5pyf?=`).
    @Test func aLeftAloneMessageIsNamedWithItsHeadersDecoded() {
        let mail = Array(
            ("From: =?UTF-8?B?5bCP5piO?= <xiaoming@example.com>\r\n"
                + "Subject: =?UTF-8?B?5ZKo6K+i77ya5aaC5L2V5p+l55yL5b6A5pyf?=\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n请问往期在哪里看？\r\n").utf8)
        guard case .unclassifiable(let reason) = MailboxClassifier.classify(mail) else {
            Issue.record("classified")
            return
        }
        #expect(reason.hasSuffix("(From: 小明 <xiaoming@example.com>, Subject: 咨询：如何查看往期)"), "\(reason)")
    }

    @Test func aForeignBounceCarriesItsOwnMessageID() throws {
        let result = MailboxClassifier.classify(try Self.message("foreign-bounce.eml"))
        #expect(
            result
                == .bounce(
                    [BounceNotice(recipient: "keep@example.com", status: "5.1.1")],
                    originalMessageIDs: ["<not-ours-0001@example.com>"]))
    }
}
