import ArgumentParser
import Foundation
import NewsletterKit

extension NewsletterCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new newsletter: a commented newsletter.yml, the templates and an empty subscriber list.",
            discussion: """
                Writes into DIR (default: the current folder, created if missing):
                  newsletter.yml         every setting, its default and what it does
                  Templates/             the digest's HTML and text templates, and the
                                         pages and confirmation mail of newsletter
                                         serve (edit freely)
                  Subscribers/subscribers.csv   the subscriber list (header only)
                A file that already exists is never overwritten: it is listed as kept, \
                so running init again only adds what is missing.

                Example:
                  newsletter init /srv/newsletter && cd /srv/newsletter
                  $EDITOR newsletter.yml
                """)

        @Argument(help: "The folder to set up.", completion: .directory)
        var directory = "."

        func run() throws {
            let folder = URL(fileURLWithPath: directory, isDirectory: true)
            let results = try StarterFiles.write(into: folder)
            for (url, outcome) in results {
                let shown = Self.relative(url, to: folder)
                switch outcome {
                case .created: say("created \(shown)")
                case .kept: say("kept    \(shown) (exists; not overwritten)")
                }
            }
            let cd = directory == "." ? "" : "cd \(directory) && "
            say("")
            say("Next steps:")
            say(
                "  1. Edit \(Self.relative(results[0].url, to: folder)): title, from, sources and smtp (the comments explain each setting)."
            )
            say(
                "  2. Add subscribers: \(cd)newsletter subscribers add you@example.com (or subscribers import FILE.csv)."
            )
            say("  3. Check and preview: newsletter check, then newsletter preview --open; send with newsletter send.")
        }

        private static func relative(_ url: URL, to folder: URL) -> String {
            let base = folder.standardizedFileURL.path
            let path = url.standardizedFileURL.path
            if path.hasPrefix(base + "/") {
                let rest = String(path.dropFirst(base.count + 1))
                return folder.relativePath == "."
                    ? rest : (folder.relativePath as NSString).appendingPathComponent(rest)
            }
            return path
        }
    }
}
