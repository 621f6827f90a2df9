public import Foundation

/// A subscriber list kept as a human-editable CSV file (`email,name,status,token,added`, then any extra
/// columns).
///
/// Reading goes through ``SubscriberRows`` (any encoding and separator a spreadsheet writes, Chinese or
/// English headers, every skipped row reported). Writing is atomic (temp file + rename), UTF-8 with CRLF
/// line ends (RFC 4180); rows that were rejected or duplicated on reading are written back as they were,
/// after the valid rows, so editing the list through the tool never loses a hand-typed row.
///
/// Edits go through ``modify(_:tokens:_:)``, which holds the list's lock from reading to writing: the CLI,
/// `send` disabling a bouncing address and `serve`'s clicks are applied one after the other.
public struct SubscriberList: Sendable {
    /// The CSV file.
    public let file: URL
    /// The rows, in file order, one per address (``SubscriberAddress/key(_:)`` unique).
    public private(set) var subscribers: [Subscriber]
    /// Rows that were skipped while reading, each naming its line and the reason.
    public var problems: [SubscriberError]
    /// Named columns written after the standard ones.
    public private(set) var extraColumns: [String]
    /// How the file was decoded (`UTF-8`, `GB18030`, …), or `nil` when it did not exist.
    public private(set) var encoding: String?
    /// Derives each subscriber's token; `nil` where no secret is needed (listing, exporting).
    public let tokens: SubscriberTokens?
    private var keptRows: [[String: String]]
    private var positions: [String: Int]
    /// How many rows were removed since the list was read; with the count, tells an index built earlier
    /// whether its positions still hold (rows are only ever appended or removed).
    public private(set) var removedRows = 0

    /// The standard columns, in the order written.
    public static let columns = ["email", "name", "status", "token", "added"]

    /// An empty list for `file` (nothing is written until ``save()``).
    public init(file: URL, tokens: SubscriberTokens? = nil) {
        self.file = file
        self.tokens = tokens
        subscribers = []
        problems = []
        extraColumns = []
        keptRows = []
        positions = [:]
    }

    /// The same rows, to be saved to another file.
    public init(copying other: SubscriberList, to file: URL) {
        self = SubscriberList(file: file, tokens: other.tokens)
        subscribers = other.subscribers
        extraColumns = other.extraColumns
        keptRows = other.keptRows
        positions = other.positions
        encoding = other.encoding
    }

    /// Reads a list; a missing file is an empty list.
    ///
    /// Invalid or duplicate rows are reported in ``problems`` (never dropped silently).
    ///
    /// - Parameters:
    ///   - file: the subscriber list (CSV or spreadsheet text, in any of the encodings it may be saved in).
    ///   - tokens: derives the subscribers' tokens; pass `nil` only where no token is used.
    /// - Returns: the list's subscribers in file order, with its problems, extra columns, kept rows and
    ///   encoding; an empty list when the file is missing or empty.
    /// - Throws: ``SubscriberError`` when the file cannot be read, decoded, or has no email column.
    /// - Complexity: O(*n*) in the file's size.
    public static func load(from file: URL, tokens: SubscriberTokens?) throws -> SubscriberList {
        var list = SubscriberList(file: file, tokens: tokens)
        guard FileManager.default.fileExists(atPath: file.path) else { return list }
        let bytes = try readBytes(of: file)
        if bytes.isEmpty { return list }
        let rows: SubscriberRows
        do {
            rows = try SubscriberRows(bytes: bytes, fileName: file.path)
        } catch let error as SpreadsheetTable.ReadError {
            throw SubscriberError(file: file.path, reason: error.description, prefixed: true)
        }
        list.encoding = rows.encoding
        list.problems = rows.problems
        list.extraColumns = rows.extraColumns
        list.keptRows = rows.keptRows
        list.subscribers = rows.subscribers
        if let tokens {
            for index in list.subscribers.indices { list.subscribers[index].tokens = tokens }
        }
        list.positions = rows.positions
        return list
    }

    /// Reads the configured list with the configured tokens (``SubscriberTokens/init(config:environment:)``).
    public static func load(config: NewsletterConfig) throws -> SubscriberList {
        try load(from: config.subscribersFile, tokens: SubscriberTokens(config: config))
    }

    /// Reads the list, lets `change` edit it, and writes it back, holding an exclusive lock on
    /// `FILE.lock` throughout, so that concurrent edits (an unsubscribe click, a send disabling a
    /// bouncing address, an editor's command) are applied one after the other and none is lost.
    ///
    /// Nothing is written when `change` throws.
    /// - Returns: what `change` returned.
    /// - Throws: ``SubscriberError`` or a file error naming the path; whatever `change` throws.
    @discardableResult
    public static func modify<T>(
        _ file: URL, tokens: SubscriberTokens?, _ change: (inout SubscriberList) throws -> T
    ) throws -> T {
        let lock: RunLock
        do {
            lock = try RunLock(path: file.path + ".lock", wait: true)
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot lock the list: \(error)")
        }
        return try withExtendedLifetime(lock) {
            var list = try load(from: file, tokens: tokens)
            let result = try change(&list)
            try list.save()
            return result
        }
    }

    /// ``modify(_:tokens:_:)`` on the configured list with the configured tokens.
    @discardableResult
    public static func modify<T>(config: NewsletterConfig, _ change: (inout SubscriberList) throws -> T) throws -> T {
        try modify(config.subscribersFile, tokens: SubscriberTokens(config: config), change)
    }

    // MARK: - Finding rows

    /// The position of `email` (any spelling with the same ``SubscriberAddress/key(_:)``).
    /// - Complexity: O(1) on average.
    public func index(of email: String) -> Int? {
        positions[SubscriberAddress.key(email.trimmingSpaces())]
    }

    /// The row of `email`, or `nil`.
    public func subscriber(_ email: String) -> Subscriber? {
        index(of: email).map { subscribers[$0] }
    }

    /// The position of the row that `token` belongs to (see ``SubscriberTokens/verify(_:for:purpose:)``).
    ///
    /// Every row is checked with constant-time comparisons; without ``tokens`` only stored tokens match.
    /// - Complexity: O(*n*) HMAC computations; build a ``TokenIndex`` for many lookups.
    public func index(ofToken token: String, purpose: SubscriberTokens.Purpose = .unsubscribe) -> Int? {
        var found: Int?
        for (index, subscriber) in subscribers.enumerated() {
            let matches =
                tokens?.verify(token, for: subscriber, purpose: purpose)
                ?? (purpose == .unsubscribe && subscriber.hasUsableStoredToken
                    && SubscriberTokens.constantTimeEqual(token, subscriber.storedToken))
            if matches, found == nil { found = index }
        }
        return found
    }

    /// The subscribers who get digests (`active`; never `pending`, `unsubscribed` or `bounced`).
    public var active: [Subscriber] { subscribers.filter { $0.status == .active } }

    // MARK: - Changes

    /// A change to one row: the row afterwards and its status before.
    public struct Change: Sendable, Equatable {
        public var subscriber: Subscriber
        public var previousStatus: Subscriber.Status?
        /// Whether anything changed.
        public var changed: Bool
    }

    /// What ``add(email:name:today:updateName:resubscribe:)`` did.
    public enum AddOutcome: Sendable, Equatable {
        /// A new row, `active`.
        case added
        /// Already active; nothing changed. `name` is the stored name.
        case alreadySubscribed(name: String)
        /// Already active; the name was changed (asked for with `updateName`).
        case renamed(from: String)
        /// Was `pending`; now `active` (the operator vouches for it).
        case confirmed
        /// Was `unsubscribed` or `bounced`; now `active` (asked for with `resubscribe`).
        case resubscribed(from: Subscriber.Status)
        /// Is `unsubscribed` or `bounced` and `resubscribe` was not given; nothing changed.
        case needsResubscribe(Subscriber.Status)
    }

    /// Adds an address, or says why not.
    ///
    /// An active address keeps its name unless `updateName`; someone who unsubscribed or bounced is
    /// re-activated only with `resubscribe` (they asked to be removed, or their mailbox refused mail).
    /// - Throws: ``MailAddressError`` when the address is invalid.
    @discardableResult
    public mutating func add(
        email: String, name: String?, today: String, updateName: Bool = false, resubscribe: Bool = false
    ) throws -> AddOutcome {
        let cleaned = try SubscriberAddress.clean(email)
        let name = name.map(Subscriber.cleanName).flatMap { $0.isEmpty ? nil : $0 }
        guard let index = index(of: cleaned.email) else {
            append(Subscriber(email: cleaned.email, name: name ?? "", added: today))
            return .added
        }
        let current = subscribers[index]
        switch current.status {
        case .active:
            guard updateName, let name, name != current.name else { return .alreadySubscribed(name: current.name) }
            subscribers[index].name = name
            return .renamed(from: current.name)
        case .pending:
            subscribers[index].status = .active
            if let name { subscribers[index].name = name }
            return .confirmed
        case .unsubscribed, .bounced:
            guard resubscribe else { return .needsResubscribe(current.status) }
            subscribers[index].status = .active
            if let name { subscribers[index].name = name }
            return .resubscribed(from: current.status)
        }
    }

    /// What ``addPending(email:name:today:)`` did.
    public enum PendingOutcome: Sendable, Equatable {
        /// A new row, or a row that had unsubscribed or bounced, is now `pending`: mail the confirmation.
        case pending(previous: Subscriber.Status?)
        /// Already `pending`: mail the confirmation again (rate-limit this).
        case alreadyPending
        /// Already active: nothing to confirm.
        case alreadyActive
    }

    /// A subscription from a form (double opt-in): the address becomes `pending` and gets no digest until
    /// ``confirm(token:now:)``.
    ///
    /// An existing name is replaced only when the row was not active.
    /// - Throws: ``MailAddressError`` when the address is invalid.
    @discardableResult
    public mutating func addPending(email: String, name: String?, today: String) throws -> PendingOutcome {
        let cleaned = try SubscriberAddress.clean(email)
        let name = name.map(Subscriber.cleanName).flatMap { $0.isEmpty ? nil : $0 }
        guard let index = index(of: cleaned.email) else {
            append(Subscriber(email: cleaned.email, name: name ?? "", status: .pending, added: today))
            return .pending(previous: nil)
        }
        let previous = subscribers[index].status
        switch previous {
        case .active: return .alreadyActive
        case .pending: return .alreadyPending
        case .unsubscribed, .bounced:
            subscribers[index].status = .pending
            if let name { subscribers[index].name = name }
            return .pending(previous: previous)
        }
    }

    /// Activates the `pending` row whose confirmation token (``SubscriberTokens/confirmationToken(for:now:)``)
    /// is `token`, if it has not expired at `now`.
    ///
    /// Only `pending` rows are checked, so an old link never re-subscribes someone who later unsubscribed or
    /// bounced, and a link used twice finds nothing the second time.
    /// - Returns: the change, or `nil` when no pending row has this token (forged, expired or used), or the
    ///   list has no ``tokens``.
    /// - Complexity: O(*p*) HMAC computations for *p* pending rows, after an O(1) check of the token's shape
    ///   and expiry.
    public mutating func confirm(token: String, now: Date) -> Change? {
        guard let tokens, SubscriberTokens.confirmationExpiry(of: token, now: now) != nil else { return nil }
        var found: Int?
        for (index, subscriber) in subscribers.enumerated() where subscriber.status == .pending {
            if tokens.verifyConfirmation(token, for: subscriber.email, now: now), found == nil { found = index }
        }
        guard let index = found else { return nil }
        subscribers[index].status = .active
        return Change(subscriber: subscribers[index], previousStatus: .pending, changed: true)
    }

    /// Unsubscribes the row whose unsubscribe token is `token` (derived or stored).
    /// - Returns: the change (`changed == false` when already unsubscribed), or `nil` for an unknown token,
    ///   in which case nothing changed.
    public mutating func unsubscribe(token: String) -> Change? {
        guard let index = index(ofToken: token, purpose: .unsubscribe) else { return nil }
        return setStatus(.unsubscribed, at: index, unless: [.unsubscribed])
    }

    /// Unsubscribes `email`.
    ///
    /// - Returns: the change, or `nil` when the address is not in the list.
    public mutating func unsubscribe(email: String) -> Change? {
        guard let index = index(of: email) else { return nil }
        return setStatus(.unsubscribed, at: index, unless: [.unsubscribed])
    }

    /// Marks `email` as bounced (permanent delivery failures).
    ///
    /// An unsubscribed row stays unsubscribed.
    /// - Returns: the change, or `nil` when the address is not in the list.
    @discardableResult
    public mutating func markBounced(email: String) -> Change? {
        guard let index = index(of: email) else { return nil }
        return setStatus(.bounced, at: index, unless: [.bounced, .unsubscribed])
    }

    private mutating func setStatus(_ status: Subscriber.Status, at index: Int, unless: Set<Subscriber.Status>)
        -> Change
    {
        let previous = subscribers[index].status
        guard !unless.contains(previous) else {
            return Change(subscriber: subscribers[index], previousStatus: previous, changed: false)
        }
        subscribers[index].status = status
        return Change(subscriber: subscribers[index], previousStatus: previous, changed: true)
    }

    /// Deletes `email`'s row.
    ///
    /// - Returns: the deleted row, or `nil` when it was not in the list.
    @discardableResult
    public mutating func remove(email: String) -> Subscriber? {
        guard let index = index(of: email) else { return nil }
        let removed = subscribers.remove(at: index)
        removedRows += 1
        positions[removed.key] = nil
        for position in index..<subscribers.count { positions[subscribers[position].key] = position }
        return removed
    }

    /// Appends a row whose address is not in the list yet.
    private mutating func append(_ subscriber: Subscriber) {
        var subscriber = subscriber
        subscriber.tokens = tokens
        positions[subscriber.key] = subscribers.count
        subscribers.append(subscriber)
    }

    /// What ``merge(_:today:)`` did.
    public struct MergeReport: Sendable, Equatable {
        /// Rows added, with their line in the imported file.
        public var added: [(line: Int, email: String)]
        /// Rows whose address was already in the list (any status; never re-activated).
        public var alreadyPresent: [(line: Int, email: String, status: Subscriber.Status)]

        public static func == (a: MergeReport, b: MergeReport) -> Bool {
            a.added.map(\.line) == b.added.map(\.line) && a.alreadyPresent.map(\.line) == b.alreadyPresent.map(\.line)
        }
    }

    /// Adds the imported rows whose address is not in the list yet (status as imported, `active` when the
    /// file had none; `added` set to `today` when empty) and their extra columns.
    /// - Complexity: O(*m*) for *m* imported rows.
    public mutating func merge(_ rows: SubscriberRows, today: String) -> MergeReport {
        var report = MergeReport(added: [], alreadyPresent: [])
        for column in rows.extraColumns where !extraColumns.contains(column) && !Self.columns.contains(column) {
            extraColumns.append(column)
        }
        for (offset, row) in rows.subscribers.enumerated() {
            if let index = positions[rows.keys[offset]] {
                report.alreadyPresent.append((rows.lines[offset], row.email, subscribers[index].status))
                continue
            }
            var subscriber = row
            if subscriber.added.isEmpty { subscriber.added = today }
            append(subscriber)
            report.added.append((rows.lines[offset], row.email))
        }
        return report
    }

    // MARK: - Writing

    /// The list as CSV bytes: header first, CRLF line ends, RFC 4180 quoting.
    /// - Parameter byteOrderMark: start with a UTF-8 BOM, so that Excel (Chinese Excel included) opens the
    ///   file as UTF-8 instead of the system code page.
    /// - Returns: the UTF-8 bytes of the header, every subscriber's row and every kept row, in list order.
    /// - Complexity: O(*n*).
    public func csvBytes(byteOrderMark: Bool = false) -> [UInt8] {
        var out: [UInt8] = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        out.reserveCapacity(subscribers.count * 64 + 64)
        let header = Self.columns + extraColumns
        func row(_ fields: [String]) {
            for (position, field) in fields.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendQuoted(field, to: &out)
            }
            out.append(contentsOf: [0x0D, 0x0A])
        }
        row(header)
        for subscriber in subscribers {
            var fields = [
                subscriber.email, subscriber.name, subscriber.status.rawValue, subscriber.storedToken, subscriber.added,
            ]
            for column in extraColumns { fields.append(subscriber.extra[column] ?? "") }
            row(fields)
        }
        for kept in keptRows {
            row(header.map { kept[$0] ?? "" })
        }
        return out
    }

    /// The list as CSV text (header first, CRLF line ends).
    public var csvText: String { String(decoding: csvBytes(), as: UTF8.self) }

    /// Writes the list atomically (temp file in the same folder, then rename).
    /// - Throws: a file-system error naming the path.
    public func save() throws {
        try AtomicFile.write(Data(csvBytes()), to: file)
    }

    /// RFC 4180 quoting: a field with a comma, semicolon, tab, quote, CR or LF, or with leading or trailing
    /// spaces, is quoted, quotes doubled.
    static func appendQuoted(_ field: String, to out: inout [UInt8]) {
        let utf8 = field.utf8
        let needsQuotes =
            utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A
                    || $0 == UInt8(ascii: ";") || $0 == 0x09
            } || utf8.first == UInt8(ascii: " ") || utf8.last == UInt8(ascii: " ")
        guard needsQuotes else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    static func quote(_ field: String) -> String {
        var out: [UInt8] = []
        appendQuoted(field, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
