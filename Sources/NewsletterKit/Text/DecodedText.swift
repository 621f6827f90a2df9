/// Text decoded from fetched bytes, with the charset that was actually used.
///
/// Produced by ``CharsetDecoder/decode(_:contentType:)``.
public struct DecodedText: Sendable {
    /// The decoded text; undecodable input bytes appear as U+FFFD.
    ///
    /// A leading byte-order mark is removed.
    public var text: String
    /// The WHATWG-style name of the charset used to decode, lowercased (for example `"utf-8"`, `"gb18030"`).
    public var charset: String
    /// How many U+FFFD replacement characters decoding had to insert (0 for a clean decode).
    public var replacementCount: Int

    /// Creates a decoded text value.
    public init(text: String, charset: String, replacementCount: Int) {
        self.text = text
        self.charset = charset
        self.replacementCount = replacementCount
    }
}
