extension DigestContent {
    /// The file name of this issue's page in the archive, for example `2019-06-08-3f2a9c0d.html`: the issue
    /// date and a hash of the articles' keys, so that the name is known before the digest is stored
    /// (messages link it) and two issues of one day do not collide.
    public var archivePageName: String {
        // FNV-1a, 64 bits, over the keys in order: stable across runs and platforms.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for key in items.map(\.key) {
            for byte in key.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return "\(issueDate)-\(String(repeating: "0", count: 16 - hex.count) + hex).html"
    }

    /// The public address of this issue's archive page under `base` (the configured `archive_url`).
    public func archivePageURL(base: String) -> String {
        (base.hasSuffix("/") ? base : base + "/") + archivePageName
    }
}
