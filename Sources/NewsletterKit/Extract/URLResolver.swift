import Foundation

/// Resolves `href`/`src` values against a base URL and rejects unsafe schemes.
enum URLResolver {
    /// Resolves `value` against `base`.
    ///
    /// - Parameters:
    ///   - value: An attribute value such as `../a/1.html`, `//cdn.example.com/x.png` or `javascript:…`.
    ///   - base: The document URL (after `<base href>` / `xml:base`), or `nil`.
    ///   - allowMailto: Whether `mailto:` links are acceptable (links yes, images no).
    /// - Returns: An absolute http(s) (or mailto) URL, or `nil` for empty, fragment-only, `javascript:`,
    ///   `data:` and other schemes.
    static func resolve(_ value: String, base: URL?, allowMailto: Bool = false) -> URL? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\\", with: "/")
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        let compact = String(trimmed.unicodeScalars.filter { $0.value > 0x20 }.map(Character.init)).lowercased()
        for scheme in ["javascript:", "data:", "vbscript:", "file:", "about:"] where compact.hasPrefix(scheme) {
            return nil
        }
        let url: URL?
        if let base {
            url =
                URL(string: trimmed, relativeTo: base)?.absoluteURL
                ?? trimmed.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed)
                .flatMap { URL(string: $0, relativeTo: base)?.absoluteURL }
        } else {
            url = URL(string: trimmed)
        }
        guard let url, let scheme = url.scheme?.lowercased() else { return nil }
        if scheme == "http" || scheme == "https" { return url.host == nil ? nil : url }
        if allowMailto && scheme == "mailto" { return url }
        return nil
    }
}
