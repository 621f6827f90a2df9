/// A problem in `newsletter.yml`: the file, the line and the key it concerns.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The configuration file's path.
    public let file: String
    /// 1-based line of the offending key or value, when known.
    public let line: Int?
    /// The dotted key path, for example `smtp.starttls`.
    public let key: String
    /// What is wrong with it.
    public let reason: String

    public init(file: String, line: Int?, key: String, reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(location): \(reason)" : "\(location): \(key): \(reason)"
    }
}
