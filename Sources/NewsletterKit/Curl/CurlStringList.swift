import CCurl

/// An owned `curl_slist` (header lists, SMTP recipients).
///
/// libcurl does not copy the list:
/// keep this object alive for the whole transfer.
final class CurlStringList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    init(_ strings: [String]) {
        for string in strings {
            head = curl_slist_append(head, string)
        }
    }

    deinit {
        curl_slist_free_all(head)
    }
}

@available(*, unavailable)
extension CurlStringList: Sendable {}
