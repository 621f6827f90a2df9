import CCurl
import Foundation

/// A message waiting in the mailbox: its IMAP UID or POP3 message number.
public struct MailboxMessageReference: Sendable, Hashable {
    public var id: String
}

/// Reads the unsubscribe/bounce mailbox over IMAP or POP3 with libcurl, one connection for the
/// whole run (the easy handle is reused).
///
/// IMAP: `UID SEARCH UNKEYWORD $NewsletterProcessed` lists what is left, `UID FETCH` reads a
/// message, processed ones get the keyword `$NewsletterProcessed` and `\Seen` (they stay in the
/// folder). POP3 has no flags: processed messages are deleted (`DELE`, committed at `QUIT`).
/// Either way the state database also remembers each processed message, so nothing is processed
/// twice even if flagging failed. `imap://`/`pop3://` use STARTTLS as configured; `imaps://` and
/// `pop3s://` use implicit TLS; certificate checks stay on.
/// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CUSTOMREQUEST.html, https://everything.curl.dev/usingcurl/reademail
final class CurlMailbox {
    /// The IMAP keyword set on processed messages.
    static let processedKeyword = "$NewsletterProcessed"

    private let handle: CurlEasyHandle
    private let settings: NewsletterConfig.Mailbox
    private let isIMAP: Bool
    private let baseURL: String
    private let sink = ResponseSink()
    /// IMAP UIDs that were unread before this run fetched them (fetching sets `\Seen`).
    private var unseen = Set<String>()

    init(settings: NewsletterConfig.Mailbox, password: String?) throws {
        self.settings = settings
        let scheme = settings.url.scheme?.lowercased() ?? "imaps"
        isIMAP = scheme.hasPrefix("imap")
        var components = URLComponents(url: settings.url, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.user = nil
        components.password = nil
        if isIMAP, components.path.isEmpty || components.path == "/" { components.path = "/INBOX" }
        if !isIMAP { components.path = "/" }
        baseURL = components.string ?? settings.url.absoluteString
        handle = try CurlEasyHandle()
        try handle.set(CURLOPT_PROTOCOLS_STR, isIMAP ? "imap,imaps" : "pop3,pop3s")
        switch (scheme, settings.starttls) {
        case ("imaps", _), ("pop3s", _), (_, .required): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case (_, .opportunistic): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        case (_, .off): try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = settings.caFile { try handle.set(CURLOPT_CAINFO, caFile) }
        try handle.set(CURLOPT_USERNAME, settings.username)
        if let password { try handle.set(CURLOPT_PASSWORD, password) }
        try handle.set(CURLOPT_TIMEOUT, settings.timeoutSeconds)
        try handle.set(CURLOPT_CONNECTTIMEOUT, min(30, settings.timeoutSeconds))
        try handle.set(
            CURLOPT_WRITEFUNCTION,
            callback: { buffer, size, count, userdata in
                guard let buffer, let userdata else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
                let length = size * count
                buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
                    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
                return length
            })
        try handle.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
    }

    /// Runs one command and returns what the server sent as the transfer's body.
    private func perform(url: String, command: String?, noBody: Bool = false) throws -> [UInt8] {
        sink.bytes = []
        try handle.set(CURLOPT_URL, url)
        if let command {
            try handle.set(CURLOPT_CUSTOMREQUEST, command)
        } else {
            try handle.set(CURLOPT_CUSTOMREQUEST, pointer: nil)
        }
        try handle.set(CURLOPT_NOBODY, noBody ? 1 : 0)
        do {
            try withExtendedLifetime(sink) {
                try handle.perform(context: "\(isIMAP ? "IMAP" : "POP3") \(settings.url.host ?? "")")
            }
        } catch let error as CurlError {
            throw MailboxError(
                "\(settings.url.scheme ?? "")://\(settings.url.host ?? "")\(settings.url.port.map { ":\($0)" } ?? ""): \(error.message) (curl error \(error.code))"
            )
        }
        return sink.bytes
    }

    /// The messages not yet processed (IMAP: without the keyword; POP3: all), oldest first.
    func unprocessed() throws -> [MailboxMessageReference] {
        if isIMAP {
            let ids = try search("UNKEYWORD \(Self.processedKeyword)")
            unseen = Set(try search("UNKEYWORD \(Self.processedKeyword) UNSEEN").map(String.init))
            return ids.sorted().map { MailboxMessageReference(id: String($0)) }
        }
        let response = String(decoding: try perform(url: baseURL, command: "UIDL"), as: UTF8.self)
        return response.split(whereSeparator: \.isNewline).compactMap { line in
            line.split(separator: " ").first.flatMap { Int($0) }.map { MailboxMessageReference(id: String($0)) }
        }
    }

    private func search(_ criteria: String) throws -> [Int] {
        let response = String(decoding: try perform(url: baseURL, command: "UID SEARCH \(criteria)"), as: UTF8.self)
        var ids: [Int] = []
        for line in response.split(whereSeparator: \.isNewline) where line.hasPrefix("* SEARCH") {
            ids += line.dropFirst("* SEARCH".count).split(separator: " ").compactMap { Int($0) }
        }
        return ids
    }

    /// Messages left for a person: IMAP ones that were unread before this run are unread again.
    func leaveAlone(_ references: [MailboxMessageReference]) throws {
        guard isIMAP else { return }
        let set = references.map(\.id).filter { unseen.contains($0) }.joined(separator: ",")
        guard !set.isEmpty else { return }
        _ = try perform(url: baseURL, command: "UID STORE \(set) -FLAGS.SILENT (\\Seen)")
    }

    /// The raw bytes of one message.
    func fetch(_ reference: MailboxMessageReference) throws -> [UInt8] {
        if isIMAP { return try perform(url: baseURL + "/;UID=\(reference.id)", command: nil) }
        return try perform(url: baseURL + reference.id, command: nil)
    }

    /// Flags (IMAP) or deletes (POP3) processed messages.
    func markProcessed(_ references: [MailboxMessageReference]) throws {
        guard !references.isEmpty else { return }
        if isIMAP {
            for start in stride(from: 0, to: references.count, by: 200) {
                let set = references[start..<min(start + 200, references.count)].map(\.id).joined(separator: ",")
                _ = try perform(
                    url: baseURL, command: "UID STORE \(set) +FLAGS.SILENT (\(Self.processedKeyword) \\Seen)")
            }
        } else {
            for reference in references {
                _ = try perform(url: baseURL, command: "DELE \(reference.id)", noBody: true)
            }
        }
    }
}

@available(*, unavailable)
extension CurlMailbox: Sendable {}

private final class ResponseSink {
    var bytes: [UInt8] = []
}

/// The mailbox cannot be read: names the server and why.
public struct MailboxError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
