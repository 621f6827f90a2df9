import Foundation
import NewsletterKit

/// A sliding-window limit per key (a client, an address): at most ``limit`` events per ``window``.
///
/// Memory is bounded: when the table grows past ``maxKeys`` keys, keys whose events have all expired
/// are dropped, then the least recently seen ones.
final class RateLimiter: Sendable {
    /// Events allowed per key within ``window``.
    let limit: Int
    /// The window, in seconds.
    let window: TimeInterval
    let maxKeys: Int
    private let events = LockedValue<[String: [Date]]>([:])

    init(limit: Int, window: TimeInterval, maxKeys: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.maxKeys = maxKeys
    }

    /// Records an event for `key` at `now` and says whether it is within the limit (an event over
    /// the limit is not recorded, so a client that keeps trying is let in again once its old events
    /// have left the window).
    /// - Complexity: O(``limit``) amortised; O(*k* log *k*) for *k* keys when the table is pruned.
    func allow(_ key: String, now: Date = Date()) -> Bool {
        events.withLock { table in
            let since = now.addingTimeInterval(-window)
            var recent = (table[key] ?? []).filter { $0 > since }
            guard recent.count < limit else {
                table[key] = recent
                return false
            }
            recent.append(now)
            table[key] = recent
            if table.count > maxKeys {
                table = table.filter { $0.value.contains { $0 > since } }
                if table.count > maxKeys {
                    let oldest = table.sorted { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }
                    for (dropped, _) in oldest.prefix(table.count - maxKeys) { table[dropped] = nil }
                }
            }
            return true
        }
    }
}
