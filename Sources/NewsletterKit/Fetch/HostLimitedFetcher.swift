import Foundation

/// Wraps a fetcher so that at most ``perHost`` requests run at once against one host and at most
/// ``total`` overall: polite to small CMS servers while several sources are fetched together.
public struct HostLimitedFetcher: HTTPFetching {
    public let base: any HTTPFetching
    /// Concurrent requests per host (default 2).
    public let perHost: Int
    /// Concurrent requests overall (default 4).
    public let total: Int
    private let gate: Gate

    public init(_ base: any HTTPFetching, perHost: Int = 2, total: Int = 4) {
        self.base = base
        self.perHost = max(1, perHost)
        self.total = max(1, total)
        gate = Gate(perHost: self.perHost, total: self.total)
    }

    public func fetch(_ request: HTTPRequest) async throws -> HTTPResponse {
        let host = request.url.host?.lowercased() ?? ""
        await gate.enter(host)
        do {
            let response = try await base.fetch(request)
            await gate.leave(host)
            return response
        } catch {
            await gate.leave(host)
            throw error
        }
    }
}

/// Counts requests in flight per host and overall; waiters resume in arrival order.
private actor Gate {
    let perHost: Int
    let total: Int
    private var running: [String: Int] = [:]
    private var runningTotal = 0
    private var waiters: [(host: String, continuation: CheckedContinuation<Void, Never>)] = []

    init(perHost: Int, total: Int) {
        self.perHost = perHost
        self.total = total
    }

    func enter(_ host: String) async {
        if canRun(host) {
            start(host)
            return
        }
        await withCheckedContinuation { waiters.append((host, $0)) }
    }

    func leave(_ host: String) {
        running[host, default: 1] -= 1
        runningTotal -= 1
        var index = 0
        while index < waiters.count {
            let waiter = waiters[index]
            if canRun(waiter.host) {
                waiters.remove(at: index)
                start(waiter.host)
                waiter.continuation.resume()
            } else {
                index += 1
            }
        }
    }

    private func canRun(_ host: String) -> Bool {
        runningTotal < total && running[host, default: 0] < perHost
    }

    private func start(_ host: String) {
        running[host, default: 0] += 1
        runningTotal += 1
    }
}
