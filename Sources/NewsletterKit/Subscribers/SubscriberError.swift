/// A problem with a subscriber list or an address, naming the file and line.
public struct SubscriberError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let reason: String
    private let prefixed: Bool

    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
        prefixed = false
    }

    /// An error whose `reason` already names the file (and line).
    init(file: String, reason: String, prefixed: Bool) {
        self.file = file
        line = nil
        self.reason = reason
        self.prefixed = prefixed
    }

    public var description: String {
        if prefixed { return reason }
        return "\(line.map { "\(file):\($0)" } ?? file): \(reason)"
    }
}
