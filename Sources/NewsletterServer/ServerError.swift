/// A problem that stops `newsletter serve` from starting, naming the setting.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
