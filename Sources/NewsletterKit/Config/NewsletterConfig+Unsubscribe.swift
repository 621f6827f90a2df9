import Foundation

extension NewsletterConfig {
    /// Refuses to send bulk mail that offers no way out.
    ///
    /// Every digest must carry `List-Unsubscribe` (RFC 2369 §3.2) with a link that works; the large mailbox
    /// providers filter bulk mail without one (and, since 2024, without RFC 8058 one-click).
    /// - Throws: ``ConfigError`` naming `unsubscribe_url` and `unsubscribe_mailto` when neither is set.
    public func requireUnsubscribeMethod() throws {
        guard unsubscribeURL == nil, unsubscribeMailto == nil else { return }
        throw ConfigError(
            file: file.path, line: nil, key: "unsubscribe_url",
            reason:
                "neither unsubscribe_url nor unsubscribe_mailto is set: refusing to send bulk mail without a way to unsubscribe; set unsubscribe_url (e.g. the page `newsletter serve` provides, with {{token}}) and/or unsubscribe_mailto (a mailbox `newsletter mailbox` reads)"
        )
    }
}
