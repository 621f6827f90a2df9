import Foundation

/// Bylines and author values a reader would accept.
///
/// An author is a person or a desk: never a CMS id (`L_360307`), a URL, a site name (`云南网`), a keyword list
/// (`www.yunnan.cn,云南日报报业集团,云南网`) or a date. Byline lines at the start or end of a Chinese body
/// (`（记者 胡晓蓉）`, `□ 本报记者 葛灵丹`, `记者 张三 通讯员 李四`, `文/图 王五`) belong in the author field.
enum Byline {
    /// Whether `value` can be an author's name or a desk.
    static func isPlausibleAuthor(_ value: String) -> Bool {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 40 else { return false }
        let lower = text.lowercased()
        if lower.contains("://") || lower.contains("www.") || lower.contains("@") { return false }
        for suffix in [".com", ".cn", ".net", ".org", ".gov"] where lower.hasSuffix(suffix) { return false }
        // CMS ids: `L_360307`, `u12345`, digits only.
        if text.range(of: #"[A-Za-z]+_?\d{3,}"#, options: .regularExpression) != nil { return false }
        if text.allSatisfy({ $0.isNumber || $0.isPunctuation || $0.isWhitespace }) { return false }
        // Keyword lists.
        let parts = text.split(whereSeparator: { ",，;；|".contains($0) })
        if parts.count >= 3 { return false }
        // Site and organisation names.
        for suffix in ["网", "网站", "集团", "报业", "门户", "频道", "客户端", "在线", "官网"] where text.hasSuffix(suffix) {
            return false
        }
        if text.contains("集团") || text.contains("版权") || text.contains("所有") { return false }
        // Dates.
        if DateParser.firstDate(in: text, timeZone: .gmt) != nil { return false }
        if text.range(of: #"\d{1,2}[-/月]\d{1,2}"#, options: .regularExpression) != nil { return false }
        return true
    }

    /// About 250 common single-character Chinese surnames, for telling a personal name from an outlet's or a
    /// place's short name.
    private static let commonSurnames: Set<Character> = Set(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    )

    /// Whether `value` reads as a Chinese personal name (`尹娟`, `欧阳明`): two or three Han characters opening
    /// with a common surname (or a two-character one), with no character that ends an outlet's, an
    /// office's or a place's name (`社 报 网 台 站 部 局 委 会 院 所 厅 办 处 室 队 组 版 市 县 区 州 镇 乡 村`).
    static func isChinesePersonalName(_ value: String) -> Bool {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard (2...4).contains(text.count), text.allSatisfy({ $0.isCJK }), let first = text.first else { return false }
        let compound = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "夏侯", "尉迟", "公孙", "长孙", "宇文", "司徒"]
        let hasCompound = compound.contains(where: { text.hasPrefix($0) })
        guard hasCompound || (commonSurnames.contains(first) && text.count <= 3) else { return false }
        // Outlets, offices and places (`常州市`, `温州`, `高新区`).
        if let last = text.last, "社报网台站部局委会院所厅办处室队组版刊栏频道中心市县区省州镇乡村".contains(last) { return false }
        return isPlausibleAuthor(text)
    }

    /// The names in a byline line, or `nil` when the line is not a byline.
    ///
    /// - Parameter line: One collapsed body paragraph.
    /// - Returns: The names joined by a space (`胡晓蓉`, `张三 李四`).
    static func names(inLine line: String) -> String? {
        var text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 50 else { return nil }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "□■●◆◇○※ \u{3000}"))
        if let first = text.first, "（(【[".contains(first), let last = text.last, "）)】]".contains(last) {
            text = String(text.dropFirst().dropLast())
        }
        let roles = [
            "本报特约记者", "本报记者", "本刊记者", "新华社记者", "特约记者", "见习记者", "通讯员", "摄影记者", "记者", "文/图", "文／图",
            "图/文", "图／文", "文字", "摄影", "撰稿", "撰文", "作者", "文/", "文／", "图/", "图／", "文｜", "文|",
            // Japanese: `編集委員　中沢克二`, `論説委員`, `特派員`.
            "特別編集委員", "編集委員", "論説委員", "特派員",
        ]
        var found = false
        var names: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " || $0 == "\u{3000}" || $0 == "、" || $0 == "，" || $0 == "," })
            if let role = roles.first(where: { rest.hasPrefix($0) }) {
                found = true
                rest = rest.dropFirst(role.count).drop(while: {
                    $0 == " " || $0 == "：" || $0 == ":" || $0 == "\u{3000}"
                })
                continue
            }
            let token = rest.prefix(while: { !($0 == " " || $0 == "\u{3000}" || $0 == "、" || $0 == "，" || $0 == ",") })
            guard !token.isEmpty else { break }
            // `记者 某某 报道`, `记者 某某 发自北京`, `摄影 某某 摄`: what follows the names is not a name.
            if names.count > 0, closingWords.contains(where: { token.hasPrefix($0) }) { break }
            // A name: 2–4 CJK characters (a role glued to it is split off above).
            var name = String(token)
            if let role = roles.first(where: { name.hasSuffix($0) && name.count > $0.count }) {
                name = String(name.dropLast(role.count))
                found = true
            }
            guard (2...4).contains(name.count), name.allSatisfy(\.isCJKIdeograph) else { return nil }
            names.append(name)
            rest = rest[token.endIndex...]
        }
        guard found, !names.isEmpty, names.count <= 8 else { return nil }
        return names.joined(separator: " ")
    }

    /// Words that end the names of a byline (`记者 葛灵丹 报道`, `记者 张三 发自北京`, `王五 摄`).
    private static let closingWords = ["报道", "发自", "摄", "整理", "编译", "综合", "采写"]

    /// Roles that open a byline inside running text (`本报讯（记者 张三 通讯员 李四）…`).
    private static let openingRoles = [
        "本报特约记者", "本报记者", "本刊记者", "新华社记者", "特约记者", "见习记者", "通讯员", "记者", "文/图", "文／图", "撰文", "撰稿",
    ]

    /// The names of a byline inside running text: a role (`记者`, `通讯员`, `本报记者`, …) at the start, after an
    /// opening bracket, after `讯`/`电` (`本报讯`, `…日电`) or after a space, followed by names up to a closing
    /// bracket, a sentence mark or a line end (`新华社北京2月13日电（记者 王建宏、张文攀）…` → `王建宏 张文攀`).
    ///
    /// - Parameter text: A paragraph or a few header lines.
    /// - Returns: The names joined by a space, or `nil` when no role is followed by names only.
    static func names(inText text: String) -> String? {
        var searchStart = text.startIndex
        while searchStart < text.endIndex {
            var best: (range: Range<String.Index>, role: String)?
            for role in openingRoles {
                guard let range = TextNormalizer.range(of: role, in: text, from: searchStart) else { continue }
                if best == nil || range.lowerBound < (best?.range.lowerBound ?? text.endIndex)
                    || (range.lowerBound == best?.range.lowerBound && role.count > (best?.role.count ?? 0))
                {
                    best = (range, role)
                }
            }
            guard let found = best else { return nil }
            searchStart = found.range.upperBound
            if found.range.lowerBound > text.startIndex {
                let before = text[text.index(before: found.range.lowerBound)]
                guard before.isWhitespace || "（(【[□■●讯电：:\u{3000}".contains(before) else { continue }
            }
            let segment = text[found.range.lowerBound...].prefix(while: { !"）)】]。；;|\n".contains($0) }).prefix(60)
            if let names = names(inLine: String(segment)) { return names }
        }
        return nil
    }

    /// An English byline line: `By Jane Doe`, `By Jane Doe and John Roe` (at most six words, capitalised).
    ///
    /// - Parameter line: One collapsed body paragraph.
    /// - Returns: The names after `By`, or `nil`.
    static func englishNames(inLine line: String) -> String? {
        guard line.count <= 80 else { return nil }
        var words = line.split(separator: " ")
        guard let first = words.first, ["By", "BY", "by"].contains(first), words.count >= 2, words.count <= 8 else {
            return nil
        }
        words.removeFirst()
        let names = words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: " ,;|"))
        let capitalised = words.allSatisfy { word in
            ["and", "&", "de", "van", "von", "der", "la", "di"].contains(word)
                || word.first.map { $0.isUppercase } == true
        }
        guard capitalised, isPlausibleAuthor(names) else { return nil }
        return names
    }

    /// Moves a byline line at the start or end of the body into the author field.
    static func moveBylines(_ article: inout ExtractedArticle) {
        var paragraphs = article.bodyText.components(separatedBy: "\n\n")
        guard paragraphs.count >= 2 else { return }
        var moved: [String] = []
        var bylineNames: String?
        var bylineLine = ""
        for index in [paragraphs.count - 1, 0] {
            let line = TextNormalizer.collapse(paragraphs[index])
            if let names = names(inLine: line) ?? englishNames(inLine: line) {
                if bylineNames == nil {
                    bylineNames = names
                    bylineLine = line
                }
                moved.append(line)
                paragraphs.remove(at: index)
            }
        }
        guard let bylineNames, !paragraphs.isEmpty else { return }
        // The byline's names replace an author that is no name or that was read out of this same line.
        if let author = article.author, isPlausibleAuthor(author),
            !bylineLine.contains(author.replacingOccurrences(of: " ", with: ""))
                && !bylineLine.contains(author)
        {
            // keep the labelled author found elsewhere
        } else {
            article.author = bylineNames
        }
        article.bodyText = paragraphs.joined(separator: "\n\n")
        for line in moved { article.bodyHTML = removeParagraph(line, from: article.bodyHTML) }
    }

    /// `html` without the first `<p>`/`<div>` whose text is `line`.
    static func removeParagraph(_ line: String, from html: String) -> String {
        let pattern = #"<(p|div|span|h\d)\b[^>]*>((?:(?!</?\1\b).)*?)</\1>"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
            return html
        }
        let ns = html as NSString
        for match in regex.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let inner = ns.substring(with: match.range(at: 2))
            let text = TextNormalizer.collapse(TextNormalizer.decodeEntities(TextNormalizer.stripTags(inner)))
            if text == line { return ns.replacingCharacters(in: match.range, with: "") }
        }
        return html
    }
}

extension Character {
    /// A CJK unified ideograph (basic block and extension A) or `·` inside transliterated names.
    fileprivate var isCJKIdeograph: Bool {
        guard let scalar = unicodeScalars.first, unicodeScalars.count == 1 else { return false }
        return (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
            || scalar.value == 0x00B7
    }
}
