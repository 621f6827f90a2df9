/// A problem with a subscriber list or an address, naming the file and line.
public struct SubscriberError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let reason: String

    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "\(line.map { "\(file):\($0)" } ?? file): \(reason)"
    }
}
