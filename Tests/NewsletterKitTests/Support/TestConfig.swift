import Foundation

/// Writes the `newsletter.yml` most tests use: one or more sources, an SMTP server that only a
/// test would accept (`starttls: off`, loopback), `subscribers.csv` and the state file beside it.
enum TestConfig {
    /// Writes the config into `folder` and returns its URL.
    ///
    /// - Parameters:
    ///   - folder: the test's temporary folder; the config is written there as `newsletter.yml`.
    ///   - title: the newsletter's `title`, also the From display name.
    ///   - sources: name and URL of each source.
    ///   - sourceOptions: extra lines for every source (e.g. `"    full_text: true"`).
    ///   - smtpPort: the loopback SMTP server's port (1 when nothing is sent).
    ///   - smtp: extra lines for the `smtp:` section (indented by the caller, e.g. `"  connections: 2"`).
    ///   - extra: extra top-level lines.
    ///   - unsubscribeMailto: written as `unsubscribe_mailto` unless `extra` sets an unsubscribe key
    ///     (`send` refuses bulk mail without a way out).
    /// - Returns: the URL of the written `newsletter.yml`.
    /// - Throws: Foundation's `CocoaError` when the file cannot be written.
    @discardableResult
    static func write(
        in folder: TemporaryFolder, title: String = "党建周报", sources: [(name: String, url: String)],
        sourceOptions: [String] = [], smtpPort: Int = 1, smtp: [String] = ["  retry_delays: []"], extra: [String] = [],
        unsubscribeMailto: String? = "unsubscribe@news.example.com"
    ) throws -> URL {
        var lines = [
            "title: \(title)",
            "from: \"\(title) <digest@news.example.com>\"",
            "list_id: weekly.news.example.com",
            "timezone: Asia/Shanghai",
            "sources:",
        ]
        for source in sources { lines += ["  - name: \(source.name)", "    url: \(source.url)"] + sourceOptions }
        lines += ["smtp:", "  url: smtp://127.0.0.1:\(smtpPort)", "  starttls: off"] + smtp
        lines += ["subscribers: subscribers.csv", "state: state/state.sqlite"] + extra
        if let unsubscribeMailto, !extra.contains(where: { $0.hasPrefix("unsubscribe_") }) {
            lines.append("unsubscribe_mailto: \(unsubscribeMailto)")
        }
        let file = folder.file("newsletter.yml")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        return file
    }
}
