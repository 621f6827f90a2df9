/// The archive's built-in templates: the index of issues and the Atom feed.
enum ArchiveTemplates {
    /// `index.html`: the issues, newest first, in the digest's look (≤ 600 px, fluid on phones).
    static let index = #"""
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>{{title}} · 往期</title>
        <link rel="alternate" type="application/atom+xml" title="{{title}}" href="feed.xml">
        <style>
        body { margin: 0; padding: 16px 8px; background: #f2f2f2; color: #222222; font-family: 'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',Arial,sans-serif; }
        main { max-width: 600px; margin: 0 auto; background: #ffffff; }
        header { background: #b71c1c; color: #ffffff; padding: 20px 24px; }
        h1 { margin: 0; font-size: 22px; line-height: 30px; }
        header p { margin: 4px 0 0 0; font-size: 14px; }
        header a { color: #ffffff; }
        ol { list-style: none; margin: 0; padding: 0; }
        li { padding: 16px 24px; border-bottom: 1px solid #eeeeee; }
        h2 { margin: 0 0 4px 0; font-size: 18px; line-height: 26px; }
        h2 a { color: #b71c1c; text-decoration: none; }
        p.meta { margin: 0; font-size: 13px; line-height: 20px; color: #666666; }
        h1, h2, p, a { word-break: break-word; overflow-wrap: anywhere; }
        @media (prefers-color-scheme: dark) {
          body { background: #121212; color: #e6e6e6; }
          main { background: #1e1e1e; }
          li { border-bottom-color: #3a3a3a; }
          h2 a { color: #ff8a80; }
          p.meta { color: #b0b0b0; }
        }
        </style>
        </head>
        <body>
        <main>
        <header><h1>{{title}}</h1><p>往期 {{count}} 期 · <a href="feed.xml">订阅源（Atom）</a></p></header>
        <ol>
        {{#issues}}
        <li><h2><a href="{{url}}">{{subject}}</a></h2><p class="meta">{{date}} · {{count}} 篇{{#titles}} · {{titles}}{{/titles}}</p></li>
        {{/issues}}
        </ol>
        </main>
        </body>
        </html>

        """#

    /// `feed.xml`: Atom 1.0 (RFC 4287), one entry per issue.
    static let feed = #"""
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
        <title>{{title}}</title>
        <id>{{id}}</id>
        <updated>{{updated}}</updated>
        {{#self_url}}
        <link rel="self" type="application/atom+xml" href="{{self_url}}"/>
        {{/self_url}}
        <link rel="alternate" type="text/html" href="{{index_url}}"/>
        <author><name>{{title}}</name></author>
        {{#entries}}
        <entry>
        <title>{{title}}</title>
        <id>{{id}}</id>
        <updated>{{updated}}</updated>
        <link rel="alternate" type="text/html" href="{{url}}"/>
        <summary type="text">{{summary}}</summary>
        <content type="html">{{content}}</content>
        </entry>
        {{/entries}}
        </feed>

        """#
}
