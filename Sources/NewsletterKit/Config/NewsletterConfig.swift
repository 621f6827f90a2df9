public import Foundation

/// The settings of one newsletter, read from `newsletter.yml`.
///
/// Relative paths in the file are relative to the file's folder; ``load(from:)`` resolves them.
public struct NewsletterConfig: Sendable {
    /// How a source is read.
    public enum SourceKind: String, Sendable {
        /// A CMS listing page whose links lead to article pages.
        case listing
        /// An RSS 2.0, RSS 1.0 or Atom feed.
        case feed
    }

    /// One site section or feed to follow.
    public struct Source: Sendable {
        /// A short name shown in summaries and stored with each article.
        public var name: String
        /// The listing page's or feed's URL (`http`, `https`, or `file`).
        public var url: URL
        /// `nil` when the kind is detected from the fetched bytes.
        public var kind: SourceKind?
        /// The zone for times the source writes without one.
        public var timeZone: TimeZone
        /// How many listing pages are followed at most (pagination).
        public var maxPages: Int
        /// For feeds: fetch each entry's page and extract the article.
        public var fullText: Bool
        /// Selectors (CSS subset or XPath, see the README) that override the guesses for this source's pages.
        public var selectors: Selectors = Selectors()
        /// Grace period in days before the lookback window: an article first seen after the source's first
        /// fetch is new when its publish date is inside the window or at most this many days before it
        /// (`late_days`, default 21).
        public var lateDays: Int = 21
    }

    /// Per-source selectors (``SourceSelectors``).
    public typealias Selectors = SourceSelectors

    /// How STARTTLS is used on `smtp://` URLs (``StartTLSPolicy``).
    public typealias StartTLS = StartTLSPolicy

    /// The SMTP relay.
    public struct SMTP: Sendable {
        /// `smtp://host:port` (STARTTLS per ``starttls``) or `smtps://host:port` (implicit TLS).
        public var url: URL
        public var starttls: StartTLS
        public var username: String?
        /// The name of the environment variable that holds the password.
        public var passwordEnvironmentVariable: String?
        /// A PEM file of CA certificates to trust (for example a test server's self-signed certificate).
        public var caFile: String?
        /// Parallel SMTP connections (1…16).
        public var connections: Int
        /// Messages per second across all connections; 0 means no limit.
        public var ratePerSecond: Double
        /// Timeout for one SMTP transaction, in seconds.
        public var timeoutSeconds: Int
        /// Delays before each retry of a 4xx reply within one run, in seconds.
        public var retryDelays: [Double]
        /// After how long a delivery still failing with 4xx is given up, in hours.
        public var giveUpAfterHours: Double
    }

    /// The config file itself.
    public var file: URL
    /// The digest's title (heading, List-Id phrase).
    public var title: String
    /// The Subject: `{{title}}`, `{{date}}` (issue date) and `{{count}}` are filled in.
    public var subjectTemplate: String
    /// The From address (also the envelope sender unless ``envelopeSender`` is set).
    public var from: MailAddress
    public var replyTo: MailAddress?
    /// The envelope sender (RFC 5321 MAIL FROM) for bounces.
    public var envelopeSender: String
    /// RFC 2919 list identifier, for example `weekly.news.example.com`.
    public var listID: String
    /// How far back, in days, an article's publish time may lie.
    public var lookbackDays: Int
    /// The default zone for sources and for dates shown in the digest.
    public var timeZone: TimeZone
    public var sources: [Source]
    public var smtp: SMTP?
    /// The subscriber list (CSV).
    public var subscribersFile: URL
    /// The folder of user templates, or `nil` for the built-in defaults.
    public var templatesDirectory: URL?
    /// The SQLite state file.
    public var stateFile: URL
    /// The unsubscribe page; `{{token}}` is replaced by the subscriber's token.
    public var unsubscribeURL: String?
    /// Whether ``unsubscribeURL`` accepts RFC 8058 one-click POSTs (`unsubscribe_one_click`, default `false`:
    /// set it only when the URL is served by `newsletter serve` or another endpoint that takes the POST).
    public var unsubscribeOneClick: Bool
    /// An address for `mailto:` unsubscribe requests.
    public var unsubscribeMailto: String?
    /// On a source's first run, at most this many of its articles go into the digest.
    public var firstRunMaxItems: Int
    /// Budget for the HTML part, in bytes as sent (after base64 or quoted-printable), before
    /// excerpts are trimmed (Gmail clips at ~102 KB).
    public var htmlBudgetBytes: Int
    /// The public address of ``archiveDirectory`` (for example `https://news.example.com/archive/`): each
    /// message links its issue's archive page ("view in browser"), and the "另有 N 篇" line of a trimmed
    /// digest links that same page, which lists every article.
    public var archiveURL: String?
    /// Where every digest that went out is written as a static page, with `index.html` and an Atom
    /// `feed.xml` (default `archive` beside the configuration).
    public var archiveDirectory: URL
    /// How the digest's articles are arranged.
    public var groupBy: Grouping = .source
    /// A source failing in this many consecutive runs is reported loudly by `send` and `status`.
    ///
    /// Default 2 (case 30): for a weekly job the second failed run in a row is already two weeks of a
    /// source missing from the digests; one failure alone (a site's brief outage) stays a plain line.
    public var alertAfterFailedRuns: Int = 2
    /// The unsubscribe/bounce mailbox that `newsletter mailbox` reads, if any.
    public var mailbox: Mailbox? = nil

    /// How the digest arranges its articles.
    public enum Grouping: String, Sendable, Codable {
        /// With more than one source, under a heading per source (in the configuration's order).
        case source
        /// One list, newest first.
        case none
    }
}
