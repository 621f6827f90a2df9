import Foundation
import NewsletterKit
import Testing

/// The live progress line's text: counts grouped by thousands, rate and ETA once a second has passed.
struct RunProgressTests {
    @Test(arguments: [
        (RunProgress(stage: .delivering, done: 0, total: 10_000), 0.0, "delivering 0/10,000"),
        (RunProgress(stage: .delivering, done: 1_200, total: 10_000), 0.5, "delivering 1,200/10,000"),
        (
            RunProgress(stage: .delivering, done: 1_200, total: 10_000), 4.0,
            "delivering 1,200/10,000 · 300/s · ETA 0:30"
        ),
        (
            RunProgress(stage: .delivering, done: 3, total: 1_000_000), 10.0,
            "delivering 3/1,000,000 · 0.3/s · ETA 925:55:24"
        ),
        (RunProgress(stage: .fetching, done: 2, total: 5), 2.0, "fetching 2/5 · 1.0/s · ETA 0:03"),
        (RunProgress(stage: .delivering, done: 500, total: 500), 2.0, "delivering 500/500 · 250/s"),
    ])
    func line(progress: RunProgress, elapsed: Double, expected: String) {
        #expect(progress.line(elapsed: elapsed) == expected)
    }
}
