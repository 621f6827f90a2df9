import ArgumentParser
import Foundation
import NewsletterKit
import NewsletterServer

extension NewsletterCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Answer unsubscribe links, RFC 8058 one-click POSTs and a subscribe form over HTTP (behind your web server).",
            discussion: """
                Listens on 127.0.0.1 by default; put the organisation's web server (TLS) in front and pass \
                the path of unsubscribe_url through unchanged (see the README for an nginx example). A GET \
                of the link shows a page with one button and changes nothing; a POST unsubscribes at once. \
                With an smtp: section it also serves a subscribe form (double opt-in: the address stays \
                pending until the link mailed to it is confirmed). Stops on SIGINT or SIGTERM.

                Examples:
                  newsletter serve --port 8058
                  # with unsubscribe_url: https://news.example.com/u?t={{token}}
                  curl -d List-Unsubscribe=One-Click 'http://127.0.0.1:8058/u?t=TOKEN'
                  # the subscribe form: http://127.0.0.1:8058/subscribe
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "The address to listen on.")
        var host = "127.0.0.1"

        @Option(name: .long, help: "The TCP port to listen on (0: any free port).")
        var port = 8058

        @Option(
            name: .long, help: "Write the bound port to this file once listening (for scripts and tests).",
            completion: .file())
        var readyFile: String?

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("Please give a port from 0 to 65535.") }
        }

        func run() async throws {
            // A server's log: its lines are stamped when they go to a file or a journal, not a terminal.
            Console.shared.timestamps = true
            let config = try global.loadConfig()
            let logger = global.makeLogger()
            let server: SubscriptionServer
            do {
                server = try SubscriptionServer(config: config, logger: logger)
            } catch let error as ServerError {
                throw CommandFailure("\(error)")
            }
            let host = self.host
            let readyFile = self.readyFile
            let path = server.unsubscribePath
            let form =
                server.subscribeFormPath.map { ", subscribe form: \($0)" } ?? ", no subscribe form (no smtp: section)"
            try await server.run(host: host, port: port) { bound in
                say("listening on http://\(host):\(bound) (unsubscribe: \(path)\(form))")
                fflush(nil)
                if let readyFile {
                    try? AtomicFile.write(Data("\(bound)\n".utf8), to: URL(fileURLWithPath: readyFile))
                }
            }
        }
    }
}
