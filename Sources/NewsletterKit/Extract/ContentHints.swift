import Foundation

/// Class/id and text hints that tell article content from page furniture.
enum ContentHints {
    private static let negativeWords = [
        "nav", "menu", "footer", "foot", "sidebar", "side", "comment", "share", "social", "related", "recommend",
        "breadcrumb", "crumb", "weizhi", "position", "location", "copyright", "banner", "advert", "ads", "login",
        "search", "toolbar", "tools", "print", "pagination", "pager", "sxp", "prevnext", "tags", "subscribe",
        "popup", "modal", "qrcode", "ewm", "hot", "rank", "top", "header", "logo", "links", "friend", "widget",
        "fenxiang", "bdshare", "jiathis", "xgwz", "xgxw", "right", "left", "aside", "tel", "hotline", "promo",
        "masthead", "byline", "meta", "info", "dateline", "source",
        // Joomla's print/email icons and pager.
        "pagenav", "icons",
    ]

    /// Class/id words of known CMS widgets that sit inside an article's container, whatever other words say
    /// (`like-post-wrapper` holds `post`): Jetpack's sharing, likes and related posts in WordPress posts.
    private static let widgetWords: Set<String> = ["sharedaddy", "jetpack", "relatedposts"]

    /// Whether the element is a known CMS widget (``widgetWords``).
    static func isKnownWidget(_ node: HTMLNode) -> Bool {
        tokens(node).contains { widgetWords.contains($0) }
    }
    private static let positiveWords = [
        "content", "article", "text", "body", "main", "post", "entry", "story", "detail", "zoom", "trs_editor",
        "artibody", "news_txt", "conn", "con", "zw", "wz", "newstext", "mainbody", "cont", "txt",
    ]

    /// Splits class/id text into lowercase tokens (`news-content`, `newsContent` → `news`, `content`).
    static func tokens(_ node: HTMLNode) -> [String] {
        if let cached = node.hintTokens { return cached }
        let tokens = computeTokens(node)
        node.hintTokens = tokens
        return tokens
    }

    private static func computeTokens(_ node: HTMLNode) -> [String] {
        let raw = (node.attribute("class") ?? "") + " " + (node.attribute("id") ?? "")
        if raw.utf8.allSatisfy({ $0 < 0x80 }) { return asciiTokens(raw) }
        var tokens: [String] = []
        var current = ""
        var previousLower = false
        for character in raw {
            if character.isLetter || character.isNumber {
                if character.isUppercase && previousLower && !current.isEmpty {
                    tokens.append(current.lowercased())
                    current = ""
                }
                current.append(character)
                previousLower = character.isLowercase
            } else {
                if !current.isEmpty { tokens.append(current.lowercased()) }
                current = ""
                previousLower = false
            }
        }
        if !current.isEmpty { tokens.append(current.lowercased()) }
        let joined = raw.lowercased().replacingOccurrences(of: "-", with: "_")
        if joined.contains("trs_editor") { tokens.append("trs_editor") }
        return tokens
    }

    /// ``tokens(_:)`` for ASCII class/id text, on bytes.
    private static func asciiTokens(_ raw: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        var previousLower = false
        func flush() {
            if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in raw.utf8 {
            let isUpper = byte >= 0x41 && byte <= 0x5A
            let isLower = byte >= 0x61 && byte <= 0x7A
            let isDigit = byte >= 0x30 && byte <= 0x39
            if isUpper || isLower || isDigit {
                if isUpper && previousLower && !current.isEmpty { flush() }
                current.append(isUpper ? byte + 0x20 : byte)
                previousLower = isLower
            } else {
                flush()
                previousLower = false
            }
        }
        flush()
        let lowered = raw.lowercased()
        if TextNormalizer.contains(lowered, "trs_editor") || TextNormalizer.contains(lowered, "trs-editor") {
            tokens.append("trs_editor")
        }
        return tokens
    }

    /// +25 per positive hint, −25 per negative hint (at most one of each).
    static func weight(_ node: HTMLNode) -> Double {
        if let cached = node.hintWeight { return cached }
        let weight = computeWeight(node)
        node.hintWeight = weight
        return weight
    }

    private static func computeWeight(_ node: HTMLNode) -> Double {
        let tokens = tokens(node)
        guard !tokens.isEmpty else { return 0 }
        var weight = 0.0
        if tokens.contains(where: { token in
            positiveWords.contains(where: { token == $0 }) || positivePrefixes.contains(where: { token.hasPrefix($0) })
        }) {
            weight += 25
        }
        if isNegative(tokens) { weight -= 25 }
        return weight
    }

    /// Whether the class/id names furniture such as navigation, sidebars or share bars.
    static func isNegative(_ node: HTMLNode) -> Bool {
        let tokens = tokens(node)
        if tokens.isEmpty { return false }
        if let weight = node.hintWeight { return weight < 0 || (weight == 0 && isNegative(tokens)) }
        return isNegative(tokens)
    }

    private static func isNegative(_ tokens: [String]) -> Bool {
        tokens.contains { token in
            negativeWordSet.contains(token)
                || (token.utf8.count >= minimumInfixLength
                    && negativeInfixes.contains { TextNormalizer.contains(token, $0) })
                // Every prefix ends with `_`: only tokens holding one can match.
                || (token.utf8.contains(0x5F) && negativePrefixes.contains { token.hasPrefix($0) })
        }
    }

    private static let negativeWordSet = Set(negativeWords)
    /// UTF-8 length of the shortest infix: shorter tokens cannot hold one.
    private static let minimumInfixLength = negativeInfixes.map(\.utf8.count).min() ?? 0

    /// Positive words of four or more characters also count as prefixes (`contentbox`).
    private static let positivePrefixes = positiveWords.filter { $0.count >= 4 }
    /// Negative words of five or more characters also count inside a token (`topnavigation`).
    private static let negativeInfixes = negativeWords.filter { $0.count >= 5 }
    /// Every negative word followed by `_` counts as a prefix (`nav_list`).
    private static let negativePrefixes = negativeWords.map { $0 + "_" }

    /// Short texts that are page furniture wherever they appear.
    static let boilerplatePhrases = [
        "上一篇", "下一篇", "上一条", "下一条", "当前位置", "您的位置", "您现在的位置", "所在位置", "服务热线",
        "分享到", "打印本页", "关闭窗口", "【字体", "字号：", "字号:", "扫一扫", "版权所有", "Copyright", "ICP备",
        "ICP证", "浏览次数", "点击数", "【打印】", "【关闭】", "返回顶部", "相关阅读", "相关新闻", "相关文章",
        "网站地图", "联系我们", "免责声明", "公网安备", "【纠错】", "转播到腾讯微博", "正在加载",
    ]

    /// How short English lines of page furniture begin (ad labels, read-more and sign-up prompts, caption labels).
    private static let englishFurniturePrefixes = [
        "Advertisement", "ADVERTISEMENT", "Read more:", "Read More:", "READ MORE:", "Read more »", "Related:",
        "RELATED:", "Related Articles", "Sign up for", "Subscribe to our", "Share this", "Share on", "Follow us on",
        "Image copyright", "Image caption", "Media caption", "Click here to", "Continue reading", "Story continues",
        "Skip Advertisement", "Recommended:", "More from",
    ]

    /// Whether `text` is a short English line of page furniture (under 100 characters, starting with an ad
    /// label, a read-more, share or sign-up prompt, or a caption label).
    static func isEnglishFurniture(_ text: String) -> Bool {
        guard text.utf8.count < 100, let first = text.utf8.first, first < 0x80 else { return false }
        return englishFurniturePrefixes.contains { text.hasPrefix($0) }
    }

    /// Phrases of a paywall notice: the article stops here for non-members (`この記事は会員限定です`,
    /// `订阅后阅读全文`, `Subscribe to continue reading`).
    static let paywallPhrases = [
        "会員限定", "続きをお読み", "有料会員", "会员专享", "付费阅读", "订阅后阅读", "登录后阅读", "购买后阅读",
        "to continue reading", "subscribers only", "Subscribe to read", "subscribe to read", "Subscribe now to",
    ]

    /// Whether `text` is a short paywall notice (under 120 characters).
    static func isPaywallNotice(_ text: String) -> Bool {
        guard text.utf8.count < 120 * 3, text.utf8.count < 120 || text.count < 120 else { return false }
        return paywallPhrases.contains { TextNormalizer.contains(text, $0) }
    }

    /// Whether `text` is a short line of page furniture (navigation, share bar, footer…).
    static func isBoilerplate(_ text: String) -> Bool {
        // `count` (grapheme clusters) never exceeds the UTF-8 length, so short texts skip counting.
        let utf8Count = text.utf8.count
        guard utf8Count < 120 * 4, utf8Count < 120 || text.count < 120 else { return false }
        return boilerplatePhrases.contains { TextNormalizer.contains(text, $0) }
    }
}
