import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Render the digest of what is new into a folder (digest.html, digest.txt, digest.eml) without sending or marking anything.",
            discussion: """
                Fetches every source (new articles are stored, as `fetch` does), selects what the next \
                `send` would send, and writes the digest as the first active subscriber would get it: \
                digest.html, digest.txt and digest.eml (the whole message, openable in a mail client). \
                Nothing is sent and no article is marked as sent, so a preview can be run any number of times. \
                When nothing is new (this week's issue went out), it shows the last issue again, as \
                `send --test` sends it.

                Examples:
                  newsletter preview --open
                  newsletter preview --out /tmp/preview --now 2026-06-08T08:00:00+08:00
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var clock: ClockOptions

        @Option(name: .long, help: "The folder to write into.", completion: .directory)
        var out = "preview"

        @Flag(name: .long, help: "Open the HTML digest in a browser, where one exists.")
        var open = false

        func run() async throws {
            let config = try global.loadConfig()
            let now = try clock.resolve()
            let newsletter = try Newsletter(config: config, logger: global.makeLogger())
            let folder = URL(fileURLWithPath: out)
            let result = try await newsletter.preview(now: now, to: folder)
            for failure in result.fetch.failedSources { say("source failed: \(failure.name): \(failure.reason)") }
            if let lastIssue = result.lastIssue {
                say("nothing new since the last issue: the preview shows it again (\(lastIssue))")
                say("\(result.content.items.count) article(s); Subject: \(result.content.subject)")
            } else {
                say("\(result.content.items.count) new article(s); Subject: \(result.content.subject)")
            }
            say(result.html.path)
            say(result.text.path)
            say(result.eml.path)
            if open { openInBrowser(result.html) }
        }

        /// Opens the page with xdg-open (Linux desktops); says so when that cannot work (no opener, no
        /// display, the opener failed), so that `--open` never fails silently on a server.
        private func openInBrowser(_ url: URL) {
            let opener = "/usr/bin/xdg-open"
            let environment = ProcessInfo.processInfo.environment
            guard FileManager.default.isExecutableFile(atPath: opener) else {
                return say("cannot open a browser: no xdg-open; open \(url.path) yourself")
            }
            guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else {
                return say("cannot open a browser: no display (DISPLAY is not set); open \(url.path) yourself")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: opener)
            process.arguments = [url.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
                process.waitUntilExit()  // xdg-open returns once the browser is started
                if process.terminationStatus != 0 {
                    say(
                        "cannot open a browser: xdg-open exited with \(process.terminationStatus); open \(url.path) yourself"
                    )
                }
            } catch {
                say("cannot open a browser: \(error); open \(url.path) yourself")
            }
        }
    }
}
