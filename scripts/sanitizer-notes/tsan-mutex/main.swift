import Foundation
import Synchronization

final class Shared: Sendable {
    let counter = Mutex(0)
}
let shared = Shared()
let done = DispatchSemaphore(value: 0)
for _ in 0..<2 {
    Thread.detachNewThread {
        for _ in 0..<100_000 { shared.counter.withLock { $0 += 1 } }
        done.signal()
    }
}
done.wait(); done.wait()
print(shared.counter.withLock { $0 })
