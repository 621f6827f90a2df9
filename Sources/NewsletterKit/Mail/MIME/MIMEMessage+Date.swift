public import Foundation

extension MIMEMessage {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Formats a date for the Date header (RFC 5322 §3.3): `Sat, 08 Jun 2019 08:00:00 +0800`.
    ///
    /// English day and month names and a numeric zone regardless of the process locale; the Gregorian
    /// calendar; seconds of the zone offset are dropped (RFC 5322 zones are whole minutes).
    ///
    /// - Parameters:
    ///   - date: The instant.
    ///   - timeZone: The zone the wall-clock time and offset are given in.
    /// - Returns: The date-time string, 31 characters for a four-digit year.
    public static func formatDate(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
        let weekday = dayNames[((parts.weekday ?? 1) - 1) % 7]
        let month = monthNames[((parts.month ?? 1) - 1) % 12]
        let offsetMinutes = timeZone.secondsFromGMT(for: date) / 60
        let sign = offsetMinutes < 0 ? "-" : "+"
        let zone = sign + twoDigits(abs(offsetMinutes) / 60) + twoDigits(abs(offsetMinutes) % 60)
        return "\(weekday), \(twoDigits(parts.day ?? 1)) \(month) \(parts.year ?? 1970) "
            + "\(twoDigits(parts.hour ?? 0)):\(twoDigits(parts.minute ?? 0)):\(twoDigits(parts.second ?? 0)) \(zone)"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
