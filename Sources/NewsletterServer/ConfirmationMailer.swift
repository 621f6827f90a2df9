import Foundation
import NewsletterKit

/// Mails the double opt-in confirmation link through the newsletter's own SMTP settings: the same
/// ``CurlSMTPTransport`` (relay, STARTTLS, login, CA file), envelope sender and From as the digest.
struct ConfirmationMailer: Sendable {
    let config: NewsletterConfig
    let transport: any MailTransport
    let pages: ServerPages

    /// Builds and sends one confirmation message.
    ///
    /// Blocking (libcurl): call it off the cooperative pool.
    /// - Returns: the server's reply to the end of DATA.
    /// - Throws: ``ServerError`` with the SMTP reply when the message was not accepted; a ``MIMEError``
    ///   or ``MailAddressError`` when the message cannot be built.
    func send(to email: String, link: String, now: Date = Date()) throws -> String {
        let text = pages.confirmationMail(email: email, link: link)
        let escapedLink = Self.escape(link)
        let html =
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"></head>\n<body>\n"
            + "<pre style=\"white-space:pre-wrap;font-family:sans-serif\">"
            + Self.escape(text).replacingOccurrences(
                of: escapedLink, with: "<a href=\"\(escapedLink)\">\(escapedLink)</a>")
            + "</pre>\n</body>\n</html>\n"
        let domain = config.from.email.split(separator: "@").last.map(String.init) ?? "localhost"
        let message = try MIMEMessage(
            from: config.from, to: try MailAddress(email: email), replyTo: config.replyTo,
            subject: "请确认订阅《\(config.title)》 · Please confirm your subscription", date: now,
            timeZone: config.timeZone, messageID: MIMEMessage.makeMessageID(domain: domain),
            textBody: text, htmlBody: html,
            extraHeaders: [(name: "Auto-Submitted", value: "auto-generated")])
        let session = try transport.makeSession()
        let outcome = session.send(envelopeSender: config.envelopeSender, recipient: email, message: message.bytes())
        guard case .accepted(let reply) = outcome else {
            throw ServerError("the confirmation mail was not accepted: \(outcome.reply)")
        }
        return reply
    }

    /// HTML-escapes `&`, `<`, `>` and `"`.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
