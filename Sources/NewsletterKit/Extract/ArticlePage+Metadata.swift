import Foundation

extension ArticlePage {
    // MARK: - Title

    /// The headline: CMS `ArticleTitle` meta, an `<h1>` that matches `<title>`, `og:title`, a lone `<h1>`,
    /// or `<title>` without its site suffix (`文章_栏目_站点` → `文章`).
    func findTitle() -> String {
        if let value = meta["articletitle"], !value.isEmpty { return value }
        // Hidden headings (`<h1 class="none">站点名</h1>`) never supply the title.
        let visibleH1 = root.descendants(named: ["h1"]).filter { !Self.hiddenByClass($0) }
        let headings = visibleH1.map { TextNormalizer.collapse($0.textContent) }
            .filter { $0.count >= 2 }
        let docTitle = documentTitle
        if !docTitle.isEmpty {
            if let heading = headings.first(where: { docTitle.hasPrefix($0) || docTitle.contains($0) }) {
                return heading
            }
            let squeezedDoc = docTitle.filter { !$0.isWhitespace }
            if let heading = headings.first(where: { squeezedDoc.contains($0.filter { !$0.isWhitespace }) }) {
                return heading
            }
            // `文章 a1 - 博客` with `<h1>文章 a1 的标题</h1>`: the title tag holds a shortened headline.
            if let heading = Self.headingExtendingTitle(headings, docTitle: docTitle) { return heading }
        }
        let titled = visibleH1.filter {
            ContentHints.tokens($0).contains { $0.contains("title") }
        }
        let ogTitle = (meta["og:title"] ?? "").filter { !$0.isWhitespace }
        if titled.count == 1, let heading = titled.first.map({ TextNormalizer.collapse($0.textContent) }),
            heading.count >= 4,
            ogTitle.isEmpty || ogTitle.hasPrefix(heading.filter { !$0.isWhitespace })
        {
            return heading
        }
        for key in ["og:title", "twitter:title", "headline"] {
            if let value = meta[key], !value.isEmpty { return Self.removeSharedSuffix(value, docTitle: docTitle) }
        }
        if let value = jsonLD["headline"], !value.isEmpty { return TextNormalizer.collapse(value) }
        if !docTitle.isEmpty {
            // `文章 栏目_站点` with the headline in `<h2>`…`<h6>` or in an element whose class names a title
            // (`span.Title`, `div.article-title`, `td.biaoti`): the longest such text the `<title>` starts with.
            if let heading = titledElementOpening(docTitle) { return heading }
            let stripped = Self.stripSiteSuffix(docTitle)
            // The `<title>` is only the column or site name (`新闻动态--学会官网`) and no line of the page shows it:
            // the headline is the line just above the dateline (`发布时间：…`, `来源：…`).
            if !flatTextHasLine(stripped), let line = lineAboveDateline() { return line }
            return stripped
        }
        return headings.first ?? ""
    }

    /// Class/id words of elements that hold a headline.
    private static let titleWords: Set<String> = ["title", "biaoti", "bt", "headline", "tit", "articletitle"]

    /// The longest visible `<h2>`…`<h6>` or title-classed text (4–100 characters, at least half the `<title>`
    /// without its site suffix) that `docTitle` starts with.
    func titledElementOpening(_ docTitle: String) -> String? {
        let squeezedDoc = docTitle.filter { !$0.isWhitespace }
        let shortest = Self.stripSiteSuffix(docTitle).filter { !$0.isWhitespace }.count / 2
        var best: String?
        root.walk { node in
            guard node.isElement else { return false }
            if ["script", "style", "nav", "footer"].contains(node.name) { return false }
            let isHeading = ["h2", "h3", "h4", "h5", "h6"].contains(node.name)
            let isTitled =
                !isHeading
                && ContentHints.tokens(node).contains { token in
                    Self.titleWords.contains(token) || (token.hasSuffix("title") && token.count <= 14)
                }
            guard isHeading || isTitled else { return true }
            let text = TextNormalizer.collapse(node.textContent)
            let squeezed = text.filter { !$0.isWhitespace }
            if squeezed.count >= max(4, shortest), squeezed.count <= 100, squeezedDoc.hasPrefix(squeezed),
                !Self.hiddenByClass(node),
                squeezed.count > (best?.filter { !$0.isWhitespace }.count ?? 0)
            {
                best = text
            }
            return true
        }
        return best
    }

    /// Whether `line` is one whole line of ``flatText``.
    func flatTextHasLine(_ line: String) -> Bool {
        guard !line.isEmpty else { return false }
        return flatText.split(separator: "\n").contains { $0 == line }
    }

    private static let datelineLabels = ["发布时间", "发布日期", "发表时间", "时间：", "日期：", "来源：", "来源:", "作者："]

    /// The line (6–80 characters, no date, no breadcrumb) just above the first dateline of ``flatText``.
    func lineAboveDateline() -> String? {
        let lines = flatText.split(separator: "\n").map(String.init)
        for (index, line) in lines.enumerated() where index > 0 && line.count < 120 {
            guard Self.datelineLabels.contains(where: { line.contains($0) }),
                DateParser.firstDate(in: line, timeZone: timeZone) != nil
            else { continue }
            let candidate = lines[index - 1]
            guard (6...80).contains(candidate.count), DateParser.firstDate(in: candidate, timeZone: timeZone) == nil,
                !candidate.contains(">"), !candidate.contains("»"), !ContentHints.isBoilerplate(candidate),
                !Self.datelineLabels.contains(where: { candidate.contains($0) })
            else { return nil }
            return candidate
        }
        return nil
    }

    private static let hidingClasses: Set<String> = [
        "none", "hide", "hidden", "hid", "dn", "invisible", "sr-only", "screen-reader-text", "visually-hidden",
        "visuallyhidden",
    ]

    /// Whether `node` or an ancestor carries a class that hides it (`none`, `hide`, `hidden`, `sr-only`, …).
    static func hiddenByClass(_ node: HTMLNode) -> Bool {
        var current: HTMLNode? = node
        while let element = current, element.name != "body" {
            if hidesByOwnClass(element) { return true }
            current = element.parent
        }
        return false
    }

    /// Whether the element's own class hides it.
    static func hidesByOwnClass(_ node: HTMLNode) -> Bool {
        guard let classes = node.attribute("class"), !classes.isEmpty else { return false }
        return classes.lowercased().split(whereSeparator: \.isWhitespace).contains {
            hidingClasses.contains(String($0))
        }
    }

    /// The first heading that starts with the `<title>` text minus its site suffix, or holds it when that
    /// text has at least four characters (`文章 a1 - 博客` → `文章 a1 的标题`).
    static func headingExtendingTitle(_ headings: [String], docTitle: String) -> String? {
        let short = stripSiteSuffix(docTitle).filter { !$0.isWhitespace }
        guard short.count >= 2 else { return nil }
        return headings.first { heading in
            let squeezed = heading.filter { !$0.isWhitespace }
            return squeezed.count > short.count
                && (squeezed.hasPrefix(short) || (short.count >= 4 && squeezed.contains(short)))
        }
    }

    /// Removes site and column names joined by `_`, ` - `, ` | `, `——` from a `<title>` text, keeping the
    /// longest part (normally the headline).
    static func stripSiteSuffix(_ title: String) -> String {
        for separator in ["_", " | ", " - ", " — ", "——", " – ", "－", "|", "｜", " :: ", "--", " · "]
        where title.contains(separator) {
            let parts = title.components(separatedBy: separator).map { TextNormalizer.collapse($0) }
                .filter { !$0.isEmpty }
            guard let first = parts.first else { continue }
            let longest = parts.max(by: { $0.count < $1.count }) ?? first
            return first.count * 2 >= longest.count ? first : longest
        }
        return title
    }

    /// Drops a ` | Site` style suffix from `title` when the document title ends with the same suffix.
    static func removeSharedSuffix(_ title: String, docTitle: String) -> String {
        for separator in [" | ", " - ", "_", " — ", " – "] {
            guard let range = title.range(of: separator, options: .backwards) else { continue }
            let suffix = title[range.lowerBound...]
            if suffix.count < title.count / 2, docTitle.hasSuffix(suffix) { return String(title[..<range.lowerBound]) }
        }
        return title
    }

    /// Offset of the headline in ``flatText``, or 0.
    func titleOffset(_ title: String) -> String.Index {
        let text = flatText
        guard !title.isEmpty else { return text.startIndex }
        if let range = TextNormalizer.range(of: "\n" + title + "\n", in: text) { return range.upperBound }
        if let range = TextNormalizer.range(of: title, in: text) { return range.upperBound }
        let prefix = String(title.prefix(10))
        if prefix.count >= 4, let range = TextNormalizer.range(of: prefix, in: text) { return range.upperBound }
        return text.startIndex
    }

    // MARK: - Published

    private static let strongDateLabels = [
        "发布日期", "发布时间", "发表时间", "发表日期", "发稿时间", "发布于", "发表于", "更新时间", "刊发时间", "时间",
        "日期", "发布", "发表", "Published", "Posted", "Updated", "Date",
    ]
    private static let excludedDateLabels = [
        "成文日期", "成文时间", "印发日期", "生效日期", "实施日期", "施行日期", "截止日期", "有效期", "出生", "废止日期",
    ]

    /// The publication time: a labelled dateline (`发布日期:`…, 成文日期 ignored), structured metadata
    /// with a time, an unlabelled dateline just below the headline, date-only metadata, then a date in the URL.
    func findPublished(title: String) -> ParsedDate? {
        findDatedPublished(title: title)?.date
    }

    /// ``findPublished(title:)`` and whether the page states it as its own.
    ///
    /// Stated: a label (`发布时间：`…), the page's metadata or structured data, or a dateline with a time of day
    /// beside the headline. An unlabelled day near the headline,
    /// a written date, the URL's or one above the headline may be another item's (a 往期回顾 list below a short
    /// article): a listing's own date for the link is better then (``ExtractedArticle/publishedIsStated``).
    func findDatedPublished(title: String) -> (date: ParsedDate, stated: Bool)? {
        var text = flatText
        var titleEnd = titleOffset(title)
        if titleEnd != text.startIndex {
            // Only dates up to 1,500 characters above and 3,000 below the headline are read: scan that
            // window (with a margin for the date's own length), not the whole page.
            let low = text.index(titleEnd, offsetBy: -1_700, limitedBy: text.startIndex) ?? text.startIndex
            let high = text.index(titleEnd, offsetBy: 3_200, limitedBy: text.endIndex) ?? text.endIndex
            if low != text.startIndex || high != text.endIndex {
                let window = String(text[low..<high])
                titleEnd = window.index(window.startIndex, offsetBy: text.distance(from: low, to: titleEnd))
                text = window
            }
        }
        let dates = DateParser.allDates(in: text, timeZone: timeZone)
        var labelled: [ParsedDate] = []
        var nearTitle: [ParsedDate] = []
        for (date, range) in dates {
            let lookBehindStart =
                text.index(range.lowerBound, offsetBy: -14, limitedBy: text.startIndex) ?? text.startIndex
            var before = String(text[lookBehindStart..<range.lowerBound])
            before = String(before.reversed().drop(while: { $0.isWhitespace || ":：【[(（".contains($0) }).reversed())
            if Self.excludedDateLabels.contains(where: { before.hasSuffix($0) }) { continue }
            let afterTitle = range.lowerBound >= titleEnd
            let distance = afterTitle ? text.distance(from: titleEnd, to: range.lowerBound) : Int.max
            if Self.strongDateLabels.contains(where: { before.hasSuffix($0) }),
                afterTitle || titleEnd == text.startIndex
            {
                if distance < 3000 || titleEnd == text.startIndex { labelled.append(date) }
            } else if distance < 300 {
                nearTitle.append(date)
            }
        }
        if let first = labelled.first { return (first, true) }
        let structured = structuredDate()
        if let structured, structured.hasTime { return (structured, true) }
        if let withTime = nearTitle.first(where: { $0.hasTime }) { return (withTime, true) }
        if let structured { return (structured, true) }
        if let first = nearTitle.first { return (first, false) }
        if let written = Self.writtenDate(in: headerText(title: title), timeZone: timeZone) { return (written, false) }
        if let fromURL = dateFromURL() { return (fromURL, false) }
        // Last resort: the closest date printed above the headline (e-paper issue dates).
        return dates.last {
            $0.range.upperBound <= titleEnd && text.distance(from: $0.range.upperBound, to: titleEnd) < 1500
        }.map { ($0.date, false) }
    }

    /// An English date written with the month's name in the dateline below the headline (`March 13, 2015
    /// 9:00PM`, `Apr 16, 2015 8:02 pm UTC`, `16 April 2015`), with its time when one follows.
    static func writtenDate(in text: String, timeZone: TimeZone?) -> ParsedDate? {
        let month = #"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"#
        let patterns = [
            #"\b"# + month + #"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"#, #"\b\d{1,2}\s+"# + month + #",?\s+\d{4}"#,
        ]
        for pattern in patterns {
            guard let range = text.range(of: pattern, options: .regularExpression) else { continue }
            var value = String(text[range]).replacingOccurrences(
                of: #"(\d)(?:st|nd|rd|th)"#, with: "$1", options: .regularExpression)
            let rest = text[range.upperBound...].prefix(24)
            if let time = rest.range(
                of: #"^[\s,]*(?:at\s+)?\d{1,2}:\d{2}\s*(?:[aApP]\.?[mM]\.?)?"#, options: .regularExpression)
            {
                let clock = rest[time].drop(while: { !$0.isNumber }).filter {
                    $0.isNumber || $0 == ":" || "aApP".contains($0)
                }
                let parts = clock.split(separator: ":")
                if parts.count == 2, var hour = Int(parts[0]), let minute = Int(parts[1].prefix(2)) {
                    let suffix = parts[1].dropFirst(2).lowercased()
                    if suffix == "p", hour < 12 { hour += 12 }
                    if suffix == "a", hour == 12 { hour = 0 }
                    value += String(format: " %02d:%02d", hour, minute)
                }
            }
            if let parsed = DateParser.parseDetailed(value, timeZone: timeZone) { return parsed }
        }
        return nil
    }

    private func structuredDate() -> ParsedDate? {
        let keys = [
            "article:published_time", "og:article:published_time", "og:published_time", "datepublished", "pubdate",
            "publishdate", "publish-date", "publish_date", "publishdatetime", "dc.date.issued", "dcterms.issued",
            "dc.date", "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published", "published_time",
            "weibo: article:create_at", "time:datetime", "firstpublishedtime", "releasedate", "og:release_date",
            "time:article", "article:modified_time",
        ]
        var values: [String] = []
        if let value = jsonLD["datePublished"] { values.append(value) }
        for key in keys { if let value = meta[key] { values.append(value) } }
        for value in values {
            if let parsed = DateParser.parseDetailed(value, timeZone: timeZone) { return parsed }
        }
        return nil
    }

    /// `/2019/0531/`, `/2019-05/31/`, `/20190531/` or `t20190531_` in the URL path, as a date.
    private func dateFromURL() -> ParsedDate? {
        let digits = url.path.unicodeScalars.map { DateParser.isDigit($0) ? Character($0) : "/" }
        let runs = String(digits).split(separator: "/").map(String.init)
        for (index, run) in runs.enumerated() {
            if run.count == 8, let year = Int(run.prefix(4)), let month = Int(run.dropFirst(4).prefix(2)),
                let day = Int(run.suffix(2)), (1990...2100).contains(year)
            {
                return DateParser.makeDate(
                    year: year, month: month, day: day, hour: 0, minute: 0, second: 0, explicitOffset: nil,
                    timeZone: timeZone, hasTime: false)
            }
            if run.count == 4, let year = Int(run), (1990...2100).contains(year), index + 1 < runs.count {
                let next = runs[index + 1]
                if next.count == 4, let month = Int(next.prefix(2)), let day = Int(next.suffix(2)) {
                    return DateParser.makeDate(
                        year: year, month: month, day: day, hour: 0, minute: 0, second: 0, explicitOffset: nil,
                        timeZone: timeZone, hasTime: false)
                }
            }
        }
        return nil
    }

    // MARK: - Source and author

    private static let sourceLabels = ["信息来源", "文章来源", "消息来源", "稿件来源", "新闻来源", "来源", "稿源", "出处"]
    private static let stopWords = ["作者", "浏览", "点击", "发布", "时间", "日期", "编辑", "字号", "责任", "阅读", "来源", "分享"]

    /// The `来源` value from the header lines below the headline, from trailer lines, or CMS meta.
    func findSource(title: String, trailers: [String]) -> String? {
        let header = headerText(title: title)
        for text in [header] + trailers {
            if let value = Self.labelledValue(in: text, labels: Self.sourceLabels, requireColon: true) { return value }
        }
        for key in ["contentsource", "source"] {
            if let value = meta[key], !value.isEmpty, value.count <= 30 { return value }
        }
        return nil
    }

    /// The author of the article, or `nil`.
    ///
    /// The first found of:
    /// 1. a byline with roles in the header lines below the headline, the trailer lines or the body's first
    ///    paragraph (`本报讯（记者 张三 通讯员 李四）`, `记者 王五`): every name, reporters and correspondents;
    /// 2. a labelled `作者:`/`记者:`/`文/` value there (never `责任编辑`/`编辑`, who edit, not write);
    /// 3. a byline in brackets closing the last paragraph (`…。（记者 胡晓蓉）`);
    /// 4. a labelled `作者：` anywhere on the page;
    /// 5. JSON-LD `author`;
    /// 6. markup: `rel=author`, `itemprop=author`, author/byline/user-name classes, forum and blog profile links
    ///    (``findMarkupAuthor()``, read before pruning);
    /// 7. `<meta name="author">` and its kin, when not a URL, a team, a site name or a keyword list.
    ///
    /// Byline lines at the start or end of the body are moved in afterwards (``Byline/moveBylines(_:)``).
    func findAuthor(title: String, trailers: [String], bodyText: String, markupAuthor: String?) -> String? {
        let header = headerText(title: title)
        let paragraphs = bodyText.components(separatedBy: "\n\n")
        let opening = String((paragraphs.first ?? "").prefix(200))
        for text in [header] + trailers + [opening] {
            if let names = Byline.names(inText: text) { return names }
            if let value = Self.labelledValue(
                in: text, labels: ["作者", "记者", "撰稿", "撰文", "文／", "文/", "文｜"], requireColon: false)
            {
                if Byline.isPlausibleAuthor(value) { return value }
            }
        }
        if paragraphs.count >= 2, let last = paragraphs.last, let names = Byline.names(inText: String(last.suffix(60)))
        {
            return names
        }
        // A labelled `作者：` anywhere on the page (a table cell beside the headline, outside the header window).
        if let value = Self.labelledValue(in: flatText, labels: ["作者"], requireColon: true),
            Byline.isPlausibleAuthor(value)
        {
            return value
        }
        // The issuing body of a government document (`发文机关：吉林省人民政府` in a 政府信息公开 table) wrote it;
        // the label and its value are often cells of their own (one line each in the flat text).
        if Self.issuerLabels.contains(where: { TextNormalizer.contains(flatText, $0) }) {
            let joined = flatText.replacingOccurrences(of: "：\n", with: "：").replacingOccurrences(of: ":\n", with: ":")
            if let value = Self.labelledValue(in: joined, labels: Self.issuerLabels, requireColon: true),
                Byline.isPlausibleAuthor(value)
            {
                return value
            }
        }
        func usable(_ value: String?) -> String? {
            guard let value, !value.isEmpty, value.count <= 40, !value.contains("://"),
                !value.lowercased().contains("team"), Byline.isPlausibleAuthor(value)
            else { return nil }
            return value.hasPrefix("By ") ? String(value.dropFirst(3)) : value
        }
        if let value = usable(jsonLD["author"]) { return value }
        if let markupAuthor { return markupAuthor }
        for value in [meta["author"], meta["article:author"], meta["byl"], meta["dc.creator"]] {
            if let value = usable(value) { return value }
        }
        // A `来源：` that names a person, not an outlet (`来源: 尹娟`), on a page with no other byline.
        for text in [header] + trailers {
            if let value = Self.labelledValue(in: text, labels: Self.sourceLabels, requireColon: true),
                Byline.isChinesePersonalName(value)
            {
                return value
            }
        }
        return nil
    }

    /// Labels of the body that issued a government document.
    private static let issuerLabels = ["发文机关", "发布机关", "发文单位", "发布机构", "发文机构"]

    /// The first ~300 characters of page text after the headline (where CMS pages put the dateline).
    func headerText(title: String) -> String {
        let text = flatText
        let start = titleOffset(title)
        guard start != text.startIndex else { return "" }
        let end = text.index(start, offsetBy: 300, limitedBy: text.endIndex) ?? text.endIndex
        return String(text[start..<end])
    }

    /// Reads `label:value` from `text`, stopping at whitespace, brackets, `;` or a following label.
    static func labelledValue(in text: String, labels: [String], requireColon: Bool) -> String? {
        var searchStart = text.startIndex
        while searchStart < text.endIndex {
            var best: Range<String.Index>?
            for label in labels {
                if let range = TextNormalizer.range(of: label, in: text, from: searchStart),
                    best == nil || range.lowerBound < (best?.lowerBound ?? text.endIndex)
                {
                    best = range
                }
            }
            guard let range = best else { return nil }
            searchStart = range.upperBound
            let before = text[text.startIndex..<range.lowerBound]
            if before.hasSuffix("责任") || before.hasSuffix("责") || before.hasSuffix("本报") || before.hasSuffix("本刊") {
                continue
            }
            var cursor = text[range.upperBound...]
            cursor = cursor.drop(while: { $0 == " " || $0 == "\u{3000}" })
            var hadSeparator = false
            // `作者：张三`, `作者︱张三`, `作者｜张三` (fullwidth bar), `【作者】张三`.
            if let first = cursor.first, ":：︱|｜】]".contains(first) {
                hadSeparator = true
                cursor = cursor.dropFirst().drop(while: { $0 == " " || $0 == "\u{3000}" })
            } else if range.upperBound < text.endIndex, text[range.upperBound] == " " {
                hadSeparator = !requireColon
            }
            // A label that ends in its own separator (`文/`, `文／`, `文｜`).
            if let last = text[range].last, "/／｜".contains(last) { hadSeparator = true }
            guard hadSeparator else { continue }
            let value = readValue(cursor)
            if !value.isEmpty { return value }
        }
        return nil
    }

    private static func readValue(_ text: Substring) -> String {
        var tokens: [String] = []
        var rest = text
        while true {
            let token = rest.prefix(while: { !$0.isWhitespace && !";；)）]】|,，。：:\u{3000}".contains($0) })
            var value = String(token)
            for stop in stopWords {
                if let range = value.range(of: stop), range.lowerBound > value.startIndex {
                    value = String(value[..<range.lowerBound])
                }
            }
            if value.isEmpty || stopWords.contains(where: { value.hasPrefix($0) }) { break }
            tokens.append(value)
            rest = rest[token.endIndex...]
            // Join "宋怡 杨志华" style space-separated Chinese names.
            guard rest.first == " ", value.count <= 4, value.allSatisfy({ $0.isCJK }) else { break }
            let next = rest.dropFirst()
            let nextToken = next.prefix(while: { !$0.isWhitespace && !";；)）]】|,，。：:".contains($0) })
            guard (2...4).contains(nextToken.count), nextToken.allSatisfy({ $0.isCJK }) else { break }
            rest = next
        }
        let joined = tokens.joined(separator: " ")
        return joined.count <= 40 ? joined : ""
    }

    // MARK: - Category

    private static let breadcrumbLabels = ["当前位置", "您的位置", "您现在的位置", "所在位置", "现在位置", "当前的位置"]

    /// The last crumb of the breadcrumb (`当前位置:首页>>党建政法` → `党建政法`), or CMS column metadata.
    func findCategory(title: String) -> String? {
        var crumbNode: HTMLNode?
        root.measureVisibleLengths()
        root.walk { node in
            if crumbNode != nil || !node.isElement { return false }
            // Large subtrees are not breadcrumbs: their text is never built (lengths measured in one pass).
            guard node.measuredVisibleLength <= 400 else { return true }
            let raw = node.textContent
            // Every label holds 位置 and a hinted crumb trail holds ">": anything else is not a breadcrumb.
            // Nor is anything inside it (its text is part of this text): skip the subtree.
            guard raw.utf8.contains(0x3E) || TextNormalizer.contains(raw, "位置") else { return false }
            let text = TextNormalizer.collapse(raw)
            guard text.count < 200 else { return true }
            func hinted() -> Bool {
                ContentHints.tokens(node).contains { token in
                    [
                        "breadcrumb", "crumb", "crumbs", "weizhi", "position", "location", "dqwz", "currentpos",
                        "daohang", "wz",
                    ]
                    .contains(where: { TextNormalizer.contains(token, $0) })
                }
            }
            if Self.breadcrumbLabels.contains(where: { text.hasPrefix($0) })
                || (text.unicodeScalars.contains(">") && hinted())
            {
                crumbNode = node
                return false
            }
            return true
        }
        if let node = crumbNode {
            var crumbs = node.descendants(named: ["a"]).map { TextNormalizer.collapse($0.textContent) }
            if crumbs.count < 2 {
                var text = TextNormalizer.collapse(node.textContent)
                for label in Self.breadcrumbLabels where text.hasPrefix(label) {
                    text = String(text.dropFirst(label.count))
                }
                crumbs = text.components(separatedBy: CharacterSet(charactersIn: ">»›→/＞"))
                    .map { TextNormalizer.collapse($0.trimmingCharacters(in: CharacterSet(charactersIn: ":："))) }
            }
            crumbs = crumbs.filter { !$0.isEmpty && $0 != title && $0 != "正文" && $0 != "详情" && $0.count <= 20 }
            if let last = crumbs.last, crumbs.count >= 2 || !["首页", "主页", "网站首页"].contains(last) {
                return last
            }
        }
        for key in ["columnname", "article:section", "og:section", "section", "catalogs"] {
            if let value = meta[key], !value.isEmpty, value.count <= 20, !value.contains(";") { return value }
        }
        return nil
    }
}

extension Character {
    /// Whether the character is a CJK unified ideograph.
    var isCJK: Bool {
        guard let scalar = unicodeScalars.first else { return false }
        return (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }
}
