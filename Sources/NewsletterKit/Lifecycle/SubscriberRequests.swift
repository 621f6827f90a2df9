public import Foundation

/// A change to the subscriber list asked for from outside the CLI: an unsubscribe link or
/// one-click POST (`newsletter serve`), an unsubscribe mail or a bounce (`newsletter mailbox`).
public enum SubscriberRequest: Sendable, Hashable {
    /// The owner of the unsubscribe token leaves the list (status `unsubscribed`; the row is kept).
    case unsubscribe(token: String)
    /// The address is disabled after a hard bounce or too many soft bounces (status `bounced`).
    case markBounced(email: String)
}

/// What applying one ``SubscriberRequest`` did.
public enum SubscriberRequestOutcome: Sendable, Hashable {
    /// The row of `email` changed.
    case changed(email: String)
    /// The row of `email` was already in the requested state (e.g. a second click); nothing changed.
    case unchanged(email: String)
    /// No row matches the token or address; nothing changed.
    case unknown
}

/// Applies ``SubscriberRequest``s to a subscriber list through ``SubscriberList/modify(_:tokens:_:)``: the
/// same `FILE.lock` and atomic write as the CLI and `send`, so concurrent changes are applied one
/// after the other and none is lost.
///
/// This is the one place where the server and the mailbox reader touch the list; it follows the
/// list's token design (see ``SubscriberList``).
public enum SubscriberRequests {
    /// Applies every request under one lock and writes the list once (nothing is written when no
    /// row changed).
    ///
    /// - Complexity: O(*n* + *m*) for *n* rows and *m* requests.
    /// - Returns: one outcome per request, in order.
    /// - Throws: ``SubscriberError`` or a file error naming the path.
    /// - Parameter tokens: the list's tokens (``SubscriberTokens/init(config:environment:)``).
    public static func apply(_ requests: [SubscriberRequest], to file: URL, tokens: SubscriberTokens?) throws
        -> [SubscriberRequestOutcome]
    {
        guard !requests.isEmpty else { return [] }
        do {
            return try SubscriberList.modify(file, tokens: tokens) { list in
                let outcomes = apply(requests, in: &list)
                if !outcomes.contains(where: { if case .changed = $0 { true } else { false } }) {
                    throw Unchanged(outcomes: outcomes)
                }
                return outcomes
            }
        } catch let unchanged as Unchanged {
            return unchanged.outcomes
        }
    }

    /// Applies the requests to a list in memory.
    static func apply(_ requests: [SubscriberRequest], in list: inout SubscriberList) -> [SubscriberRequestOutcome] {
        let byToken = TokenIndex(list)
        return requests.map { request in
            let index: Int?
            let wanted: Subscriber.Status
            switch request {
            case .unsubscribe(let token):
                index = byToken.index(of: token)
                wanted = .unsubscribed
            case .markBounced(let email):
                index = list.index(of: email)
                wanted = .bounced
            }
            guard let index else { return .unknown }
            let email = list.subscribers[index].email
            // An unsubscribed reader is not re-labelled as bounced, and a bounced one who clicks
            // the link is recorded as unsubscribed (their own wish wins).
            let change = wanted == .bounced ? list.markBounced(email: email) : list.unsubscribe(email: email)
            return change?.changed == true ? .changed(email: email) : .unchanged(email: email)
        }
    }

    /// Thrown to leave the file untouched when nothing changed.
    private struct Unchanged: Error {
        let outcomes: [SubscriberRequestOutcome]
    }
}

/// Finds a subscriber by unsubscribe token.
///
/// Every row's mailed token (``Subscriber/token``) is indexed, and for rows that also have a stored
/// token the derived one (``SubscriberTokens``) too, so both are accepted. Tokens are looked up by hash,
/// then compared in constant time, so a forged token learns nothing from timing beyond the hash bucket.
public struct TokenIndex: Sendable {
    private var positions: [String: Int] = [:]
    private let subscribers: [Subscriber]

    /// Indexes the tokens of `list` (the first row wins if two share a token).
    /// - Complexity: O(*n*) HMAC computations.
    public init(_ list: SubscriberList) {
        subscribers = list.subscribers
        for (position, subscriber) in list.subscribers.enumerated() {
            var tokens = [subscriber.token]
            if subscriber.hasUsableStoredToken, let derived = list.tokens?.token(for: subscriber.email) {
                tokens.append(derived)
            }
            for token in tokens where !token.isEmpty && positions[token] == nil { positions[token] = position }
        }
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
