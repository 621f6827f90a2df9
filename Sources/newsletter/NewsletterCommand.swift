import ArgumentParser
import NewsletterKit

@main
struct NewsletterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsletter",
        abstract: "Turns a website's new articles into a weekly email digest.",
        version: NewsletterVersion.current,
        subcommands: [
            Init.self, Check.self, Fetch.self, Preview.self, Send.self, Status.self, Archive.self, Subscribers.self,
            Serve.self, Mailbox.self, Extract.self, Evaluate.self,
        ]
    )
}
