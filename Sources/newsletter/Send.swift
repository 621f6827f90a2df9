import ArgumentParser
import Foundation
import NewsletterKit

#if canImport(Glibc)
import Glibc
#endif

extension NewsletterCommand {
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Fetch, select, render and send this week's digest to every active subscriber, recording every delivery.",
            discussion: """
                Exit status: 0 when every message was accepted (or nothing was new), 1 on failure \
                (nothing sent), 3 when some deliveries failed permanently or were deferred to the next run, \
                75 when another run holds the lock.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        @Flag(name: .long, help: "Select and render, but send and record nothing.")
        var dryRun = false

        @Option(name: .long, help: "Send this week's digest to this one address only, recording and marking nothing.")
        var test: String?

        func run() async throws {
            let config = try global.loadConfig()
            let now = try clock.resolve()
            let logger = global.makeLogger()
            guard let smtp = config.smtp else { throw CommandFailure("\(config.file.path): \(NewsletterError.noSMTP)") }
            let password = smtp.passwordEnvironmentVariable.flatMap { ProcessInfo.processInfo.environment[$0] }
            if let variable = smtp.passwordEnvironmentVariable, password == nil {
                throw CommandFailure(
                    "\(config.file.path): smtp.password_env: the environment variable \(variable) is not set")
            }
            let composerDomain = config.from.email.split(separator: "@").last.map(String.init) ?? "localhost"
            let transport = CurlSMTPTransport(
                url: smtp.url, starttls: smtp.starttls, username: smtp.username, password: password,
                caFile: smtp.caFile,
                timeoutSeconds: smtp.timeoutSeconds, heloDomain: composerDomain)
            let newsletter = try Newsletter(config: config, logger: logger)
            let signals = Self.handleStopSignals(newsletter.stop)
            defer { for source in signals { source.cancel() } }
            if let test {
                try await sendTest(to: test, newsletter: newsletter, transport: transport, now: now)
                return
            }
            let report: Newsletter.SendReport
            do {
                report = try await newsletter.send(now: now, dryRun: dryRun, transport: transport)
            } catch let error as RunLockError where error.isHeld {
                say("another run holds the lock (\(error.path)); nothing sent")
                throw ExitStatus.locked
            }
            for failure in report.fetch.failedSources { say("source failed: \(failure.name): \(failure.reason)") }
            for problem in report.fetch.problems { say("skipped: \(problem)") }
            for id in report.resumedDigests { say("resumed digest \(id) from an earlier run") }
            if report.nothingNew {
                say("nothing new since the last digest: nothing sent")
            } else if dryRun {
                say(
                    "dry run: would send \"\(report.subject ?? "")\" with \(report.articleCount) article(s); nothing sent or recorded"
                )
                return
            } else if let id = report.digestID {
                say("digest \(id): \"\(report.subject ?? "")\", \(report.articleCount) article(s)")
            }
            let delivery = report.delivery
            if delivery.accepted + delivery.permanentFailures + delivery.deferred > 0 || delivery.fatalError != nil {
                say(
                    "delivered: \(delivery.accepted) accepted, \(delivery.permanentFailures) failed permanently, \(delivery.deferred) deferred to the next run"
                )
            }
            for address in report.failedRecipients { say("failed: \(address)") }
            for address in report.disabledRecipients {
                say(
                    "disabled: \(address) (\(Newsletter.bounceLimit) permanent failures in a row; status set to bounced)"
                )
            }
            if let fatal = delivery.fatalError {
                throw CommandFailure("sending stopped: \(fatal); pending deliveries are kept for the next run")
            }
            if delivery.interrupted {
                say("interrupted: the rest of the digest stays pending and goes out on the next run")
                throw ExitCode(130)
            }
            if delivery.permanentFailures > 0 || delivery.deferred > 0 { throw ExitStatus.partial }
        }

        /// SIGINT/SIGTERM: while messages are being sent, finish the transactions in flight, record
        /// them and stop (a second signal stops at once); otherwise stop at once. Output is flushed.
        private static func handleStopSignals(_ stop: StopRequest) -> [any DispatchSourceSignal] {
            [SIGINT, SIGTERM].map { number in
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

        private func sendTest(to address: String, newsletter: Newsletter, transport: CurlSMTPTransport, now: Date)
            async throws
        {
            let subscriber = Subscriber(email: try MailAddress(email: address).email, name: "", token: "test")
            let bytes = try await newsletter.testMessage(for: subscriber, now: now)
            let session = try transport.makeSession()
            let outcome = session.send(
                envelopeSender: newsletter.config.envelopeSender, recipient: subscriber.email, message: bytes)
            switch outcome {
            case .accepted(let reply): say("test message accepted for \(subscriber.email): \(reply)")
            default: throw CommandFailure("test message to \(subscriber.email) not accepted: \(outcome.reply)")
            }
        }
    }
}
