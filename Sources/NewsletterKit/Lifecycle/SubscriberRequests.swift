public import Foundation

/// A change to the subscriber list asked for from outside the CLI: an unsubscribe link or
/// one-click POST, the subscribe form or a confirmation link (`newsletter serve`), an unsubscribe mail
/// or a bounce (`newsletter mailbox`).
public enum SubscriberRequest: Sendable, Hashable {
    /// The owner of the unsubscribe token leaves the list (status `unsubscribed`; the row is kept).
    case unsubscribe(token: String)
    /// The address is disabled after a hard bounce or too many soft bounces (status `bounced`).
    case markBounced(email: String)
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
        case .markBounced(let email):
            guard let index = list.index(of: email) else { return (.unknown, false) }
            let stored = list.subscribers[index].email
            // An unsubscribed reader is not re-labelled as bounced.
            let change = list.markBounced(email: stored)
            return change?.changed == true ? (.changed(email: stored), true) : (.unchanged(email: stored), false)
        }
    }
}

/// Finds a subscriber by unsubscribe token.
///
/// Every row's mailed token (``Subscriber/token``) is indexed, and for rows that also have a stored
/// token the derived one (``SubscriberTokens``) too, so both are accepted. Tokens are looked up by hash,
/// then compared in constant time, so a forged token learns nothing from timing beyond the hash bucket.
public struct TokenIndex: Sendable {
    private var positions: [String: Int] = [:]
    private var subscribers: [Subscriber]
    private let tokens: SubscriberTokens?
    /// ``SubscriberList/removedRows`` of the list indexed.
    private var removedRows: Int

    /// Indexes the tokens of `list` (the first row wins if two share a token).
    /// - Complexity: O(*n*) HMAC computations.
    public init(_ list: SubscriberList) {
        subscribers = list.subscribers
        tokens = list.tokens
        removedRows = list.removedRows
        positions.reserveCapacity(list.subscribers.count)
        index(list.subscribers.indices)
    }

    private mutating func index(_ range: Range<Int>) {
        for position in range {
            let subscriber = subscribers[position]
            var found = [subscriber.token]
            if subscriber.hasUsableStoredToken, let derived = tokens?.token(for: subscriber.email) {
                found.append(derived)
            }
            for token in found where !token.isEmpty && positions[token] == nil { positions[token] = position }
        }
    }

    /// The index for `list`, an edited copy of the list this index was built for: rows whose status
    /// or name changed keep their tokens, appended rows are indexed, and after a removal the whole list is
    /// indexed again.
    /// - Complexity: O(*k*) HMACs for *k* appended rows; O(*n*) after a removal.
    public func following(_ list: SubscriberList) -> TokenIndex {
        guard list.removedRows == removedRows, list.subscribers.count >= subscribers.count,
            list.tokens != nil || tokens == nil
        else { return TokenIndex(list) }
        var next = self
        let start = subscribers.count
        next.subscribers = list.subscribers
        next.index(start..<list.subscribers.count)
        return next
    }

    /// The row whose token is `token`, or `nil`.
    public func index(of token: String) -> Int? {
        guard let entry = positions.index(forKey: token) else { return nil }
        let (key, position) = positions[entry]
        return Self.constantTimeEqual(Array(key.utf8), Array(token.utf8)) ? position : nil
    }

    /// The subscriber whose token is `token`, or `nil`.
    public func subscriber(withToken token: String) -> Subscriber? {
        index(of: token).map { subscribers[$0] }
    }

    /// The number of rows indexed.
    public var count: Int { subscribers.count }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
