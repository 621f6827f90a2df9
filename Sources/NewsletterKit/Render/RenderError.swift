/// A template that cannot be parsed: the file, the line and what is wrong.
public struct RenderError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let reason: String

    public var description: String { "\(line.map { "\(file):\($0)" } ?? file): \(reason)" }
}
