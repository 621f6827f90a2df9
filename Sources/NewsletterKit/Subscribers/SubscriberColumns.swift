import Foundation

/// Which header cell holds which field, for lists and spreadsheets in Chinese or English.
///
/// Cells are compared after NFKC, case folding, and removing white space, `-`, `_` and `.`, against:
/// - email: `email`, `e-mail`, `mail`, `email address`, `e-mail address`, `邮箱`, `电子邮箱`, `电子邮件`,
///   `邮件`, `邮件地址`, `邮箱地址`, `电子邮件地址`;
/// - name: `name`, `full name`, `display name`, `姓名`, `名字`, `称呼`;
/// - `status`/`状态`, `token`, `added`.
/// The first matching cell wins; other non-empty cells are extra columns, kept with their values.
public struct SubscriberColumns: Sendable, Equatable {
    public var email: Int
    public var name: Int?
    public var status: Int?
    public var token: Int?
    public var added: Int?
    /// The other named columns: position and header as written.
    public var extra: [(index: Int, name: String)]

    private static let emailAliases: Set<String> = [
        "email", "mail", "emailaddress", "mailaddress", "邮箱", "电子邮箱", "电子邮件", "邮件", "邮件地址", "邮箱地址",
        "电子邮件地址", "电邮",
    ]
    private static let nameAliases: Set<String> = ["name", "fullname", "displayname", "姓名", "名字", "称呼"]

    /// The header cell folded for comparison.
    static func fold(_ cell: String) -> String {
        var folded = cell.precomposedStringWithCompatibilityMapping.lowercased()
        folded.unicodeScalars.removeAll {
            $0.properties.isWhitespace || $0 == "-" || $0 == "_" || $0 == "." || $0 == "\u{FEFF}"
        }
        return folded
    }

    /// The columns of `header`, or `nil` when it has no email column.
    public init?(header: [String]) {
        let folded = header.map(Self.fold)
        guard let email = folded.firstIndex(where: Self.emailAliases.contains) else { return nil }
        self.email = email
        func first(_ names: Set<String>) -> Int? {
            folded.indices.first { $0 != email && names.contains(folded[$0]) }
        }
        name = first(Self.nameAliases)
        status = first(["status", "状态"])
        token = first(["token"])
        added = first(["added", "加入日期"])
        let known = Set([email, name, status, token, added].compactMap { $0 })
        extra = header.indices.filter { !known.contains($0) && !folded[$0].isEmpty }.map {
            (index: $0, name: header[$0].trimmingCharacters(in: .whitespaces))
        }
    }

    public static func == (a: SubscriberColumns, b: SubscriberColumns) -> Bool {
        a.email == b.email && a.name == b.name && a.status == b.status && a.token == b.token && a.added == b.added
            && a.extra.map(\.index) == b.extra.map(\.index) && a.extra.map(\.name) == b.extra.map(\.name)
    }
}
