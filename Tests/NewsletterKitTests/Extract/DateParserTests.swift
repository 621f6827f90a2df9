import Foundation
import Testing

@testable import NewsletterKit

struct DateParserTests {
    private static let shanghai = TimeZone(identifier: "Asia/Shanghai")
    private static let newYork = TimeZone(identifier: "America/New_York")

    private static func iso(_ date: Date?) -> String? { date.map { DateParser.iso8601($0, offset: 0) } }

    // Case 06: zone names, two-digit years, zone-less values under the UTC default.
    @Test(arguments: [
        ("Thu, 19 Nov 2026 17:00:00 Z", "2026-11-19T17:00:00+00:00"),
        ("Thu, 19 Nov 2026 17:00:00 GMT", "2026-11-19T17:00:00+00:00"),
        ("Thu, 19 Nov 2026 17:00:00 UT", "2026-11-19T17:00:00+00:00"),
        ("Thu, 19 Nov 2026 12:00:00 EST", "2026-11-19T17:00:00+00:00"),
        ("2026-11-19 17:00:00", "2026-11-19T17:00:00+00:00"),
        ("Thu, 19 Nov 26 18:00:00 +0100", "2026-11-19T17:00:00+00:00"),
        ("2026-11-14T22:02:55", "2026-11-14T22:02:55+00:00"),
        ("Fri, 31 May 2019 10:00:00 +0800", "2019-05-31T02:00:00+00:00"),
        ("Mon, 19 Aug 24 10:00 -0400", "2024-08-19T14:00:00+00:00"),
        ("Sun, 06 Nov 94 08:49:37 GMT", "1994-11-06T08:49:37+00:00"),
        ("Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37+00:00"),
        ("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37+00:00"),
        ("Wed, 29 May 2019 15:46:00 +05:30", "2019-05-29T10:16:00+00:00"),
        ("2017-06-27T00:54:17Z", "2017-06-27T00:54:17+00:00"),
        ("2019-01-03T07:00:02.000Z", "2019-01-03T07:00:02+00:00"),
        ("2021-11-01T10:52:50+0100", "2021-11-01T09:52:50+00:00"),
        ("2018-06-19T05:50:00+09:00", "2018-06-18T20:50:00+00:00"),
        ("2015-07-24", "2015-07-24T00:00:00+00:00"),
        ("2020/1/10 14:33:00", "2020-01-10T14:33:00+00:00"),
        ("2019年06月03日 09:12", "2019-06-03T09:12:00+00:00"),
        ("2019年6月3日9时12分", "2019-06-03T09:12:00+00:00"),
        ("２０１９－０６－０４　２１：３０", "2019-06-04T21:30:00+00:00"),
        ("2019.06.04", "2019-06-04T00:00:00+00:00"),
    ])
    func parsesWithUTCDefault(text: String, expected: String) {
        #expect(Self.iso(DateParser.parse(text, timeZone: nil)) == expected)
    }

    @Test(arguments: ["19/11/2026 late evening", "", "yesterday", "2019-13-01", "Thu, 31 Feb 2026 10:00:00 GMT"])
    func rejectsGarbage(text: String) {
        #expect(DateParser.parse(text, timeZone: nil) == nil)
    }

    // Case 06: a configured zone applies only to zone-less values; the process TZ never does.
    @Test func configuredZoneAppliesToZonelessValues() throws {
        let zone = try #require(Self.shanghai)
        #expect(Self.iso(DateParser.parse("2026-11-14T22:02:55", timeZone: zone)) == "2026-11-14T14:02:55+00:00")
        #expect(Self.iso(DateParser.parse("2026-11-14T22:02:55Z", timeZone: zone)) == "2026-11-14T22:02:55+00:00")
        let york = try #require(Self.newYork)
        #expect(Self.iso(DateParser.parse("2026-07-01 12:00", timeZone: york)) == "2026-07-01T16:00:00+00:00")
        #expect(Self.iso(DateParser.parse("2026-12-01 12:00", timeZone: york)) == "2026-12-01T17:00:00+00:00")
    }

    @Test(arguments: [
        ("发布日期:2019-05-31 05:47:39", "2019-05-31T05:47:39+08:00"),
        ("发布时间:2019年06月03日 09:12 来源:新华社", "2019-06-03T09:12:00+08:00"),
        ("2019-06-04 21:30\u{A0}\u{A0}来源:新华网", "2019-06-04T21:30:00+08:00"),
        ("时间：2019/6/4 21:30", "2019-06-04T21:30:00+08:00"),
        ("[2019-06-04]", "2019-06-04T00:00:00+08:00"),
        ("2016年10月14日07:17", "2016-10-14T07:17:00+08:00"),
        ("posted 2019-05-31T05:47:39+02:00 by x", "2019-05-31T05:47:39+02:00"),
    ])
    func findsDatelinesInText(text: String, expected: String) throws {
        let found = try #require(DateParser.firstDate(in: text, timeZone: Self.shanghai))
        #expect(found.date.iso8601 == expected)
    }

    @Test func datelineWithoutTimeReportsPrecision() throws {
        let found = try #require(DateParser.firstDate(in: "成文日期：2022年01月27日", timeZone: Self.shanghai))
        #expect(!found.date.hasTime)
        #expect(found.date.explicitOffset == nil)
    }
}
