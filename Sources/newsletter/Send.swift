import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Fetch, select, render and send this week's digest to every active subscriber, recording every delivery.",
            discussion: """
                Every accepted message is recorded (fsynced) before the session sends its next one; if a \
                delivery cannot be recorded (disk full, read-only or locked state file), sending stops at \
                once. A message with no reply to the end of DATA is recorded as uncertain and not resent \
                unless --resend-uncertain is given (see README "Exactly once"). Exit status: 0 when every \
                message was accepted (or nothing was new), 1 on failure (the error names the file or server; \
                pending deliveries are kept), 3 when some deliveries failed permanently, are uncertain or \
                were deferred to the next run, 75 when another run holds the lock, 130 when interrupted.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        @Flag(name: .long, help: "Select, render and check every message, but send and record nothing.")
        var dryRun = false

        @Flag(
            name: .long, help: "First turn uncertain deliveries (no reply to the end of DATA) back into pending ones.")
        var resendUncertain = false

        @Option(name: .long, help: "Send this week's digest to this one address only, recording and marking nothing.")
        var test: String?

        func run() async throws {
            let config = try global.loadConfig()
            let now = try clock.resolve()
            guard let smtp = config.smtp else { throw CommandFailure("\(config.file.path): \(NewsletterError.noSMTP)") }
            let transport = try CurlSMTPTransport(
                settings: smtp,
                heloDomain: config.from.email.split(separator: "@").last.map(String.init) ?? "localhost",
                configFile: config.file)
            let newsletter = try Newsletter(config: config, logger: global.makeLogger())
            let signals = StopSignals(newsletter.stop)
            defer { signals.cancel() }
            if let test {
                let reply = try await newsletter.sendTest(to: test, now: now, transport: transport)
                return say("test message accepted for \(test): \(reply)")
            }
            let report: SendReport
            do {
                report = try await newsletter.send(
                    now: now, dryRun: dryRun, transport: transport, resendUncertain: resendUncertain)
            } catch let error as RunLockError where error.isHeld {
                say("another run holds the lock (\(error.path)); nothing sent")
                throw ExitStatus.locked
            }
            for line in report.summaryLines(dryRun: dryRun) { say(line) }
            if let archive = report.archive {
                say("archive: \(archive.issues) issue(s) in \(archive.directory.path)")
            }
            if let problem = report.archiveProblem {
                FileHandle.standardError.write(Data("archive not written: \(problem)\n".utf8))
            }
            let delivery = report.delivery
            if let error = delivery.recordingError {
                throw CommandFailure(
                    "sending stopped: \(error); the message in flight may go out again on the next run")
            }
            if let error = delivery.buildError {
                throw CommandFailure("sending stopped: \(error); its delivery and the rest stay pending")
            }
            if let fatal = delivery.fatalError {
                throw CommandFailure("sending stopped: \(fatal); pending deliveries are kept for the next run")
            }
            if delivery.interrupted {
                say("interrupted: the rest of the digest stays pending and goes out on the next run")
                throw ExitCode(130)
            }
            if !dryRun, !report.everythingDelivered { throw ExitStatus.partial }
        }
    }
}
