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
        let loader = TemplateLoader(
            directory: directory, vocabulary: TemplateVocabulary.serverVariables, provider: "no serve page",
            missingLevel: .info)
        do {
            unsubscribe = try loader.load(
                "unsubscribe.html.mustache", builtIn: ServerTemplates.unsubscribe, logger: logger)
            subscribe = try loader.load("subscribe.html.mustache", builtIn: ServerTemplates.subscribe, logger: logger)
            confirmationText = try loader.load(
                "confirm-subscription.txt.mustache", builtIn: ServerTemplates.confirmationText, logger: logger)
        } catch {
            throw ServerError("\(error)")
        }
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
}
