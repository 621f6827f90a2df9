import Foundation
import Mustache

/// The words for template problems: parser errors in plain language instead of the parser's case
/// names, and the variables a digest template may use, so that a misspelt one is a warning naming it
/// rather than a silently empty spot in every message.
package enum TemplateVocabulary {
    /// Every variable the digest templates get (see ``DigestRenderer``), top level and inside
    /// `groups`, `articles` and `links`.
    static let variables: Set<String> = [
        "title", "subject", "issue_date", "article_count", "preheader", "subscriber_name", "unsubscribe_url",
        "archive_url", "view_url", "web_page", "groups", "heading", "articles", "number", "url", "date", "source",
        "category", "author", "excerpt", "omitted_count", "archive_number", "links",
    ]

    /// The parser's error in words.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        return switch error {
        case .sectionCloseNameIncorrect:
            "a section is closed with another name than it was opened with ({{#name}} … {{/name}})"
        case .unfinishedName: "a tag is not closed: '{{' without its '}}'"
        case .expectedSectionEnd: "a section is opened but never closed: {{#name}} needs a matching {{/name}}"
        case .invalidSetDelimiter: "a delimiter change {{=<% %>=}} is malformed"
        case .transformAppliedToInheritanceSection: "a transform is applied to an inheritance section"
        case .illegalTokenInsideInheritSection, .textInsideInheritSection:
            "an inheritance section ({{<name}}) may hold only block definitions ({{$name}})"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable:
            "a pragma {{% … }} is malformed (only {{%CONTENT_TYPE: TEXT}} or HTML is known)"
        }
    }

    /// Every variable and section the pages and mails of `newsletter serve` get: the unsubscribe page's
    /// states (`ask`, `done`, `invalid`), the subscribe page's (`form`, `sent`, `confirm`, `confirmed`,
    /// `invalid`, `limited`, `unavailable`) and their values.
    package static let serverVariables: Set<String> = [
        "title", "email", "action", "link", "error", "ask", "done", "invalid", "form", "sent", "confirm", "confirmed",
        "limited", "unavailable",
    ]

    /// Variable names used in `source` (tags `{{name}}`, `{{{name}}}`, `{{&name}}`, `{{#name}}`,
    /// `{{^name}}`) that are not in `known`, with the line of their first use.
    static func unknownVariables(in source: String, known: Set<String> = variables) -> [(name: String, line: Int)] {
        var result: [(String, Int)] = []
        var seen = Set<String>()
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                rest = rest[open.upperBound...]
                guard let close = rest.range(of: "}}") else { break }
                var tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                rest = rest[close.upperBound...]
                if tag.hasPrefix("{") { tag = String(tag.dropFirst()) }
                guard let first = tag.first else { continue }
                if "!%=/>$<".contains(first) { continue }
                if "#^&".contains(first) { tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces) }
                let name = tag.split(separator: ".").first.map(String.init) ?? tag
                guard !name.isEmpty, name != ".", !known.contains(name), seen.insert(name).inserted else {
                    continue
                }
                result.append((name, index + 1))
            }
        }
        return result
    }
}
