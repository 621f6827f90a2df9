/// The built-in templates, used when no `Templates/` folder exists (or a file is missing).
///
/// They equal the repository's `Templates/` files byte for byte (a test checks this).
enum DefaultTemplates {
    /// `digest.html.mustache`.
    static let html = #"""
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{{title}}</title>
</head>
<body style="margin:0;padding:0;background-color:#f2f2f2;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">{{preheader}}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f2f2f2;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border-collapse:collapse;">
<tr><td style="padding:20px 24px;background-color:#b71c1c;color:#ffffff;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;">
<h1 style="margin:0;font-size:22px;line-height:30px;font-weight:bold;color:#ffffff;">{{title}}</h1>
<p style="margin:4px 0 0 0;font-size:14px;line-height:20px;color:#ffffff;">{{issue_date}} · 本期 {{article_count}} 篇</p>
</td></tr>
{{#articles}}
<tr><td style="padding:20px 24px 4px 24px;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;color:#222222;">
<h2 style="margin:0 0 6px 0;font-size:18px;line-height:26px;font-weight:bold;"><a href="{{url}}" style="color:#b71c1c;text-decoration:none;">{{title}}</a></h2>
<p style="margin:0 0 8px 0;font-size:13px;line-height:20px;color:#666666;">{{date}}{{#source}} · 来源：{{source}}{{/source}}{{#category}} · {{category}}{{/category}}</p>
{{#excerpt}}<p style="margin:0 0 8px 0;font-size:15px;line-height:24px;color:#222222;">{{excerpt}}</p>{{/excerpt}}
<p style="margin:0 0 12px 0;font-size:14px;line-height:20px;"><a href="{{url}}" style="color:#b71c1c;">阅读全文 »</a></p>
</td></tr>
{{/articles}}
{{#omitted_count}}
<tr><td style="padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;line-height:20px;color:#222222;">另有 {{omitted_count}} 篇{{#archive_url}}，请见<a href="{{archive_url}}" style="color:#b71c1c;">网页版</a>{{/archive_url}}。</td></tr>
{{/omitted_count}}
<tr><td style="padding:16px 24px 24px 24px;border-top:1px solid #dddddd;font-family:Arial,sans-serif;font-size:12px;line-height:18px;color:#666666;">
您收到这封邮件，是因为您订阅了「{{title}}」。{{#unsubscribe_url}}<a href="{{unsubscribe_url}}" style="color:#666666;">退订</a>{{/unsubscribe_url}}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>

"""#

    /// `digest.txt.mustache`.
    static let text = #"""
{{%CONTENT_TYPE: TEXT}}
{{title}}
{{issue_date}} · 本期 {{article_count}} 篇

{{#articles}}
{{number}}. {{title}}
{{date}}{{#source}} · 来源：{{source}}{{/source}}{{#category}} · {{category}}{{/category}}
{{#excerpt}}
{{excerpt}}
{{/excerpt}}
阅读全文：{{url}}

{{/articles}}
{{#omitted_count}}
另有 {{omitted_count}} 篇。{{#archive_url}}网页版：{{archive_url}}{{/archive_url}}

{{/omitted_count}}
--
您收到这封邮件，是因为您订阅了「{{title}}」。
{{#unsubscribe_url}}
退订：{{unsubscribe_url}}
{{/unsubscribe_url}}

"""#
}
