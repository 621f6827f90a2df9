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
                .replacingOccurrences(of: "{{MESSAGE_ID_BARE}}", with: String(messageID.dropFirst().dropLast()))
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

    /// Messages quoting a digest's headers unsubscribe nobody.
    ///
    /// From a new-user trial's mailbox: every digest carries its reader's token in `List-Unsubscribe`, and these
    /// messages quote it (a reply pasting the headers, a read receipt, a challenge, an auto-reply with the headers
    /// attached); each unsubscribed its reader. Only the Subject, or a token standing alone in the text of a mail
    /// that asks to unsubscribe, is a request.
    @Test(arguments: [
        ("reply-quoting-headers.eml", nil),
        ("challenge-response-with-headers.eml", nil),
        ("mdn-read-receipt.eml", MailboxClassification.autoReply),
        ("autoreply-german-with-headers.eml", .autoReply),
    ])
    func quotedHeadersUnsubscribeNobody(file: String, expected: MailboxClassification?) throws {
        let result = MailboxClassifier.classify(try Self.message(file), unsubscribePrefix: "unsubscribe-weekly-")
        if let expected {
            #expect(result == expected, "\(file)")
        } else if case .unclassifiable = result {
        } else {
            Issue.record("\(file): \(result)")
        }
    }

    /// More of the trial's mailbox: Outlook's auto-replies in Chinese, German and French; Exim's delay warning (an
    /// auto-reply before); a `relayed` DSN; a provider's unsubscribe button marked `Auto-Submitted: auto-generated`
    /// (dropped as an auto-reply before).
    @Test(arguments: [
        ("autoreply-outlook-zh.eml", MailboxClassification.autoReply),
        ("autoreply-outlook-de.eml", .autoReply),
        ("autoreply-fr.eml", .autoReply),
        ("exim-delay-warning.eml", .reportWithoutFailure),
        ("dsn-relayed.eml", .reportWithoutFailure),
        ("unsubscribe-provider-auto-generated.eml", .unsubscribe(token: "1a2b3c4d5e6f7a8b")),
    ])
    func trialMailboxMessages(file: String, expected: MailboxClassification) throws {
        #expect(
            MailboxClassifier.classify(try Self.message(file), unsubscribePrefix: "unsubscribe-weekly-") == expected,
            "\(file)")
    }

    /// RFC 5965 complaints, with the whole message or only its headers, name our message.
    @Test(arguments: ["arf-full-message.eml", "arf-headers-only.eml"])
    func complaintsNameOurMessage(file: String) throws {
        let result = MailboxClassifier.classify(try Self.message(file), unsubscribePrefix: "unsubscribe-weekly-")
        #expect(result == .complaint(originalMessageIDs: [Self.messageID]), "\(file)")
    }

    /// How bounces count: a full mailbox (5.2.2) is soft; refusals of the sender (Office 365 on a blocklist, Gmail's
    /// unauthenticated mail) are blocked, never held against the address; a Chinese provider's plain bounce (its
    /// Subject encoded) and Gmail's DSN that names our message only in `References` are found and matched.
    @Test(arguments: [
        ("dsn-mailbox-full-5.2.2.eml", BounceSeverity.soft),
        ("o365-dsn-blocklisted.eml", .blocked),
        ("gmail-dsn-unauthenticated.eml", .blocked),
        ("chinese-provider-bounce-inline.eml", .hard),
        ("gmail-dsn-references-only.eml", .hard),
        ("postfix-dsn-hard.eml", .hard),
    ])
    func bounceSeverity(file: String, severity: BounceSeverity) throws {
        let result = MailboxClassifier.classify(try Self.message(file), unsubscribePrefix: "unsubscribe-weekly-")
        guard case .bounce(let notices, let ids) = result else {
            Issue.record("\(file): \(result)")
            return
        }
        #expect(notices.first?.severity == severity, "\(file): \(notices)")
        #expect(ids.contains(Self.messageID), "\(file): \(ids)")
    }

    /// An unspecific status whose words blame the sender counts as blocked; one that names the address does not.
    @Test(arguments: [
        ("5.0.0", "smtp; 554 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org", true),
        ("5.0.0", "smtp; 550 DMARC policy rejection", true),
        ("5.0.0", "smtp; 550 No such user here", false),
        ("5.1.1", "smtp; 550 5.1.1 user unknown (policy)", false),
        ("4.7.0", "smtp; 450 4.7.0 greylisted", true),
        // 5.7.1 for an address that does not exist (a re-trial's Postfix answer) is hard.
        ("5.7.1", "smtp; 550 5.7.1 <q048@example.org>: Recipient address rejected: User unknown", false),
        ("5.7.1", "smtp; 550 5.7.1 No such user here", false),
        // Microsoft's block says "mailbox unavailable" too: still blocked.
        (
            "5.7.1",
            "smtp; 550 5.7.1 Service unavailable, Client host [192.0.2.10] blocked using Spamhaus. Requested action not taken: mailbox unavailable",
            true
        ),
    ])
    func senderBlame(status: String, diagnostic: String, blocked: Bool) {
        let notice = BounceNotice(recipient: "a@example.com", status: status, diagnostic: diagnostic)
        #expect((notice.severity == .blocked) == blocked)
        #expect(notice.permanent == (!blocked && status.hasPrefix("5")))
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
