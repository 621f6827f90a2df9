import Foundation
import NewsletterKit
import Synchronization

/// Applies subscriber changes one batch at a time on a thread of its own: requests that arrive
/// while a batch is being written wait for the next batch, which takes them all under one lock
/// and one atomic write (group commit).
///
/// The list is never written by two threads at once, the
/// cooperative thread pool never blocks on the file lock, and a burst of clicks costs a few writes
/// instead of one each. Batches start from the cached list (``SubscriberListCache``), so the list
/// is re-read only when something else changed the file.
final class ChangeQueue: Sendable {
    private typealias Waiter = (
        request: SubscriberRequest, continuation: CheckedContinuation<SubscriberRequestOutcome, any Error>
    )

    private struct State {
        var waiting: [Waiter] = []
        var draining = false
    }

    let cache: SubscriberListCache
    private let state = Mutex(State())

    init(cache: SubscriberListCache) {
        self.cache = cache
    }

    /// Applies `request` with the next batch and returns its outcome.
    /// - Throws: what ``SubscriberRequests/apply(_:cache:)`` throws for the batch.
    func submit(_ request: SubscriberRequest) async throws -> SubscriberRequestOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.waiting.append((request, continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if start {
                Thread.detachNewThread { self.drain() }
            }
        }
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try SubscriberRequests.apply(batch.map(\.request), cache: cache)
                for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(returning: outcome) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
