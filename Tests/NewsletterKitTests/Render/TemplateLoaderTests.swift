import Foundation
import Logging
import Mustache
import Testing

@testable import NewsletterKit
@testable import NewsletterServer

/// The one loader behind the digest's templates and `serve`'s pages: the operator's file or the built-in
/// copy, parse errors naming file and line, misspelt variables named against each caller's vocabulary.
struct TemplateLoaderTests {
    static let serve = TemplateLoader(
        directory: nil, vocabulary: TemplateVocabulary.serverVariables, provider: "no serve page", missingLevel: .info)

    @Test func operatorFileWinsAndMisspeltVariablesAreNamed() throws {
        let folder = try TemporaryFolder()
        try Data("<p>{{#ask}}{{emial}} {{title}}{{/ask}}</p>\n".utf8).write(
            to: folder.file("unsubscribe.html.mustache"))
        var loader = Self.serve
        loader.directory = folder.url
        let collector = LogCollector()
        let template = try loader.load("unsubscribe.html.mustache", builtIn: "built-in", logger: collector.logger)
        #expect(template.render(["ask": true, "title": "周报"]) == "<p> 周报</p>\n")
        #expect(collector.warnings.count == 1)
        #expect(collector.warnings.first?.contains("unsubscribe.html.mustache:1") == true)
        #expect(collector.warnings.first?.contains("{{emial}}, which no serve page provides") == true)
    }

    /// A missing file falls back to the built-in copy; `serve` logs it below warning level, the digest at
    /// warning level (both through the same loader).
    @Test(arguments: [(Logger.Level.info, 0), (.warning, 1)])
    func missingFilesFallBackToTheBuiltInCopy(level: Logger.Level, warnings: Int) throws {
        let folder = try TemporaryFolder()
        var loader = Self.serve
        loader.directory = folder.url
        loader.missingLevel = level
        let collector = LogCollector()
        let template = try loader.load("subscribe.html.mustache", builtIn: "{{title}}", logger: collector.logger)
        #expect(template.render(["title": "x"]) == "x")
        #expect(collector.warnings.count == warnings)
    }

    @Test func parseErrorsNameTheFileAndLine() throws {
        let folder = try TemporaryFolder()
        try Data("line one\n{{#form}} never closed\n".utf8).write(to: folder.file("subscribe.html.mustache"))
        var loader = Self.serve
        loader.directory = folder.url
        let error = #expect(throws: RenderError.self) {
            try loader.load("subscribe.html.mustache", builtIn: "", logger: LogCollector().logger)
        }
        #expect(error?.file == folder.file("subscribe.html.mustache").path)
        #expect(error?.description.contains("never closed") == true)
        // serve names it the same way, as a start-up error.
        #expect(throws: ServerError.self) {
            try ServerPages(directory: folder.url, title: "t", logger: LogCollector().logger)
        }
    }

    /// Every built-in page uses only the words its vocabulary lists.
    @Test(arguments: [ServerTemplates.unsubscribe, ServerTemplates.subscribe, ServerTemplates.confirmationText])
    func builtInPagesUseOnlyKnownVariables(source: String) {
        #expect(TemplateVocabulary.unknownVariables(in: source, known: TemplateVocabulary.serverVariables).isEmpty)
    }
}
