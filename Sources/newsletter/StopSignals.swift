import Foundation
import NewsletterKit

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT/SIGTERM: while messages are being sent, finish the transactions in flight, record
/// them and stop (a second signal stops at once); otherwise stop at once.
///
/// Output is flushed.
struct StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ stop: StopRequest) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isDelivering, !stop.isRequested {
                    stop.request()
                    FileHandle.standardError.write(Data("stopping after the messages in flight…\n".utf8))
                } else {
                    fflush(nil)  // all output streams
                    Glibc.exit(130)
                }
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
