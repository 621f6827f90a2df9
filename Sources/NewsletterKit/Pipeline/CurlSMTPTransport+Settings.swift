public import Foundation

extension CurlSMTPTransport {
    /// The transport for a newsletter's `smtp:` settings.
    ///
    /// - Parameters:
    ///   - settings: the `smtp:` section: server URL, STARTTLS policy, username, `password_env`, CA file
    ///     and reply timeout (seconds).
    ///   - heloDomain: the name sent in EHLO, normally the From address's domain.
    ///   - configFile: the configuration file, named in the error when the password is missing.
    ///   - environment: where `password_env` is looked up. Without a `username` there is no login
    ///     (no AUTH) and `password_env` is not read.
    /// - Throws: ``NewsletterError`` naming the config file when there is a username and the
    ///   password variable is not set.
    public init(
        settings: NewsletterConfig.SMTP, heloDomain: String, configFile: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let variable = settings.username == nil ? nil : settings.passwordEnvironmentVariable
        let password = variable.flatMap { environment[$0] }
        if let variable, password == nil {
            throw NewsletterError(
                description: "\(configFile.path): smtp.password_env: the environment variable \(variable) is not set")
        }
        self.init(
            url: settings.url, starttls: settings.starttls, username: settings.username, password: password,
            caFile: settings.caFile, timeoutSeconds: settings.timeoutSeconds, heloDomain: heloDomain)
    }
}
