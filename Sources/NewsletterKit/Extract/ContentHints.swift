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
    ]
    private static let positiveWords = [
        "content", "article", "text", "body", "main", "post", "entry", "story", "detail", "zoom", "trs_editor",
        "artibody", "news_txt", "conn", "con", "zw", "wz", "newstext", "mainbody", "cont", "txt",
    ]

    /// Splits class/id text into lowercase tokens (`news-content`, `newsContent` → `news`, `content`).
    static func tokens(_ node: HTMLNode) -> [String] {
        let raw = (node.attribute("class") ?? "") + " " + (node.attribute("id") ?? "")
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

    /// +25 per positive hint, −25 per negative hint (at most one of each).
    static func weight(_ node: HTMLNode) -> Double {
        let tokens = tokens(node)
        guard !tokens.isEmpty else { return 0 }
        var weight = 0.0
        if tokens.contains(where: { token in positiveWords.contains(where: { token == $0 || token.hasPrefix($0) && $0.count >= 4 }) }) {
            weight += 25
        }
        if isNegative(tokens) { weight -= 25 }
        return weight
    }

    /// Whether the class/id names furniture such as navigation, sidebars or share bars.
    static func isNegative(_ node: HTMLNode) -> Bool { isNegative(tokens(node)) }

    private static func isNegative(_ tokens: [String]) -> Bool {
        tokens.contains { token in
            negativeWords.contains { word in
                token == word || (word.count >= 5 && token.contains(word)) || token.hasPrefix(word + "_")
            }
        }
    }

    /// Short texts that are page furniture wherever they appear.
    static let boilerplatePhrases = [
        "上一篇", "下一篇", "上一条", "下一条", "当前位置", "您的位置", "您现在的位置", "所在位置", "服务热线",
        "分享到", "打印本页", "关闭窗口", "【字体", "字号：", "字号:", "扫一扫", "版权所有", "Copyright", "ICP备",
        "ICP证", "浏览次数", "点击数", "【打印】", "【关闭】", "返回顶部", "相关阅读", "相关新闻", "相关文章",
        "网站地图", "联系我们", "免责声明", "公网安备", "【纠错】", "转播到腾讯微博", "正在加载",
    ]

    /// Whether `text` is a short line of page furniture (navigation, share bar, footer…).
    static func isBoilerplate(_ text: String) -> Bool {
        guard text.count < 120 else { return false }
        return boilerplatePhrases.contains { text.contains($0) }
    }
}
