import ArgumentParser
import NewsletterKit

@main
struct NewsletterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsletter",
        abstract: "Turns a website's new articles into a weekly email digest.",
        discussion: """
            Every command reads ./newsletter.yml unless --config names another file.

            Example (a first setup):
              newsletter init /srv/newsletter && cd /srv/newsletter
              $EDITOR newsletter.yml
              newsletter subscribers add reader@example.com --name 读者
              newsletter check && newsletter preview && newsletter send

            Cron (full path; CRON_TZ sets the zone cron reads the time in):
              CRON_TZ=Asia/Shanghai
              0 7 * * 1  cd /srv/newsletter && . ./smtp-password.env && \\
                         /usr/local/bin/newsletter send >>send.log 2>&1

            Shell completion:
              newsletter --generate-completion-script bash \\
                  > /etc/bash_completion.d/newsletter
            """,
        version: NewsletterVersion.current,
        subcommands: [
            Init.self, Check.self, Fetch.self, Preview.self, Send.self, Status.self, Archive.self, Subscribers.self,
            Serve.self, Mailbox.self, Extract.self, Evaluate.self,
        ]
    )
}
