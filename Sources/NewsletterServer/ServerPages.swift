import Foundation
import Logging
import Mustache
import NewsletterKit

/// The pages of `newsletter serve`, rendered from Mustache templates the operator can edit
/// (`Templates/unsubscribe.html.mustache`, `Templates/subscribe.html.mustache` beside the
/// configuration), falling back to the built-in copies.
///
/// Values are HTML-escaped by Mustache.
struct ServerPages: Sendable {
    private let unsubscribe: MustacheTemplate
    private let subscribe: MustacheTemplate
    private let confirmationText: MustacheTemplate
    let title: String

    /// The states of the unsubscribe page; each is a section of the template.
    enum UnsubscribeState: String {
        case ask, done, invalid
    }

    /// The states of the subscribe page (the form, and the pages of the confirmation link).
    enum SubscribeState: String {
        case form, sent, confirm, confirmed, invalid, limited, unavailable
    }

    /// Loads the templates.
    /// - Throws: ``ServerError`` naming the template file and line when one does not parse.
    init(directory: URL?, title: String, logger: Logger) throws {
        self.title = title
        unsubscribe = try Self.load(
            "unsubscribe.html.mustache", from: directory, default: ServerTemplates.unsubscribe, logger: logger)
        subscribe = try Self.load(
            "subscribe.html.mustache", from: directory, default: ServerTemplates.subscribe, logger: logger)
        confirmationText = try Self.load(
            "confirm-subscription.txt.mustache", from: directory, default: ServerTemplates.confirmationText,
            logger: logger)
    }

    func unsubscribePage(_ state: UnsubscribeState, email: String = "", action: String = "") -> String {
        unsubscribe.render([state.rawValue: true, "title": title, "email": email, "action": action])
    }

    func subscribePage(_ state: SubscribeState, email: String = "", action: String = "", error: String? = nil)
        -> String
    {
        var values: [String: Any] = [state.rawValue: true, "title": title, "email": email, "action": action]
        if let error { values["error"] = error }
        return subscribe.render(values)
    }

    /// The plain-text body of the confirmation mail.
    func confirmationMail(email: String, link: String) -> String {
        confirmationText.render(["title": title, "email": email, "link": link])
    }

    private static func load(_ name: String, from directory: URL?, default fallback: String, logger: Logger) throws
        -> MustacheTemplate
    {
        var source = fallback
        var file = "built-in \(name)"
        if let directory {
            let url = directory.appendingPathComponent(name)
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                source = text
                file = url.path
            } else {
                logger.info("template \(url.path) is missing; using the built-in one")
            }
        }
        do {
            return try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            throw ServerError(
                "\(file):\(error.context.lineNumber): \(error.error) near '\(error.context.line.trimmingCharacters(in: .whitespaces))'"
            )
        } catch {
            throw ServerError("\(file): \(error)")
        }
    }
}
