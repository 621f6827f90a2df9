public import Foundation

/// A change to the subscriber list asked for from outside the CLI: an unsubscribe link or
/// one-click POST, the subscribe form or a confirmation link (`newsletter serve`), an unsubscribe mail
/// or a bounce (`newsletter mailbox`).
public enum SubscriberRequest: Sendable, Hashable {
    /// The owner of the unsubscribe token leaves the list (status `unsubscribed`; the row is kept).
    case unsubscribe(token: String)
    /// The address is disabled after a hard bounce or too many soft bounces (status `bounced`).
    case markBounced(email: String)
    /// The address's owner reported a digest as spam (an RFC 5965 feedback report matched to our message): they
    /// leave the list (status `unsubscribed`), as if they had used the link.
    case complaint(email: String)
    /// The subscribe form (double opt-in): a new address, or one that had unsubscribed or bounced,
    /// becomes `pending` and gets no digest until confirmed (``SubscriberList/addPending(email:name:today:)``).
    /// `today` is the `added` date of a new row (ISO 8601 date).
    case subscribe(email: String, name: String?, today: String)
    /// The confirmation link: the `pending` row whose unexpired confirmation token this is becomes
    /// `active` (``SubscriberList/confirm(token:now:)``).
    case confirm(token: String, now: Date)
}

/// What applying one ``SubscriberRequest`` did.
public enum SubscriberRequestOutcome: Sendable, Hashable {
    /// The row of `email` changed.
    case changed(email: String)
    /// The row of `email` was already in the requested state (e.g. a second click, or a subscribe
    /// form for an active address); nothing changed.
    case unchanged(email: String)
    /// (Subscribe only.) The row of `email` is `pending` (new, re-subscribing, or already pending): mail
    /// it the confirmation link.
    case pending(email: String)
    /// No row matches the token or address (or the address is invalid); nothing changed.
    case unknown
}

/// Applies ``SubscriberRequest``s to a subscriber list under its `FILE.lock` with one atomic write: the
/// same lock and write as the CLI and `send`, so concurrent changes are applied one after the other and
/// none is lost.
///
/// This is the one place where the server and the mailbox reader touch the list; it follows the
/// list's token design (see ``SubscriberList``).
public enum SubscriberRequests: Sendable {
    /// Applies every request under one lock and writes the list once (nothing is written when no
    /// row changed).
    ///
    /// - Parameters:
    ///   - requests: the subscribe, confirm and unsubscribe requests, applied in order.
    ///   - file: the subscriber list to change; its lock is `FILE.lock`.
    ///   - tokens: the list's tokens (``SubscriberTokens/init(config:environment:)``).
    /// - Complexity: O(*n* + *m*) for *n* rows and *m* requests.
    /// - Returns: one outcome per request, in order.
    /// - Throws: ``SubscriberError`` or a file error naming the path.
    public static func apply(_ requests: [SubscriberRequest], to file: URL, tokens: SubscriberTokens?) throws
        -> [SubscriberRequestOutcome]
    {
        try apply(requests, cache: SubscriberListCache(file: file, tokens: tokens))
    }

    /// Applies every request under one lock and one atomic write, starting from the cached list when the
    /// file has not changed since the cache last read or wrote it (a server's batches of clicks).
    ///
    /// - Complexity: O(*m*) for *m* requests when the file is unchanged (plus the write, O(*n*)).
    /// - Returns: one outcome per request, in order.
    /// - Throws: ``SubscriberError`` or a file error naming the path.
    public static func apply(_ requests: [SubscriberRequest], cache: SubscriberListCache) throws
        -> [SubscriberRequestOutcome]
    {
        guard !requests.isEmpty else { return [] }
        // A missing list reads as empty: every token would be unknown and a new row would start a new file.
        guard FileManager.default.fileExists(atPath: cache.file.path) else {
            throw SubscriberError(
                file: cache.file.path,
                reason:
                    "no such subscriber list: nothing changed (links, forms and mail change an existing list only)")
        }
        return try cache.modify { list, index in
            var changed = false
            let outcomes = apply(requests, in: &list, index: index, changed: &changed)
            return (outcomes, changed)
        }
    }

    /// Applies the requests to a list in memory.
    static func apply(_ requests: [SubscriberRequest], in list: inout SubscriberList) -> [SubscriberRequestOutcome] {
        var changed = false
        return apply(requests, in: &list, index: TokenIndex(list), changed: &changed)
    }

    /// Applies the requests to a list in memory, finding unsubscribe tokens in `index` (built for `list`'s
    /// rows); sets `changed` when a row changed.
    static func apply(
        _ requests: [SubscriberRequest], in list: inout SubscriberList, index byToken: TokenIndex, changed: inout Bool
    ) -> [SubscriberRequestOutcome] {
        requests.map { request in
            let outcome = apply(request, in: &list, index: byToken)
            if outcome.changed { changed = true }
            return outcome.outcome
        }
    }

    private static func apply(_ request: SubscriberRequest, in list: inout SubscriberList, index byToken: TokenIndex)
        -> (outcome: SubscriberRequestOutcome, changed: Bool)
    {
        switch request {
        case .subscribe(let email, let name, let today):
            guard let outcome = try? list.addPending(email: email, name: name, today: today),
                let stored = list.subscriber(email)?.email
            else { return (.unknown, false) }
            switch outcome {
            case .pending: return (.pending(email: stored), true)
            case .alreadyPending: return (.pending(email: stored), false)
            case .alreadyActive: return (.unchanged(email: stored), false)
            }
        case .confirm(let token, let now):
            guard let change = list.confirm(token: token, now: now) else { return (.unknown, false) }
            return (.changed(email: change.subscriber.email), true)
        case .unsubscribe(let token):
            // Positions from an index built before rows were removed would be wrong: the index follows
            // the list (``TokenIndex/following(_:)``), and requests here never remove rows.
            guard let index = byToken.index(of: token), index < list.subscribers.count else { return (.unknown, false) }
            let email = list.subscribers[index].email
            // A bounced reader who clicks the link is recorded as unsubscribed (their own wish wins).
            let change = list.unsubscribe(email: email)
            return change?.changed == true ? (.changed(email: email), true) : (.unchanged(email: email), false)
        case .complaint(let email):
            guard let index = list.index(of: email) else { return (.unknown, false) }
            let stored = list.subscribers[index].email
            let change = list.unsubscribe(email: stored)
            return change?.changed == true ? (.changed(email: stored), true) : (.unchanged(email: stored), false)
        case .markBounced(let email):
            guard let index = list.index(of: email) else { return (.unknown, false) }
            let stored = list.subscribers[index].email
            // An unsubscribed reader is not re-labelled as bounced.
            let change = list.markBounced(email: stored)
            return change?.changed == true ? (.changed(email: stored), true) : (.unchanged(email: stored), false)
        }
    }
}
