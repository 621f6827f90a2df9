import CZlib
import Foundation

/// Decodes a response body's content coding (RFC 9110 §8.4) the way browsers do: by what the bytes
/// are, not only by what the `Content-Encoding` header claims (case 31).
///
/// Rule, applied before charset detection:
/// - bytes starting `1f 8b` are gunzipped (several members in a row are one body), labelled or not;
/// - bytes starting with a zlib header (first byte `0x78`, the first two bytes as a big-endian number
///   divisible by 31, no preset dictionary) are inflated;
/// - a body labelled `deflate` without a zlib header is tried as raw deflate (old IIS servers send that),
///   and kept as it is when that fails;
/// - anything else is the body itself, whatever the header said (`gzip` on plain XML, `aws-chunked`,
///   `utf-8`, `none`), with a warning naming the header.
///
/// Data that starts like gzip or zlib but does not decode is an error, never passed on raw. The size cap
/// applies to the decoded bytes, and decoding stops as soon as it is passed, so a small compressed bomb
/// never grows beyond the cap in memory.
enum ContentCoding {
    /// A decoded body and, when the header did not match the bytes, a warning saying so.
    struct Decoded: Equatable {
        var body: [UInt8]
        var warning: String?
    }

    /// Why a body could not be decoded.
    enum Failure: Error, Equatable {
        /// The bytes start like gzip or zlib data but are corrupt or cut short (zlib's message).
        case corrupt(String)
        /// The decoded body is larger than the cap (bytes).
        case tooLarge(Int)
    }

    /// Decodes `raw`, sent with `Content-Encoding: label` (nil when absent), capping the result at `limit` bytes.
    static func decode(_ raw: [UInt8], label: String?, limit: Int) throws(Failure) -> Decoded {
        let codings = (label ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty && $0 != "identity" }
        let header = label.map { "Content-Encoding: \($0)" } ?? "no Content-Encoding"
        if raw.count >= 2, raw[0] == 0x1F, raw[1] == 0x8B {
            let body = try inflate(raw, windowBits: 15 + 16, limit: limit, multiMember: true)
            let labelled = codings.contains { $0 == "gzip" || $0 == "x-gzip" }
            return Decoded(body: body, warning: labelled ? nil : "gzip data sent with \(header); decoded as gzip")
        }
        if hasZlibHeader(raw) {
            let body = try inflate(raw, windowBits: 15, limit: limit, multiMember: false)
            let labelled = codings.contains("deflate")
            return Decoded(body: body, warning: labelled ? nil : "zlib data sent with \(header); decoded as deflate")
        }
        if codings.contains("deflate"), !raw.isEmpty,
            let body = try? inflate(raw, windowBits: -15, limit: limit, multiMember: false)
        {
            return Decoded(body: body, warning: nil)
        }
        guard raw.count <= limit else { throw .tooLarge(limit) }
        let warning = codings.isEmpty ? nil : "\(header) on a body that is not compressed; read as it is"
        return Decoded(body: raw, warning: warning)
    }

    /// RFC 1950 §2.2: CM 8 with a 32 KiB window (`0x78`), FCHECK making the pair a multiple of 31, no FDICT.
    static func hasZlibHeader(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2, bytes[0] == 0x78 else { return false }
        return (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0 && bytes[1] & 0x20 == 0
    }

    /// Inflates `input` (`windowBits` as zlib's `inflateInit2`: 31 gzip, 15 zlib, -15 raw deflate).
    private static func inflate(_ input: [UInt8], windowBits: Int32, limit: Int, multiMember: Bool) throws(Failure)
        -> [UInt8]
    {
        var stream = z_stream()
        guard czlib_inflate_init2(&stream, windowBits) == Z_OK else { throw .corrupt("zlib could not start") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        let outcome: Failure? = input.withUnsafeBufferPointer { inputBuffer -> Failure? in
            guard let base = inputBuffer.baseAddress else { return .corrupt("empty body") }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let (status, produced) = buffer.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, chunk - Int(stream.avail_out))
                }
                if output.count + produced > limit { return .tooLarge(limit) }
                output.append(contentsOf: buffer[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (RFC 1952 §2.2); anything else after the end is ignored,
                    // as browsers do.
                    let rest = Int(stream.avail_in)
                    let offset = inputBuffer.count - rest
                    guard multiMember, rest >= 2, inputBuffer[offset] == 0x1F, inputBuffer[offset + 1] == 0x8B
                    else { return nil }
                    guard inflateReset(&stream) == Z_OK else { return .corrupt("zlib could not restart") }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .corrupt("the compressed body ends early (truncated)")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    return .corrupt(message)
                }
            }
        }
        if let outcome { throw outcome }
        return output
    }
}
