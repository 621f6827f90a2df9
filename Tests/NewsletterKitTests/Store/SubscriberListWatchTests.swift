import Foundation
import Testing

@testable import NewsletterKit

/// ``SubscriberListWatch``: only an explicit status other than `active`, in a list that could be read, takes
/// someone out of a running send; a missing, half-written or unreadable file, or a row gone from it, changes
/// nothing.
struct SubscriberListWatchTests {
    static let start = "email,name,status\ns1@example.com,,active\ns2@example.com,王小明,active\n"

    enum Change: String, CaseIterable, Sendable {
        case unsubscribed, bounced, spelledOtherwise, rowRemoved, fileRemoved, emptied, undecodable, noEmailColumn
        case unchanged

        /// The list after the change, or `nil` for a removed file.
        var contents: [UInt8]? {
            switch self {
            case .unsubscribed:
                Array("email,name,status\ns1@example.com,,active\ns2@example.com,王小明,unsubscribed\n".utf8)
            case .bounced: Array("email,name,status\ns1@example.com,,active\ns2@example.com,王小明,bounced\n".utf8)
            // The same address as another spelling (case): the key matches.
            case .spelledOtherwise:
                Array("email,name,status\ns1@example.com,,active\nS2@Example.COM,王小明,unsubscribed\n".utf8)
            case .rowRemoved: Array("email,name,status\ns1@example.com,,active\n".utf8)
            case .fileRemoved: nil
            case .emptied: []
            case .undecodable: Array("email,name,status\ns1@example.com,,active\n".utf8) + [0xFF, 0xFE, 0x81, 0x0A]
            case .noEmailColumn: Array("name,status\n王小明,unsubscribed\n".utf8)
            case .unchanged: Array(SubscriberListWatchTests.start.utf8)
            }
        }

        var s2HasLeft: Bool { self == .unsubscribed || self == .bounced || self == .spelledOtherwise }
    }

    @Test(arguments: Change.allCases)
    func onlyAnExplicitStatusTakesSomeoneOut(change: Change) throws {
        let folder = try TemporaryFolder()
        let list = folder.file("subscribers.csv")
        try Data(Self.start.utf8).write(to: list)
        let snapshot = try SubscriberSnapshot(file: list, tokens: nil, problem: { _ in })
        let watch = SubscriberListWatch(snapshot, interval: .zero)
        #expect(!watch.hasLeft("s2@example.com"))
        if let contents = change.contents {
            // As serve and `subscribers` write it: a new file renamed over the old one.
            try Data(contents).write(to: list, options: .atomic)
        } else {
            try FileManager.default.removeItem(at: list)
        }
        #expect(watch.hasLeft("s2@example.com") == change.s2HasLeft)
        #expect(!watch.hasLeft("s1@example.com"))
        #expect(!watch.hasLeft("stranger@example.com"))
    }

    /// Between two looks at the file (the interval) the answer stays what the last look found; the file is not
    /// read on every message.
    @Test func looksAtTheFileAtMostOncePerInterval() throws {
        let folder = try TemporaryFolder()
        let list = folder.file("subscribers.csv")
        try Data(Self.start.utf8).write(to: list)
        let snapshot = try SubscriberSnapshot(file: list, tokens: nil, problem: { _ in })
        let watch = SubscriberListWatch(snapshot, interval: .seconds(3600))
        #expect(!watch.hasLeft("s2@example.com"))
        try Data(Change.unsubscribed.contents!).write(to: list, options: .atomic)
        #expect(!watch.hasLeft("s2@example.com"))
    }
}
