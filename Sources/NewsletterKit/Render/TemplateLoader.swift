package import Foundation
package import Logging
package import Mustache

/// Reads the Mustache templates an operator may edit: `NAME` from the templates folder when it is there,
/// else the built-in copy; used for the digest (``DigestRenderer``) and for the pages and mails of
/// `newsletter serve`.
///
/// A missing or unreadable file is logged at ``missingLevel`` and the built-in copy is used; a template
/// that does not parse is an error naming the file and line; a tag naming a variable outside
/// ``vocabulary`` is a warning naming it (misspelt?), since it would render as nothing.
package struct TemplateLoader: Sendable {
    /// The operator's templates folder, or `nil` for the built-in copies only.
    package var directory: URL?
    /// Every variable and section name the templates get, or `nil` to skip the check.
    package var vocabulary: Set<String>?
    /// Who would provide the variables, in the warning ("no digest", "no serve page").
    package var provider: String
    /// The level at which a missing template file is logged.
    package var missingLevel: Logger.Level

    package init(directory: URL?, vocabulary: Set<String>?, provider: String, missingLevel: Logger.Level) {
        self.directory = directory
        self.vocabulary = vocabulary
        self.provider = provider
        self.missingLevel = missingLevel
    }

    /// Loads the template `name` from the folder, or the built-in copy when the folder has none.
    ///
    /// - Parameters:
    ///   - name: the file name in the templates folder, for example `digest.html.mustache`.
    ///   - builtIn: the template used when the folder has no readable file of that name.
    ///   - logger: receives the missing-file message and the unknown-variable warnings.
    /// - Returns: the parsed template.
    /// - Throws: ``RenderError`` naming the file (or `built-in NAME`) and line of a template that does not
    ///   parse.
    package func load(_ name: String, builtIn: String, logger: Logger) throws -> MustacheTemplate {
        var source = builtIn
        var file = "built-in \(name)"
        if let directory {
            let url = directory.appendingPathComponent(name)
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                source = text
                file = url.path
            } else {
                logger.log(
                    level: missingLevel, "template \(url.path) is missing or unreadable; using the built-in default")
            }
        }
        do {
            let template = try MustacheTemplate(string: source)
            if let vocabulary {
                for (variable, line) in TemplateVocabulary.unknownVariables(in: source, known: vocabulary) {
                    logger.warning(
                        "\(file):\(line): the template uses {{\(variable)}}, which \(provider) provides: it renders as nothing (misspelt?)"
                    )
                }
            }
            return template
        } catch let error as MustacheTemplate.ParserError {
            throw RenderError(
                file: file, line: error.context.lineNumber,
                reason:
                    "\(TemplateVocabulary.describe(error.error)), near '\(error.context.line.trimmingCharacters(in: .whitespaces))'"
            )
        } catch {
            throw RenderError(file: file, line: nil, reason: "\(error)")
        }
    }
}
