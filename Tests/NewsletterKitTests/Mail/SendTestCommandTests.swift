import Foundation
import Testing

/// `newsletter send --test ADDRESS` through the built executable, with the fixture site and aiosmtpd.
///
/// The site is served over HTTP and aiosmtpd listens on 127.0.0.1. The test message is the one a subscriber would get, sent to one address; nothing is
/// frozen, recorded or marked, so the real `send` afterwards still sends the digest to everyone.
@Suite(.serialized)
struct SendTestCommandTests {
    /// The parts with every unsubscribe token replaced, so that two recipients' copies compare equal.
    static func withoutToken(_ text: String?) -> String? {
        text?.replacing(/t=[0-9A-Za-z]+/, with: "t=TOKEN").replacing(
            /unsubscribe-weekly-[0-9A-Za-z]+/, with: "unsubscribe-weekly-TOKEN")
    }

    @Test func testSendGoesToOneAddressAndMarksNothing() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try WeeklyDigestEndToEndTests.writeConfig(in: folder, http: http, smtpPort: smtp.port)
        let now = "2019-06-01T08:00:00+08:00"

        let test = try newsletter(["send", "--config", config.path, "--now", now, "--test", "probe@example.net"])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("probe@example.net"))
        #expect(try smtp.acceptedRecipients() == ["probe@example.net"])
        let testFiles = try smtp.messages()
        #expect(testFiles.count == 1)
        let testMessage = try #require(try ParsedMessage.parse(testFiles).first)
        // No one-click header for the test address: its token is not a subscriber's.
        try WeeklyDigestEndToEndTests.checkWellFormed(testMessage, oneClick: false)
        #expect(testMessage.to == "probe@example.net")
        #expect(testMessage.subject == "党建周报 2019-06-01")
        #expect(testMessage.part("text/plain")?.contains("坚决扛起提高机关党建质量的领导责任") == true)

        // A second test send is possible: nothing was frozen.
        let again = try newsletter(["send", "--config", config.path, "--now", now, "--test", "probe@example.net"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try smtp.messages().count == 2)

        // The real send still has the article and sends it to every subscriber.
        let send = try newsletter(["send", "--config", config.path, "--now", now])
        #expect(send.status == 0, "\(send.stdout)\(send.stderr)")
        #expect(send.stdout.contains("1 article(s)"))
        let real = Array(try smtp.messages().dropFirst(2))
        #expect(real.count == WeeklyDigestEndToEndTests.subscribers.count)
        #expect(Set(try smtp.acceptedRecipients().dropFirst(2)) == Set(WeeklyDigestEndToEndTests.subscribers.keys))
        // The same message as a subscriber's (one without a display name), but for the per-recipient fields.
        let parsed = try ParsedMessage.parse(real)
        let editor = try #require(parsed.first { $0.to == "editor@example.org" })
        #expect(editor.subject == testMessage.subject)
        #expect(Self.withoutToken(editor.part("text/plain")) == Self.withoutToken(testMessage.part("text/plain")))
        #expect(Self.withoutToken(editor.part("text/html")) == Self.withoutToken(testMessage.part("text/html")))
        #expect(editor.messageID != testMessage.messageID)

        // And only once: the digest went out, nothing is new.
        let third = try newsletter(["send", "--config", config.path, "--now", "2019-06-01T09:00:00+08:00"])
        #expect(third.status == 0)
        #expect(third.stdout.contains("nothing new"))
        #expect(try smtp.messages().count == 2 + WeeklyDigestEndToEndTests.subscribers.count)

        // A test send after the issue went out sends that issue again, to the test address only.
        let after = try newsletter([
            "send", "--config", config.path, "--now", "2019-06-01T09:30:00+08:00", "--test", "probe@example.net",
        ])
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        #expect(after.stdout.contains("nothing new since the last issue: sending it again (党建周报 2019-06-01)"))
        let files = try smtp.messages()
        #expect(files.count == 3 + WeeklyDigestEndToEndTests.subscribers.count)
        let lastFile = try #require(files.last)
        let resent = try #require(try ParsedMessage.parse([lastFile]).first)
        #expect(resent.to == "probe@example.net" && resent.subject == "党建周报 2019-06-01")
        #expect(Self.withoutToken(resent.part("text/plain")) == Self.withoutToken(testMessage.part("text/plain")))
    }

    @Test func testSendBeforeAnyIssueWithNothingNewSaysSo() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try WeeklyDigestEndToEndTests.writeConfig(in: folder, http: http, smtpPort: smtp.port)
        // Two years later nothing on the site is inside the lookback window.
        let result = try newsletter([
            "send", "--config", config.path, "--now", "2021-06-01T08:00:00+08:00", "--test", "probe@example.net",
        ])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("nothing new and no issue has gone out yet"), "\(result.stderr)")
        #expect(try smtp.messages().isEmpty)
    }

    @Test func testSendToAnInvalidAddressFailsWithoutSending() throws {
        let folder = try TemporaryFolder()
        let http = try HTTPTestServer(folder: folder, root: WeeklyDigestEndToEndTests.snapshot("2019-06-01"))
        let smtp = try SMTPTestServer(folder: folder)
        let config = try WeeklyDigestEndToEndTests.writeConfig(in: folder, http: http, smtpPort: smtp.port)
        let result = try newsletter([
            "send", "--config", config.path, "--now", "2019-06-01T08:00:00+08:00", "--test", "not an address",
        ])
        #expect(result.status != 0)
        #expect(try smtp.messages().isEmpty)
    }
}
