public import Foundation

extension NewsletterConfig {
    /// The mailbox that receives bounces and `mailto:` unsubscribe requests (`mailbox:`).
    public struct Mailbox: Sendable {
        /// `imaps://host[:port]/FOLDER`, `imap://host[:port]/FOLDER` (STARTTLS per ``starttls``),
        /// `pop3s://host[:port]` or `pop3://host[:port]`.
        ///
        /// The IMAP folder defaults to `INBOX`.
        public var url: URL
        public var starttls: StartTLS
        public var username: String
        /// The name of the environment variable that holds the password.
        public var passwordEnvironmentVariable: String?
        /// A PEM file of CA certificates to trust.
        public var caFile: String?
        /// Timeout for one command, in seconds.
        public var timeoutSeconds: Int
        /// Soft bounces (4.x.x) for this many consecutive digests disable an address (default 3).
        public var softBounceLimit: Int

        public init(
            url: URL, starttls: StartTLS, username: String, passwordEnvironmentVariable: String?, caFile: String?,
            timeoutSeconds: Int, softBounceLimit: Int
        ) {
            self.url = url
            self.starttls = starttls
            self.username = username
            self.passwordEnvironmentVariable = passwordEnvironmentVariable
            self.caFile = caFile
            self.timeoutSeconds = timeoutSeconds
            self.softBounceLimit = softBounceLimit
        }
    }
}
