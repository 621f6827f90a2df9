import Foundation

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
        return SubscriberTokens.constantTimeEqual(key, token) ? position : nil
    }

    /// The subscriber whose token is `token`, or `nil`.
    public func subscriber(withToken token: String) -> Subscriber? {
        index(of: token).map { subscribers[$0] }
    }

    /// The number of rows indexed.
    public var count: Int { subscribers.count }
}
