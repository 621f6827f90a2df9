import Foundation
import GRDB
import Glibc

/// A date as GRDB stores it, `yyyy-MM-dd HH:mm:ss.SSS` in UTC, written without a `DateFormatter`.
///
/// The delivery ledger writes one date per outcome on the send path, where ICU's formatter was a measurable
/// share of the CPU time; the text must equal GRDB's own (`Date.databaseValue`) byte for byte, because the ledger
/// compares stored dates as text (`updatedAt >= ?`). Milliseconds are rounded to the nearest, as Foundation's
/// formatter rounds them; dates before 1970 are left to GRDB.
enum StorageDate {
    /// The value to bind: the text below, or GRDB's own encoding outside the years 1970 to 9999.
    static func databaseValue(_ date: Date) -> DatabaseValue {
        string(date)?.databaseValue ?? date.databaseValue
    }

    /// - Parameter date: any date.
    /// - Returns: for example `2019-06-01 00:00:00.250`; `nil` outside the years 1970 to 9999.
    static func string(_ date: Date) -> String? {
        let milliseconds = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000).rounded()
        // From 1970 on only: earlier dates are rare here and ICU's calendar turns Julian before 1582.
        guard milliseconds.isFinite, milliseconds >= 0, milliseconds < 2.5e14 else { return nil }
        let total = Int64(milliseconds)
        var seconds = time_t(total / 1000)
        let millis = Int(total - Int64(seconds) * 1000)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil, parts.tm_year + 1900 >= 1970, parts.tm_year + 1900 <= 9999 else {
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, digits: 4)
        bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), at: 8, digits: 2)
        bytes[10] = UInt8(ascii: " ")
        put(Int(parts.tm_hour), at: 11, digits: 2)
        bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), at: 14, digits: 2)
        bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), at: 17, digits: 2)
        bytes[19] = UInt8(ascii: ".")
        put(millis, at: 20, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }
}
