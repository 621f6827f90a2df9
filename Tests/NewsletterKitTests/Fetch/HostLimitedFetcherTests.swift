import Foundation
import Synchronization
import Testing

@testable import NewsletterKit

struct HostLimitedFetcherTests {
    /// Counts requests in flight per host; each request holds its slot for a moment.
    final class CountingFetcher: HTTPFetching {
        let state = Mutex<(running: [String: Int], total: Int, maxPerHost: [String: Int], maxTotal: Int)>(
            ([:], 0, [:], 0))

        func fetch(_ request: HTTPRequest) async throws -> HTTPResponse {
            let host = request.url.host ?? ""
            state.withLock { state in
                state.running[host, default: 0] += 1
                state.total += 1
                state.maxPerHost[host] = max(state.maxPerHost[host, default: 0], state.running[host, default: 0])
                state.maxTotal = max(state.maxTotal, state.total)
            }
            try await Task.sleep(for: .milliseconds(10))
            state.withLock { state in
                state.running[host, default: 0] -= 1
                state.total -= 1
            }
            if request.url.path == "/fail" { throw FetchError.status(500, url: request.url) }
            return HTTPResponse(url: request.url, status: 200, body: [])
        }
    }

    @Test func atMostTwoPerHostAndFourOverall() async throws {
        let counting = CountingFetcher()
        let limited = HostLimitedFetcher(counting, perHost: 2, total: 4)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                let host = ["a.example.com", "b.example.com", "c.example.org"][index % 3]
                let path = index % 5 == 0 ? "/fail" : "/\(index)"
                group.addTask { _ = try? await limited.fetch(HTTPRequest(url: URL(string: "https://\(host)\(path)")!)) }
            }
        }
        let state = counting.state.withLock { $0 }
        #expect(state.maxPerHost.values.allSatisfy { $0 <= 2 })
        #expect(state.maxTotal <= 4)
        #expect(state.total == 0)
        // Failures release their slot: every request ran.
        #expect(state.maxPerHost.count == 3)
    }
}
