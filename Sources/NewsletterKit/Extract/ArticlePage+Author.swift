import Foundation

extension ArticlePage {
    // MARK: - Author from markup

    /// Class and id words that mark an author's name: `author`, `byline`, `writer`, forum `authi` and
    /// `postauthor`, user-name boxes (`username`, `uname`, `nick`), pinyin `zuozhe` (作者).
    private static let authorTokens: Set<String> = [
        "author", "authors", "byline", "writer", "authi", "postauthor", "poster", "username", "uname", "nick",
        "nickname", "zuozhe", "usrname", "owner", "ownernick",
    ]

    /// Link paths of user profiles on forums and blogs (Discuz `space-uid-1.html`, `home.php?mod=space&uid=`,
    /// phpwind `u.php?uid=`, `/people/…`, `/u/123`, `/user/…`, `/member/…`, `/profile/…`, `/author/…`).
    private static let profilePathMarks = [
        "space-uid-", "space.php?uid=", "mod=space&uid=", "mod=space&amp;uid=", "u.php?uid=", "/people/", "/u/",
        "/user/", "/users/", "/member/", "/members/", "/profile/", "/author/", "/authors/", "/blogger/",
    ]

    /// Words of page furniture that sit where a user name would (log-in boxes, buttons).
    private static let interfaceWords = [
        "登录", "注册", "退出", "我的", "个人中心", "会员中心", "用户名", "密码", "设置", "消息", "收藏", "关注", "粉丝",
        "更多", "首页", "返回", "log in", "login", "sign in", "sign up", "register", "profile", "follow", "subscribe",
        "more", "view all", "all posts", "about",
    ]

    /// Elements whose subtrees never hold the article's author.
    private static let furnitureElements: Set<String> = [
        "nav", "footer", "aside", "header", "form", "select", "option", "button",
    ]

    /// Labels that may open an author element's text (`作者：张三`, `By Jane Doe`, `文/李四`).
    private static let authorLabels = [
        "作者：", "作者:", "作者", "楼主：", "楼主:", "楼主", "发表者：", "发表者:", "发帖人：", "博主：", "博主:", "文/", "文／", "文：", "撰文：",
        "Posted by", "Written by", "posted by", "written by", "By ", "by ", "BY ",
    ]

    /// The first author name the page marks up, in document order.
    ///
    /// Candidates: `rel="author"`, `itemprop="author"`, an element whose class or id says author, byline or user
    /// name, a Tianya-style `uname` attribute, or a link to a user profile (forums, blogs). Navigation, headers,
    /// footers, asides and hidden elements are skipped. Read before the body is pruned (the byline box next to
    /// the headline is pruned as furniture).
    /// - Returns: The cleaned name, or `nil` when no candidate is a plausible author.
    func findMarkupAuthor() -> String? {
        guard let body = root.first("body") else { return nil }
        var found: String?
        body.walk { node in
            guard found == nil, node.isElement else { return false }
            if Self.furnitureElements.contains(node.name), !Self.isArticleHeader(node) { return false }
            // One pass over the attributes rules out nearly every element before any class is tokenised.
            let scan = Self.scanAttributes(node)
            if scan.mayHoldComments, Self.isCommentSection(node) { return false }
            guard scan.mayNameAuthor else { return true }
            if Self.hiddenByClass(node) { return false }
            if let candidate = authorCandidate(node), let name = Self.cleanAuthor(candidate, title: documentTitle) {
                found = name
                return false
            }
            return true
        }
        return found
    }

    /// Whether `node` is the `<header>` of an article (inside `<article>` or `<main>`), where a blog or news
    /// template puts the byline (`header.entry-header` > `address.vcard` > `a[rel=author]`), not the site's
    /// banner.
    static func isArticleHeader(_ node: HTMLNode) -> Bool {
        node.name == "header" && node.ancestors.contains { $0.name == "article" || $0.name == "main" }
    }

    /// Class and id words of reader comment sections, whose `cite.author` and profile links name commenters.
    private static let commentTokens: Set<String> = [
        "comment", "comments", "commentlist", "commentlists", "respond", "disqus", "pinglun",
    ]

    /// Fragments of ``commentTokens`` in a class or id, tested before tokenising.
    private static let commentFragments = ["omment", "OMMENT", "respond", "disqus", "pinglun"]

    /// Whether `node` holds reader comments (`ol#comment-list`, `div.Comments`, `section#comments`, `#respond`).
    static func isCommentSection(_ node: HTMLNode) -> Bool {
        // `body.comments-open` (WordPress) and an `article` whose class says it takes comments hold the article.
        if node.name == "body" || node.name == "article" || node.name == "main" { return false }
        return ContentHints.tokens(node).contains { commentTokens.contains($0) }
    }

    private func authorCandidate(_ node: HTMLNode) -> String? {
        if let uname = node.attribute("uname"), !uname.isEmpty { return uname }
        if let rel = node.attribute("rel"), rel.lowercased().split(separator: " ").contains("author") {
            return node.textContent
        }
        if node.attribute("itemprop")?.lowercased() == "author" {
            if let name = node.descendants(named: ["span", "a", "meta"]).first(where: {
                $0.attribute("itemprop")?.lowercased() == "name"
            }) {
                return name.attribute("content") ?? name.textContent
            }
            return node.attribute("content") ?? node.textContent
        }
        let tokens = ContentHints.tokens(node)
        if tokens.contains(where: { Self.authorTokens.contains($0) }) {
            // A byline box holding a marked name (`div.author` > `a.author__name` + `div.author__date`): the
            // walk goes on to the name.
            if node.descendants(named: ["a", "span", "strong", "em", "b", "div", "p", "cite"]).contains(where: isMarked)
            {
                return nil
            }
            let text = TextNormalizer.collapse(node.textContent)
            if text.count <= 40 { return text }
            // An author box with a biography: the name is its first link.
            return node.descendants(named: ["a"]).first.map { $0.textContent }
        }
        if node.name == "a", let href = node.attribute("href")?.lowercased(),
            Self.profilePathMarks.contains(where: { href.contains($0) })
        {
            return node.textContent
        }
        return nil
    }

    /// ASCII fragments of the class/id words in ``authorTokens``.
    ///
    /// Lowercase and capitalised (`postAuthor`, `UserName`), so that values are never lowercased.
    private static let authorFragments = [
        "auth", "Auth", "AUTH", "byline", "Byline", "writer", "Writer", "poster", "Poster", "user", "User", "usr",
        "uname", "nick", "Nick", "zuozhe", "owner", "Owner",
    ]

    /// One cheap pass over `node`'s attributes: whether it may be an author candidate (a `uname`, `rel` or
    /// `itemprop` attribute, a class or id holding an author word fragment, or a link whose path looks like a
    /// profile) and whether its class or id may name a comment section.
    static func scanAttributes(_ node: HTMLNode) -> (mayNameAuthor: Bool, mayHoldComments: Bool) {
        var candidate = false
        var comments = false
        for attribute in node.attributes {
            switch attribute.name {
            case "uname", "rel", "itemprop":
                candidate = true
            case "class", "id":
                if !candidate, authorFragments.contains(where: { TextNormalizer.contains(attribute.value, $0) }) {
                    candidate = true
                }
                if !comments, commentFragments.contains(where: { TextNormalizer.contains(attribute.value, $0) }) {
                    comments = true
                }
            case "href":
                if !candidate, node.name == "a",
                    profilePathMarks.contains(where: { TextNormalizer.contains(attribute.value, $0) })
                {
                    candidate = true
                }
            default:
                continue
            }
        }
        return (candidate, comments)
    }

    /// Whether `node` itself names an author (by attribute, class or profile link).
    private func isMarked(_ node: HTMLNode) -> Bool {
        if node.attribute("uname") != nil { return true }
        if let rel = node.attribute("rel"), rel.lowercased().contains("author") { return true }
        if node.attribute("itemprop")?.lowercased() == "author" { return true }
        if ContentHints.tokens(node).contains(where: { Self.authorTokens.contains($0) }) { return true }
        if node.name == "a", let href = node.attribute("href")?.lowercased() {
            return Self.profilePathMarks.contains(where: { href.contains($0) })
        }
        return false
    }

    /// `raw` without a label or a trailing date, when it can be a person's (or a user's) name.
    static func cleanAuthor(_ raw: String, title: String) -> String? {
        var text = TextNormalizer.collapse(raw)
        for label in authorLabels where text.hasPrefix(label) {
            text = TextNormalizer.collapse(String(text.dropFirst(label.count)).trimmingCharacters(in: .whitespaces))
            break
        }
        // `张三 发表于 2019-05-31`, `Jane Doe | May 31, 2019`, `张三 2019-05-31 10:00`.
        for stop in [" 发表于", "发表于", " 发布于", " 于 ", " | ", " · ", " - ", " on ", "，", ",", "\n"] {
            if let range = text.range(of: stop), range.lowerBound > text.startIndex {
                text = String(text[..<range.lowerBound])
            }
        }
        if let range = text.range(of: #"\s+\d{2,4}[-/年.]"#, options: .regularExpression) {
            text = String(text[..<range.lowerBound])
        }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: " :：|·-–—()（）[]【】\u{3000}"))
        guard (2...30).contains(text.count), !title.contains(text) || text.count < 4 else { return nil }
        let lower = text.lowercased()
        if interfaceWords.contains(where: {
            lower == $0 || ($0.first?.isCJK == true && lower.hasPrefix($0) && text.count <= 6)
        }) {
            return nil
        }
        guard Byline.isPlausibleAuthor(text) else { return nil }
        return text
    }
}
