public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The files `newsletter init` writes into a new newsletter's folder: a commented
/// `newsletter.yml` (the comments are the reference of every setting), editable copies of the
/// built-in templates (the digest's, and the pages and confirmation mail of `newsletter serve`), and an
/// empty subscriber list.
///
/// Existing files are never overwritten: each file is created with `O_CREAT | O_EXCL`, so even a
/// file that appears between the check and the write is kept.
public enum StarterFiles: Sendable {
    /// What happened to one file.
    public enum Outcome: Sendable, Equatable {
        /// The file did not exist and was written.
        case created
        /// The file existed and was left as it was.
        case kept
    }

    /// One starter file: its path relative to the folder, and its contents.
    public struct File: Sendable {
        public var path: String
        public var contents: String
    }

    /// The starter files, in the order they are written.
    public static var files: [File] {
        [
            File(path: NewsletterConfig.defaultFileName, contents: configText),
            File(path: "Templates/digest.html.mustache", contents: DefaultTemplates.html),
            File(path: "Templates/digest.txt.mustache", contents: DefaultTemplates.text),
            File(path: "Templates/unsubscribe.html.mustache", contents: ServerTemplates.unsubscribe),
            File(path: "Templates/subscribe.html.mustache", contents: ServerTemplates.subscribe),
            File(path: "Templates/confirm-subscription.txt.mustache", contents: ServerTemplates.confirmationText),
            File(path: "Subscribers/subscribers.csv", contents: "email,name,status,token,added\r\n"),
        ]
    }

    /// Writes every starter file that does not exist yet into `folder` (created if missing).
    ///
    /// - Parameter folder: the newsletter's folder.
    /// - Returns: each file's URL with what happened to it, in the order of ``files``.
    /// - Throws: ``NewsletterError`` naming the path when a folder or file cannot be created.
    public static func write(into folder: URL) throws -> [(url: URL, outcome: Outcome)] {
        var results: [(URL, Outcome)] = []
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            do {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw NewsletterError(
                    description:
                        "\(url.deletingLastPathComponent().path): cannot create the folder (\(error.localizedDescription))"
                )
            }
            results.append((url, try createExclusively(url, contents: Data(file.contents.utf8))))
        }
        return results
    }

    /// Creates `url` with `contents` unless it exists (then `.kept`).
    private static func createExclusively(_ url: URL, contents: Data) throws -> Outcome {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            if errno == EEXIST { return .kept }
            throw NewsletterError(description: "\(url.path): cannot create (\(String(cString: strerror(errno))))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: contents)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw NewsletterError(description: "\(url.path): cannot write (\(error.localizedDescription))")
        }
        return .created
    }

    /// The commented `newsletter.yml`.
    ///
    /// Every setting is there with its default and one line saying what it does; settings without a
    /// default are shown commented out. It loads without warnings once the
    /// starter `Templates/` folder is beside it.
    public static let configText = #"""
        # newsletter.yml: the settings of one weekly digest. Written by `newsletter init`; edit freely.
        # Every setting is listed with its default and one line saying what it does. Lines starting with
        # "#" are comments; remove the "#" to use a setting that is commented out. Relative paths are
        # relative to this file's folder. Check your edits with `newsletter check`.

        # The digest's name: the heading of every issue, the {{title}} in the subject, the List-Id phrase.
        title: My Weekly Digest
        # The Subject of each issue: {{title}}, {{date}} (the issue date) and {{count}} (articles) are filled in.
        subject: "{{title}} {{date}}"
        # The From address, as "Name <address>" or a bare address. Required.
        from: "My Weekly Digest <digest@news.example.com>"
        # Where replies go (optional; default: the From address).
        # reply_to: editor@news.example.com
        # The envelope sender (MAIL FROM) that receives bounces (default: the From address).
        # envelope_sender: bounces@news.example.com
        # The RFC 2919 list identifier mail programs group and filter by (default: newsletter.<From domain>).
        # list_id: weekly.news.example.com
        # How many days back an article's publish time may lie to count as new.
        lookback_days: 7
        # The zone of the issue's date (Subject, archive), of `status`, and of sources that write times without
        # one (IANA name). An article's time is shown in its source's zone (a source's own `timezone` below).
        timezone: UTC
        # On a source's first run its back catalogue is recorded as seen; at most this many of its recent
        # articles go into the first digest.
        first_run_max_items: 20

        # The sites to follow: a section's listing page (links to article pages) or an RSS/Atom feed.
        sources:
          # A short name: shown as the heading of the source's articles and in every report.
          - name: News
            # The listing page or feed (http, https, or a local file).
            url: https://www.example.com/news/
            # listing | feed; detected from the fetched bytes when left out.
            # kind: listing
            # The zone for times this source writes without one (default: timezone above).
            # timezone: Asia/Shanghai
            # How many listing pages are followed at most while they reach into the lookback window.
            max_pages: 5
            # For feeds with short entries: fetch each entry's page and take the article from it.
            full_text: false
            # After the first fetch, an article dated up to this many days before the lookback window still
            # counts as new when it is first seen (back-dated and late-listed articles).
            late_days: 21
            # CSS selectors (tag, .class, #id, [attr], [attr*=v], descendant and > combinators) point at what
            # the guess misses. The article links on a listing page:
            # links: "div.right ul li a"
            # The next listing page's link:
            # next_page: "div.page a.next"
            # An article page's title:
            # title: "div.article h1"
            # An article page's publish date (its datetime/content attribute or its text):
            # date: "span.pubtime"
            # An article page's body:
            # body: "div.TRS_Editor"

        # The mail server that sends the digest (needed by send and check; optional for preview).
        smtp:
          # smtp://host:587 (STARTTLS) or smtps://host:465 (TLS from the start).
          url: smtp://mail.example.com:587
          # required | opportunistic | off. The last two only for a test server on 127.0.0.1.
          starttls: required
          # The login name (leave out for a server without AUTH; password_env is then not read).
          username: digest@news.example.com
          # The environment variable that holds the password (never put the password in this file).
          password_env: NEWSLETTER_SMTP_PASSWORD
          # A PEM file of extra CA certificates to trust (optional, e.g. a company CA).
          # ca_file: /etc/ssl/certs/extra.pem
          # Parallel connections to the server (1-16).
          connections: 2
          # Messages per second across all connections; 0 means no limit.
          rate_per_second: 10
          # Seconds one SMTP transaction may take.
          timeout_seconds: 60
          # Seconds to wait before each retry of a temporary (4xx) failure within one run.
          retry_delays: [5, 30]
          # A delivery still failing with 4xx after this many hours is given up.
          give_up_after_hours: 48

        # The subscriber list: a CSV file with the columns email,name,status,token,added.
        subscribers: Subscribers/subscribers.csv
        # The folder of the templates: the digest's (digest.html.mustache, digest.txt.mustache) and the
        # pages and confirmation mail of newsletter serve (unsubscribe.html.mustache, subscribe.html.mustache,
        # confirm-subscription.txt.mustache).
        templates: Templates
        # The state database: articles seen, digests sent, every delivery.
        state: .newsletter/state.sqlite

        # The personal unsubscribe link in every message and its List-Unsubscribe header; {{token}} is
        # replaced by the subscriber's token. `newsletter serve` answers it behind your web server.
        # unsubscribe_url: https://news.example.com/unsubscribe?t={{token}}
        # Whether unsubscribe_url accepts RFC 8058 one-click POSTs (default: false; `newsletter serve` does).
        # unsubscribe_one_click: true
        # An address that receives "unsubscribe" requests by mail (List-Unsubscribe mailto:).
        # unsubscribe_mailto: unsubscribe@news.example.com
        # The mailbox that receives bounces and unsubscribe mails, read by `newsletter mailbox` (optional).
        # mailbox:
          # imaps://host/INBOX, imap://host:143/INBOX (STARTTLS), pop3s://host or pop3://host:110.
          # url: imaps://mail.example.com/INBOX
          # required | opportunistic | off (for imap:// and pop3://; the last two only on 127.0.0.1).
          # starttls: required
          # The login name.
          # username: bounces@news.example.com
          # The environment variable that holds the password.
          # password_env: NEWSLETTER_MAILBOX_PASSWORD
          # A PEM file of extra CA certificates to trust.
          # ca_file: /etc/ssl/certs/extra.pem
          # Seconds one command may take.
          # timeout_seconds: 60
          # Soft bounces (4.x.x) on this many consecutive digests set an address to bounced.
          # soft_bounce_limit: 3

        # The HTML part's size budget in bytes as sent: Gmail clips messages at about 102 KB.
        html_budget_bytes: 90000
        # With more than one source: group articles under each source's name (source) or not (none).
        group_by: source
        # Where every digest that went out is kept as a web page, with index.html and feed.xml.
        archive_dir: archive
        # The public address of archive_dir: enables the "view in browser" link in every message.
        # archive_url: https://news.example.com/archive/
        # A source failing in this many runs in a row is reported loudly by send and status
        # (2: for a weekly job, two weeks without that source).
        alert_after_failed_runs: 2

        """#
}
