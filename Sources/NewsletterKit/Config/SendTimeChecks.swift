import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Checks on configuration values that reach the SMTP wire.
enum SendTimeChecks {
    /// Whether `value` contains CR, LF or NUL (which would end an SMTP command or a header line).
    static func hasLineBreakOrNUL(_ value: String) -> Bool {
        value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// Whether every address `host` resolves to is a loopback address (127.0.0.0/8 or ::1), by
    /// `getaddrinfo`, not by the look of the name: `127.example.com` is not loopback unless it
    /// resolves there.
    ///
    /// A name that does not resolve is not loopback.
    static func resolvesToLoopbackOnly(_ host: String) -> Bool {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        var sawAny = false
        while let entry = cursor {
            defer { cursor = entry.pointee.ai_next }
            guard let address = entry.pointee.ai_addr else { continue }
            sawAny = true
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                guard UInt32(bigEndian: ipv4) >> 24 == 127 else { return false }
            case AF_INET6:
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                }
                guard bytes == Array(repeating: 0, count: 15) + [1] else { return false }
            default:
                return false
            }
        }
        return sawAny
    }
}
