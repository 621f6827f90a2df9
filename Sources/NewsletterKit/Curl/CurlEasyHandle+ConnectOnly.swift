import CCurl

/// The raw byte stream of a connection that libcurl opened with `CURLOPT_CONNECT_ONLY`: libcurl has done
/// the connect phase (for SMTP: greeting, EHLO, STARTTLS, AUTH) and the caller speaks the protocol itself,
/// through libcurl so that TLS stays libcurl's.
///
/// Both calls are non-blocking: `CURLE_AGAIN` means "wait on ``activeSocket`` and try again".
/// - SeeAlso: https://curl.se/libcurl/c/CURLOPT_CONNECT_ONLY.html, https://curl.se/libcurl/c/curl_easy_send.html,
///   https://curl.se/libcurl/c/curl_easy_recv.html
extension CurlEasyHandle {
    /// `CURLINFO_ACTIVESOCKET`: the connection's socket, for `poll`; `nil` when there is none.
    var activeSocket: Int32? {
        var socket: curl_socket_t = -1
        guard newsletter_curl_getinfo_socket(raw, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else {
            return nil
        }
        return socket
    }

    /// `curl_easy_send`: writes what it can of `bytes` without blocking.
    /// - Returns: the `CURLcode` (`CURLE_AGAIN` when nothing could be written now) and the number of bytes written.
    func sendSome(_ bytes: UnsafeRawBufferPointer) -> (code: CURLcode, count: Int) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return (CURLE_OK, 0) }
        var sent = 0
        let code = curl_easy_send(raw, base, bytes.count, &sent)
        return (code, sent)
    }

    /// `curl_easy_recv`: reads what has arrived, at most `buffer.count` bytes, without blocking.
    /// - Returns: the `CURLcode` (`CURLE_AGAIN` when nothing has arrived) and the number of bytes read; `CURLE_OK`
    ///   with 0 bytes means the peer closed the connection.
    func receiveSome(into buffer: UnsafeMutableRawBufferPointer) -> (code: CURLcode, count: Int) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return (CURLE_OK, 0) }
        var received = 0
        let code = curl_easy_recv(raw, base, buffer.count, &received)
        return (code, received)
    }
}
