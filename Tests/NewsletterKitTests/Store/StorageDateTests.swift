import Foundation
import GRDB
import Testing

@testable import NewsletterKit

struct StorageDateTests {
    /// The ledger's own date text equals GRDB's (the ledger compares stored dates as text): whole seconds,
    /// milliseconds at the edges of truncation, dates before 1970, leap days, the far past and future.
    @Test(arguments: [
        0.0, 0.25, 0.999, 0.9999, -0.0005, -0.25, 580_000_000, 580_000_000.1234, 580_000_000.9996, 581_212_800,
        -978_307_200, -978_307_200.001, -63_000_000_000, 252_000_000_000, 1_000_000_000.5, 1_785_000_000.0015,
    ])
    func equalsGRDBsText(sinceReference: Double) {
        let date = Date(timeIntervalSinceReferenceDate: sinceReference)
        #expect(StorageDate.databaseValue(date) == date.databaseValue)
    }

    @Test func equalsGRDBsTextOnManyDates() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let date = Date(timeIntervalSinceReferenceDate: Double.random(in: -1e9...3e9, using: &generator))
            #expect(StorageDate.databaseValue(date) == date.databaseValue, "\(date.timeIntervalSinceReferenceDate)")
        }
    }
}
