import Glibc

/// Lossy decoding of legacy charsets through glibc `iconv`.
///
/// Invalid byte sequences (`EILSEQ`) and a truncated tail (`EINVAL`) each become one U+FFFD and are counted;
/// decoding never fails once the converter exists.
enum CharsetIconv {
    /// The result of one decode: the text and how many replacements were needed.
    struct Result {
        var text: String
        var errors: Int
    }

    /// Decodes `bytes` from `iconvName` into a Swift string.
    ///
    /// - Parameters:
    ///   - bytes: Raw input bytes.
    ///   - iconvName: glibc converter name such as `GB18030`.
    ///   - stopAfterErrors: Give up (returning `nil`) once more than this many errors were seen; used for
    ///     cheap strict probing. `nil` decodes everything.
    /// - Returns: The decoded text, or `nil` when glibc has no such converter or the error budget ran out.
    /// - Complexity: O(*n*) in the number of bytes.
    static func decode(_ bytes: [UInt8], from iconvName: String, stopAfterErrors: Int? = nil) -> Result? {
        let cd = iconv_open("UTF-8", iconvName)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        if bytes.isEmpty { return Result(text: "", errors: 0) }

        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var errors = 0
        let chunkSize = max(4096, bytes.count * 3 + 16)
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

        var input = bytes
        let ok: Bool = input.withUnsafeMutableBufferPointer { inBuf -> Bool in
            guard let inBase = inBuf.baseAddress else { return true }
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBase)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuf.count
            return chunk.withUnsafeMutableBufferPointer { outBuf -> Bool in
                guard let outBase = outBuf.baseAddress else { return false }
                while inLeft > 0 {
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuf.count
                    let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    let failure = errno  // before `append` can allocate and change it
                    let produced = outBuf.count - outLeft
                    output.append(contentsOf: UnsafeBufferPointer(start: outBase, count: produced))
                    if rc != -1 { break }
                    switch failure {
                    case E2BIG:
                        continue
                    case EILSEQ:
                        errors += 1
                        output.append(contentsOf: replacement)
                        inPtr = inPtr.map { $0 + 1 }
                        inLeft -= 1
                        iconv(cd, nil, nil, nil, nil)
                    case EINVAL:
                        errors += 1
                        output.append(contentsOf: replacement)
                        inLeft = 0
                    default:
                        errors += 1
                        output.append(contentsOf: replacement)
                        inPtr = inPtr.map { $0 + 1 }
                        inLeft -= 1
                    }
                    if let limit = stopAfterErrors, errors > limit { return false }
                }
                return true
            }
        }
        if !ok { return nil }
        return Result(text: String(decoding: output, as: UTF8.self), errors: errors)
    }
}
