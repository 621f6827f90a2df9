import Foundation

/// Reads test fixtures copied into the test bundle's `Resources/` folder.
enum Fixtures {
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "fixture not found: \(path)" }
    }

    /// A URL written in a test; a typo stops the test run with the text.
    static func url(_ text: String) -> URL {
        guard let url = URL(string: text) else { preconditionFailure("not a URL: \(text)") }
        return url
    }

    /// A zone named in a test; a typo stops the test run with the name.
    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { preconditionFailure("no zone \(identifier)") }
        return zone
    }

    /// The bytes of `Resources/<path>`.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let base = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw Missing(path: path)
        }
        let url = base.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Missing(path: path) }
        return [UInt8](data)
    }

    /// A JSON object from `Resources/<path>`.
    static func json(_ path: String) throws -> [String: Any] {
        let data = Data(try bytes(path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Missing(path: path)
        }
        return object
    }
}
