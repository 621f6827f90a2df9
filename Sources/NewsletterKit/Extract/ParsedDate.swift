public import Foundation

/// A date read from text, with what the text said about its precision and zone.
public struct ParsedDate: Sendable, Equatable {
    /// The instant.
    public var date: Date
    /// The UTC offset in seconds that the text named explicitly (`+08:00`, `GMT`, `EST`…), or `nil`
    /// when the text had no zone and the caller's default zone was applied.
    public var explicitOffset: Int?
    /// The UTC offset in seconds that was used to turn the wall-clock time into ``date``.
    public var offsetUsed: Int
    /// Whether the text carried a time of day (otherwise the time is midnight in the zone used).
    public var hasTime: Bool

    /// Creates a parsed date.
    public init(date: Date, explicitOffset: Int?, offsetUsed: Int, hasTime: Bool) {
        self.date = date
        self.explicitOffset = explicitOffset
        self.offsetUsed = offsetUsed
        self.hasTime = hasTime
    }

    /// ISO 8601 text with the offset used, for example `2019-05-31T05:47:39+08:00` (`Z` is never used).
    public var iso8601: String { DateParser.iso8601(date, offset: offsetUsed) }
}
