import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the web archive of every digest that went out: one page per issue, index.html, feed.xml.",
            discussion: """
                `send` does this after every run that delivered something; run it yourself \
                after editing the templates, or to fill a new archive_dir. Pages are the \
                subscriber-neutral digest (no name, no unsubscribe token) with every article, \
                named DATE-HASH.html: the "view in browser" link of each message is \
                archive_url + that name. Publish archive_dir at archive_url (copy it to your \
                web server, or let the server serve the folder). Files are rewritten only \
                when they change.

                Example:
                  newsletter archive --config /srv/newsletter/newsletter.yml
                  rsync -a /srv/newsletter/archive/ www.example.com:/var/www/archive/
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let config = try global.loadConfig()
            let newsletter = try Newsletter(config: config, logger: global.makeLogger())
            let summary = try await newsletter.writeArchive()
            say(
                "archive: \(summary.issues) issue(s) in \(summary.directory.path) (\(summary.written.count) file(s) written)"
            )
            if let base = config.archiveURL {
                say("published at \(base.hasSuffix("/") ? base : base + "/")index.html once the folder is there")
            } else {
                say("archive_url is not set: messages carry no \"view in browser\" link")
            }
        }
    }
}
