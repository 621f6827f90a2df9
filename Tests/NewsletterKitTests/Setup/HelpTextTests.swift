import ArgumentParser
import Testing

@testable import newsletter

/// Every command's `--help` has a discussion with an example, laid out so that ArgumentParser's
/// wrapping at 80 columns never pushes an indented line (a table row, an example) back to column 0.
struct HelpTextTests {
    static func commands(_ command: any ParsableCommand.Type, path: String = "newsletter") -> [(
        String, any ParsableCommand.Type
    )] {
        [(path, command)]
            + command.configuration.subcommands.flatMap {
                commands($0, path: path + " " + ($0.configuration.commandName ?? "\($0)".lowercased()))
            }
    }

    @Test(arguments: commands(NewsletterCommand.self).map(\.0))
    func discussionHasAnExampleAndFits(path: String) throws {
        let command = try #require(Self.commands(NewsletterCommand.self).first { $0.0 == path }?.1)
        let discussion = command.configuration.discussion
        #expect(discussion.contains("Example"), "\(path) --help shows no example")
        for line in discussion.split(separator: "\n") where line.hasPrefix(" ") {
            #expect(line.count <= 80, "\(path) --help: an indented line of \(line.count) columns wraps: \(line)")
        }
    }
}
