import CCurl
import Foundation
import Synchronization

/// `curl_global_init` runs once, on first use of any handle.
private let curlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// An owned libcurl easy handle.
///
/// One handle serves one task at a time (libcurl handles are not thread-safe); reusing it
/// keeps the connection open between transfers. `deinit` calls `curl_easy_cleanup`.
/// - SeeAlso: https://curl.se/libcurl/c/libcurl-easy.html
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// String lists libcurl holds on to until the next transfer (it does not copy them).
    private var retainedLists: [CurlStringList] = []

    init() throws {
        guard curlGlobalInitResult == CURLE_OK else {
            throw CurlError(code: curlGlobalInitResult, detail: "", context: "curl_global_init")
        }
        guard let raw = curl_easy_init() else {
            throw CurlError(message: "curl_easy_init returned NULL", context: "curl_easy_init")
        }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = newsletter_curl_setopt_ptr(raw, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = newsletter_curl_setopt_long(raw, CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Sets a `long` option.
    /// - SeeAlso: https://curl.se/libcurl/c/curl_easy_setopt.html
    func set(_ option: CURLoption, _ value: Int) throws {
        try check(newsletter_curl_setopt_long(raw, option, value), "setopt \(option.rawValue)")
    }

    /// Sets a string option; libcurl copies the string.
    func set(_ option: CURLoption, _ value: String) throws {
        try check(newsletter_curl_setopt_string(raw, option, value), "setopt \(option.rawValue)")
    }

    /// Sets a raw pointer option (callback data).
    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
        try check(newsletter_curl_setopt_ptr(raw, option, pointer), "setopt \(option.rawValue)")
    }

    /// Sets a `curl_slist` option; the list stays alive until ``releaseLists()``.
    func set(_ option: CURLoption, list: [String]) throws {
        let slist = CurlStringList(list)
        retainedLists.append(slist)
        try check(newsletter_curl_setopt_slist(raw, option, slist.head), "setopt \(option.rawValue)")
    }

    /// Sets a data callback (`CURLOPT_WRITEFUNCTION`, `CURLOPT_READFUNCTION`, `CURLOPT_HEADERFUNCTION`).
    func set(_ option: CURLoption, callback: newsletter_curl_data_callback) throws {
        try check(newsletter_curl_setopt_data_callback(raw, option, callback), "setopt \(option.rawValue)")
    }

    /// Frees the string lists of the previous transfer.
    func releaseLists() {
        retainedLists.removeAll()
    }

    /// Runs the transfer (`curl_easy_perform`), blocking the calling thread.
    /// - Throws: ``CurlError`` with the `CURLcode` and the error buffer's text.
    func perform(context: String) throws {
        errorBuffer[0] = 0
        let code = curl_easy_perform(raw)
        guard code == CURLE_OK else {
            throw CurlError(code: code, detail: String(cString: errorBuffer), context: context)
        }
    }

    /// `CURLINFO_RESPONSE_CODE`: the last HTTP status or SMTP reply code, 0 when none arrived.
    var responseCode: Int {
        var value = 0
        _ = newsletter_curl_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &value)
        return value
    }

    /// `CURLINFO_EFFECTIVE_URL`: the URL after redirects.
    var effectiveURL: String? {
        var pointer: UnsafeMutablePointer<CChar>?
        guard newsletter_curl_getinfo_string(raw, CURLINFO_EFFECTIVE_URL, &pointer) == CURLE_OK,
            let pointer
        else { return nil }
        return String(cString: pointer)
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw CurlError(code: code, detail: String(cString: errorBuffer), context: what)
        }
    }
}

@available(*, unavailable)
extension CurlEasyHandle: Sendable {}

/// Runs a blocking closure on a thread outside Swift's cooperative pool, so that several
/// blocking libcurl transfers can run at once without starving other tasks.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// A flag that a cancelled task sets and a blocking call on another thread reads (from a libcurl
/// progress callback, or between SMTP transactions).
final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    /// Whether the task that started the blocking call was cancelled.
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func cancel() { cancelled.store(true, ordering: .releasing) }
}

/// Runs a blocking closure as ``runBlocking(_:)`` does, and sets the closure's flag when the calling
/// task is cancelled (on the cancelling thread, at once).
///
/// The bridge between Swift's task cancellation and a blocking libcurl transfer: the transfer stops from
/// its progress callback (``CurlEasyHandle/abortWhenCancelled(_:)``, within about a second even while the
/// server sends nothing). A cancelled send becomes a ``StopRequest`` instead (``Newsletter``'s `send`).
/// - Parameter body: the blocking work; it receives the flag to read.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
    let flag = CancellationFlag()
    return try await withTaskCancellationHandler {
        try await runBlocking { try body(flag) }
    } onCancel: {
        flag.cancel()
    }
}

extension CurlEasyHandle {
    /// Makes the transfer stop with `CURLE_ABORTED_BY_CALLBACK` once `flag` is set.
    ///
    /// libcurl calls the progress callback (`CURLOPT_XFERINFOFUNCTION`) often while data moves and
    /// about once a second while it does not, so a stalled server does not delay the stop until the
    /// timeout. `flag` must outlive the transfer (the caller keeps it).
    /// - Throws: ``CurlError`` when libcurl refuses the options.
    func abortWhenCancelled(_ flag: CancellationFlag) throws {
        try set(CURLOPT_NOPROGRESS, 0)
        try set(CURLOPT_XFERINFODATA, pointer: Unmanaged.passUnretained(flag).toOpaque())
        try check(
            newsletter_curl_setopt_xferinfo_callback(raw) { userdata, _, _, _, _ in
                guard let userdata else { return 0 }
                return Unmanaged<CancellationFlag>.fromOpaque(userdata).takeUnretainedValue().isCancelled ? 1 : 0
            }, "setopt CURLOPT_XFERINFOFUNCTION")
    }
}
