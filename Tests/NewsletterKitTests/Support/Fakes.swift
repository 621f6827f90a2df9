import Foundation
import Synchronization

@testable import NewsletterKit

/// Serves files of a folder as `http://site.example.com/<path>`; a path listed in `failures` fails.
///
/// The folder can be switched between calls (weekly snapshots).
final class FolderFetcher: HTTPFetching {
    let root = Mutex<URL>(URL(fileURLWithPath: "/nonexistent"))
    let failures = Mutex<Set<String>>([])
    let requests = Mutex<[String]>([])

    init(root: URL) {
        self.root.withLock { $0 = root }
    }

    func fetch(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = request.url.path
        requests.withLock { $0.append(path) }
        if failures.withLock({ $0.contains(path) }) { throw FetchError.status(500, url: request.url) }
        let file = root.withLock { $0 }.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw FetchError.status(404, url: request.url)
        }
        let types = [
            "html": "text/html", "htm": "text/html", "xml": "text/xml", "atom": "application/atom+xml",
            "rss": "application/rss+xml",
        ]
        let type = types[file.pathExtension.lowercased()] ?? "application/octet-stream"
        return HTTPResponse(url: request.url, status: 200, headers: ["content-type": type], body: Array(data))
    }
}

/// Records every message; answers by a script (recipient → outcomes in order), else accepts.
final class RecordingTransport: MailTransport {
    let sent = LockedValue<[(recipient: String, bytes: [UInt8])]>([])
    let sessions = LockedValue(0)
    /// The commit point each message was sent with, in order.
    let commitPoints = LockedValue<[CommitPoint]>([])
    /// What each `send` was told would come next (`announceNext`), in call order.
    let announced = LockedValue<[NextMessage?]>([])
    let script: LockedValue<[String: [SMTPOutcome]]>

    /// Called for every message after its commit point, where the real server would take it.
    let atDelivery: (@Sendable (_ recipient: String) -> Void)?

    init(
        script: [String: [SMTPOutcome]] = [:], atDelivery: (@Sendable (_ recipient: String) -> Void)? = nil
    ) {
        self.script = LockedValue(script)
        self.atDelivery = atDelivery
    }

    func makeSession() throws -> any MailSession {
        sessions.withLock { $0 += 1 }
        return Session(owner: self)
    }

    var recipients: [String] { sent.withLock { $0.map(\.recipient) } }

    final class Session: MailSession {
        let owner: RecordingTransport
        init(owner: RecordingTransport) { self.owner = owner }

        /// Calls `beforeEndOfData` first, as the real session does before any message can be delivered, and
        /// `whileAwaitingReply` after the delivery.
        func send<Failure: Error>(
            envelopeSender: String, recipient: String, message: [UInt8], commitPoint: CommitPoint,
            beforeEndOfData: () throws(Failure) -> Void, announceNext: () -> NextMessage?,
            whileAwaitingReply: () -> Void
        ) throws(Failure) -> SMTPOutcome {
            owner.commitPoints.withLock { $0.append(commitPoint) }
            try beforeEndOfData()
            owner.announced.withLock { $0.append(announceNext()) }
            owner.atDelivery?(recipient)
            whileAwaitingReply()
            let scripted = owner.script.withLock { script -> SMTPOutcome? in
                guard var outcomes = script[recipient], !outcomes.isEmpty else { return nil }
                let first = outcomes.removeFirst()
                script[recipient] = outcomes
                return first
            }
            let outcome = scripted ?? .accepted(reply: "250 2.0.0 Ok")
            if case .accepted = outcome { owner.sent.withLock { $0.append((recipient, message)) } }
            return outcome
        }
    }
}

/// A value behind an `NSLock`: like `Mutex`, but ThreadSanitizer sees the lock (it cannot see `Mutex`'s futex on
/// Linux, `scripts/sanitizer-notes/tsan-mutex/`), for state that several delivery sessions touch at once.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
