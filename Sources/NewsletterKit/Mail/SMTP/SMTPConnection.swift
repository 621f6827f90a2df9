import CCurl
import Glibc

/// One SMTP connection after its set-up: libcurl connected with `CURLOPT_CONNECT_ONLY` (greeting, EHLO,
/// STARTTLS and AUTH as configured, TLS kept by libcurl), and the mail transactions are written and read here
/// with `curl_easy_send` / `curl_easy_recv`, waiting with `poll` on the connection's socket.
///
/// Blocking, for one thread at a time (a libcurl handle is not thread-safe).
final class SMTPConnection {
    /// Why a write or read did not complete.
    enum Failure: Error, Sendable {
        /// Nothing (or not all of it) arrived before the deadline.
        case timedOut
        /// The server closed the connection.
        case closed
        /// libcurl or the socket reported an error.
        case broken(String)
        /// The server sent something that is not an SMTP reply.
        case malformed(String)

        var text: String {
            switch self {
            case .timedOut: "timed out"
            case .closed: "the server closed the connection"
            case .broken(let why): why
            case .malformed(let why): why
            }
        }
    }

    let handle: CurlEasyHandle
    private let socket: Int32
    /// The EHLO keywords of the last EHLO reply (after STARTTLS, the encrypted one), upper-case.
    let extensions: Set<String>
    private var parser = SMTPReplyParser()
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
    /// Transactions completed on this connection.
    var transactions = 0
    /// The next transaction, whose envelope (`MAIL`, `RCPT`, `DATA`) was written behind the last end of data and
    /// whose replies are still to be read (RFC 2920 §3.1); `nil` when none was.
    var announced: Announcement?

    /// A transaction whose envelope went out behind the previous message's end of data.
    struct Announcement: Equatable {
        var message: NextMessage
        /// As the caller gave it (`MAIL FROM`).
        var envelopeSender: String
    }

    /// Takes over a handle whose `CURLOPT_CONNECT_ONLY` transfer succeeded.
    /// - Throws: ``Failure/broken(_:)`` when libcurl has no socket for it.
    init(handle: CurlEasyHandle, extensions: Set<String>) throws(Failure) {
        guard let socket = handle.activeSocket else { throw .broken("libcurl has no connected socket") }
        self.handle = handle
        self.socket = socket
        self.extensions = extensions
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Whether the server offers the extension (RFC 5321 §4.1.1.1), for example `PIPELINING` (RFC 2920).
    func offers(_ keyword: String) -> Bool { extensions.contains(keyword) }

    /// Whether the idle connection still looks usable: nothing arrived unasked (a server that times out an
    /// idle client sends `421` and closes) and the server did not close it.
    var isIdleAndOpen: Bool {
        guard !parser.hasPartialReply else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return true }
        // Readable: a TLS record with nothing for us (a session ticket) leaves it usable; a reply nobody asked
        // for, the end of the stream or an error do not.
        return handle.receiveSome(into: readBuffer).code == CURLE_AGAIN
    }

    /// Writes all of `bytes`.
    /// - Throws: ``Failure`` when the deadline passes or the connection breaks first.
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let (code, count) = bytes.withUnsafeBytes { all in
                handle.sendSome(UnsafeRawBufferPointer(rebasing: all[offset...]))
            }
            switch code {
            case CURLE_OK:
                offset += count
            case CURLE_AGAIN:
                try wait(for: Int16(POLLOUT), deadline: deadline)
            default:
                throw .broken(
                    "sending failed: \(String(cString: curl_easy_strerror(code))) (curl error \(code.rawValue))")
            }
        }
    }

    /// Reads the next reply, however its bytes arrive.
    /// - Throws: ``Failure`` when the deadline passes, the server closes the connection or sends no SMTP reply.
    func readReply(deadline: ContinuousClock.Instant) throws(Failure) -> SMTPReply {
        while true {
            do {
                if let reply = try parser.next() { return reply }
            } catch {
                throw .malformed(error.description)
            }
            let (code, count) = handle.receiveSome(into: readBuffer)
            switch code {
            case CURLE_OK:
                guard count > 0 else { throw .closed }
                parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[..<count]))
            case CURLE_AGAIN:
                try wait(for: Int16(POLLIN), deadline: deadline)
            default:
                throw .broken(
                    "receiving failed: \(String(cString: curl_easy_strerror(code))) (curl error \(code.rawValue))")
            }
        }
    }

    /// Waits until the socket is ready for `events` or the deadline passes.
    private func wait(for events: Int16, deadline: ContinuousClock.Instant) throws(Failure) {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw .timedOut }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }  // readable, writable, or an error or hang-up the next call reports
            if ready < 0, errno != EINTR { throw .broken("poll failed: errno \(errno)") }
        }
    }
}

@available(*, unavailable)
extension SMTPConnection: Sendable {}
