import Foundation
import Logging

extension SourceFetcher {
    /// Fetches every source in `sources` at once (each source's requests still go through this
    /// fetcher's host limits); one failing source never stops the others.
    ///
    /// - Returns: one outcome per source, in the order of `sources`.
    func fetchEach(
        _ sources: [NewsletterConfig.Source], now: Date, lookbackDays: Int, logger: Logger,
        onProgress: ProgressHandler? = nil
    ) async -> [Swift.Result<SourceFetcher.Result, any Error>] {
        let fetcher = self
        let counter = ProgressCounter(.fetching, total: sources.count, handler: onProgress)
        let finished = await withTaskGroup(of: (Int, Swift.Result<SourceFetcher.Result, any Error>).self) { group in
            for (index, source) in sources.enumerated() {
                group.addTask {
                    // The tuple is built once, after the await: Swift 6.3.1 -O drops the index otherwise
                    // (scripts/compiler-bugs/async-tuple-result/README.md).
                    let outcome: Swift.Result<SourceFetcher.Result, any Error>
                    do {
                        outcome = .success(
                            try await fetcher.fetch(source, now: now, lookbackDays: lookbackDays, logger: logger))
                    } catch {
                        outcome = .failure(error)
                    }
                    return (index, outcome)
                }
            }
            var all: [(Int, Swift.Result<SourceFetcher.Result, any Error>)] = []
            for await result in group {
                all.append(result)
                counter.step()
            }
            return all
        }
        return finished.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
