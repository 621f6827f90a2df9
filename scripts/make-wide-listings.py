#!/usr/bin/env python3
"""Writes a second, wider set of listing pages in Tests/NewsletterKitTests/Resources/listings-wide/.

These pages were written BEFORE the listing extractor was changed for them, from the markup real sites emit
(shapes read from public crawler code and saved pages: the SSE/TRS `<dl><dd><span>date</span><a>` lists with
PDF notices mixed in and `createPageHTML('paging', 20, 1, 's_list', 'shtml', 389)`, Hanweb records that are
whole `<table>`s, 政务公开 tables with 索引号/发文字号/发文日期 columns, DedeCMS `plus/list.php`, Discuz!
`forumdisplay`, Jeecms `.jhtml`, 人民网 `index2.html`, WordPress and Ghost themes with `/slug/` permalinks,
Drupal views with `?page=1`, protocol-relative links across subdomains, short last pages). They differ from
`listings/` (scripts/make-listing-fixtures.py) in template, URL shape, date form and furniture, so that
`newsletter evaluate Tests/NewsletterKitTests/Resources/listings-wide` says how the extractor does on
layouts it was not written against. Truth and page come from the same item data.

    python3 scripts/make-wide-listings.py
"""

import json
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "NewsletterKitTests", "Resources", "listings-wide")
CN_NOW = "2022-02-20T08:00:00+08:00"
CN_ZONE = "Asia/Shanghai"
EN_NOW = "2024-03-10T09:00:00Z"
EN_ZONE = "UTC"

CN_TITLES = [
    "省政府常务会议研究部署“十四五”数字政府建设工作",
    "关于印发《全省营商环境优化提升三年行动方案》的通知",
    "省发展改革委召开2022年重点项目谋划推进会",
    "全省春季森林防火工作电视电话会议召开",
    "关于开展2022年度企业年报公示工作的公告",
    "省生态环境厅发布1月份全省环境空气质量状况",
    "关于公布第二批省级特色小镇名单的通知",
    "省统计局解读2021年全省经济运行情况",
    "全省高标准农田建设现场观摩会在南部市召开",
    "关于做好2022年普通高校毕业生就业创业工作的通知",
    "省交通运输厅部署春运后半程安全生产工作",
    "省市场监管局公布2021年度十大典型案例",
    "关于征集2022年省政府民生实事项目建议的公告",
    "全省医疗保障工作会议召开",
    "省水利厅启动冬春水利建设“百日攻坚”行动",
    "关于调整最低工资标准的通知",
]
CN_DATES = [
    "2022-02-19", "2022-02-18", "2022-02-18", "2022-02-17", "2022-02-16", "2022-02-15", "2022-02-14",
    "2022-02-11", "2022-02-10", "2022-02-09", "2022-02-08", "2022-02-07", "2022-01-29", "2022-01-28",
    "2022-01-27", "2022-01-26",
]
EN_TITLES = [
    "City council approves new budget for public libraries",
    "Researchers map the spread of invasive beetles across the valley",
    "How we rebuilt our deployment pipeline in six weeks",
    "Community garden program opens applications for spring",
    "A closer look at the new transit fare structure",
    "Annual report: what our readers asked us in 2023",
    "Volunteers clean up 3 tonnes of litter along the river",
    "Five lessons from running a small newsroom on a tight budget",
    "University opens new laboratory for materials science",
    "School district announces revised calendar for next year",
    "Local bakery wins regional award for sourdough",
    "Storm damage: what homeowners should know about claims",
]
EN_DAYS = [
    ("2024-03-08", "March 8, 2024", "8 Mar 2024"), ("2024-03-07", "March 7, 2024", "7 Mar 2024"),
    ("2024-03-05", "March 5, 2024", "5 Mar 2024"), ("2024-03-04", "March 4, 2024", "4 Mar 2024"),
    ("2024-03-01", "March 1, 2024", "1 Mar 2024"), ("2024-02-28", "February 28, 2024", "28 Feb 2024"),
    ("2024-02-27", "February 27, 2024", "27 Feb 2024"), ("2024-02-23", "February 23, 2024", "23 Feb 2024"),
    ("2024-02-21", "February 21, 2024", "21 Feb 2024"), ("2024-02-20", "February 20, 2024", "20 Feb 2024"),
    ("2024-02-16", "February 16, 2024", "16 Feb 2024"), ("2024-02-14", "February 14, 2024", "14 Feb 2024"),
]


def slug(title):
    out = "".join(c.lower() if c.isalnum() else "-" for c in title)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:60].rstrip("-")


def write(name, family, url, html, links, next_page, notes, now=CN_NOW, zone=CN_ZONE):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".html"), "w", encoding="utf-8") as f:
        f.write(html)
    truth = {
        "family": family, "url": url, "now": now, "timezone": zone, "notes": notes,
        "links": [{"url": u, "title": t, "date": d} for u, t, d in links], "next_page": next_page,
    }
    with open(os.path.join(OUT, name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=2)
        f.write("\n")


def cn_page(title, body, site="示例省人民政府"):
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
        f'<meta name="SiteName" content="{site}">\n<meta name="ColumnName" content="{title}">\n'
        f"<title>{title}-{site}</title>\n</head>\n<body>\n{body}\n</body></html>\n")


def cn_header(host=""):
    menu = [("首页", "/"), ("政务公开", "/zwgk/"), ("新闻中心", "/xwzx/"), ("政务服务", "/zwfw/"),
            ("互动交流", "/hdjl/"), ("数据开放", "/sjkf/")]
    return (
        '<div class="top-bar"><a href="/wza/">无障碍</a> | <a href="/en/">English</a> | '
        '<a href="/m/">手机版</a></div><div class="head"><img src="/images/logo.png" alt="示例省人民政府">'
        '<form action="/search/"><input name="q"></form></div><div class="menu"><ul>' + "".join(
            f'<li><a href="{host}{h}">{t}</a></li>' for t, h in menu) + "</ul></div>")


def cn_footer():
    return (
        '<div class="bottom"><div class="links"><span>相关网站：</span>'
        '<a href="http://www.example.org/">中国政府网</a> <a href="http://www.example.net/">国务院部门网站</a></div>'
        '<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/bqsm/">版权声明</a></p>'
        '<p>主办单位：示例省人民政府办公厅 网站标识码：0000000002</p></div>')


# 1. SSE / TRS: <dl><dd><span>date</span><a title>…</a></dd>, PDF notices mixed in, createPageHTML with an id first.
def sse_dl_dd():
    host = "https://www.example.com.cn"
    base = "/services/tradingtech/notice/"
    rows, links = [], []
    for i in range(14):
        d = CN_DATES[i]
        ymd = d.replace("-", "")
        if i % 3 == 1:
            href = f"{base}c/108{i:05d}/files/{ymd}a{i}f9e.pdf"
        else:
            href = f"{base}c/c_{ymd}_108{i:05d}.shtml"
            links.append((host + href, CN_TITLES[i], d))
        rows.append(
            f'\n            <dd>\n                <span>\n                    {d}\n                </span>\n'
            f'                <a href="{href}" title="{CN_TITLES[i]}" target="_blank">\n'
            f"                    {CN_TITLES[i]}\n                </a>\n            </dd>\n")
    megamenu = "".join(
        f'<dl><dt><a>{grp}</a></dt>' + "".join(
            f'<dd><a href="/services/{grp_path}/{k}/" target="_parent" title="{name}">{name}</a></dd>'
            for k, name in items) + "</dl>"
        for grp, grp_path, items in [
            ("交易服务", "tradingservice", [("process", "交易流程"), ("charge", "收费标准"), ("blocktrading", "大宗交易"),
                                        ("margin", "融资融券")]),
            ("技术服务", "tradingtech", [("notice", "技术通知"), ("services", "服务指引"), ("data", "技术接口"),
                                     ("policy", "技术指南"), ("download", "软件下载")]),
        ])
    related = "".join(
        f'\n            <dd>\n                <a href="{h}" title="{t}" target="_blank">\n                    {t}\n'
        f"                </a>\n            </dd>\n"
        for h, t in [("https://one.example.com.cn/member/", "会员专区"),
                     ("/services/tradingservice/blocktrading/home/", "大宗交易专区"),
                     ("http://bond.example.com.cn/", "固定收益平台")])
    body = (
        f'<header><div class="sse_nav">{megamenu}</div></header>'
        '<div class="container"><div class="row"><div class="col-md-8"><div class="sse_colContent js_createPage">'
        '<h2 class="title_lev2">技术通知</h2><div class="sse_list_1 js_listPage"><dl>' + "".join(rows)
        + "<script>createPageHTML('paging',20, 1,'s_list','shtml',389);</script>\n    </dl>\n</div>"
        '<div class="page-con-table js_pageTable" style="display:none;"><nav class="table-page"><ul class="pagination">'
        '</ul></nav><div class="visible-xs mobile-page"><button type="button">上一页</button>'
        '<button type="button" class="next-page">下一页</button></div></div></div></div>'
        '<div class="col-md-4"><div class="sse_colContent"><h2 class="title_lev2">专区介绍</h2><p>本专区向市场参与者提供'
        '证券交易相关的技术支持，包括交易技术方面的最新通知、前端报盘程序、接口指引文档、服务联系方式等。</p></div>'
        '<div class="sse_colContent"><h2 class="title_lev2">相关链接</h2><div class="sse_list_1"><dl>' + related
        + "</dl></div></div></div></div></div>"
        '<footer><div class="el-link"><a href="/aboutus/contactus/">联系我们</a><a href="/home/map/">网站地图</a>'
        '<a href="/home/links/">相关链接</a><a href="/home/legal/">法律声明</a></div></footer>')
    write("sse-dl-dd-pdf-mix", "TRS (SSE template)", host + base, cn_page("技术通知", body, "上海证券交易所"), links,
          host + base + "s_list_2.shtml",
          "<dl><dd><span>date</span><a title>…</a></dd> with whitespace-heavy markup, every third notice a PDF; "
          "createPageHTML('paging', 20, 1, 's_list', 'shtml', 389); 相关链接 dl/dd in the right column, dl/dd mega menu")


# 2. Hanweb records that are whole tables, inside a column div; pagination only by script.
def hanweb_table_records():
    host = "http://www.example.gov.cn"
    records, links = [], []
    for i in range(12):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        href = f"/art/{y}/{int(m)}/{int(dd)}/art_1229_{5230 - i}.html"
        links.append((host + href, CN_TITLES[i], d))
        records.append(
            f'<record><![CDATA[\n<table width="100%" border="0" cellspacing="0" cellpadding="0" class="tb_list">'
            f'<tr><td width="15"><img src="/images/dot.gif"></td><td align="left"><a href="{href}" '
            f'title="{CN_TITLES[i]}" target="_blank">{CN_TITLES[i]}</a></td>'
            f'<td width="90" align="right" class="bt_time">[{d}]</td></tr></table>\n]]></record>\n')
    left = "".join(
        f'<li><a href="/col/col{1220 + k}/index.html">{t}</a></li>'
        for k, t in enumerate(["政务要闻", "部门动态", "市县动态", "通知公告", "政策解读", "媒体关注"]))
    body = (
        cn_header() + '<div class="main"><div class="left"><div class="lm_title">新闻中心</div><ul class="lm_list">'
        + left + '</ul></div><div class="right"><div class="bt-position">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/col/col1220/index.html">新闻中心</a> &gt; <a href="/col/col1229/index.html">部门动态</a></div>'
        '<div id="4826"><script type="text/xml"><datastore>\n<nextgroup><![CDATA[<a href="/module/web/jpage/'
        'dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=1229&unitid=4826&webname=示例&permissiontype=0">'
        '</a>]]></nextgroup>\n<recordset>\n' + "".join(records)
        + '</recordset>\n</datastore></script></div><script language="javascript" src="/module/web/jpage/'
        'jquery.jpage.js"></script><script>$(document).ready(function(){$("#4826").jpage({dataStore:dataStore,'
        'perPage:15,totalRecord:476,proxyUrl:"/module/web/jpage/dataproxy.jsp",groupSize:3});});</script></div></div>'
        + cn_footer())
    write("hanweb-table-records", "Hanweb", host + "/col/col1229/index.html", cn_page("部门动态", body), links, None,
          "each datastore record is a whole <table> (icon cell, link cell, [date] cell); pagination by jpage script")


# 3. 政务公开 table with 索引号 / 标题 / 发文字号 / 发文日期 columns and a topic tree on the left.
def zfxxgk_table():
    host = "http://xxgk.example.gov.cn"
    rows, links = [], []
    for i in range(10):
        d = CN_DATES[i]
        ymd = d.replace("-", "")
        href = f"./202202/t{ymd}_{4410 + i}.html"
        links.append((f"{host}/zfxxgk/fdzdgknr/zcwj/202202/t{ymd}_{4410 + i}.html", CN_TITLES[i], d))
        rows.append(
            f'<tr class="{"odd" if i % 2 else "even"}"><td>{i + 1}</td><td>11430000006940012K/{d[:4]}-{120 - i:05d}</td>'
            f'<td class="tl"><a href="{href}" target="_blank" title="{CN_TITLES[i]}">{CN_TITLES[i]}</a></td>'
            f'<td>示政办发〔{d[:4]}〕{20 - i}号</td><td>{d}</td></tr>')
    tree = "".join(
        f'<li><a href="/zfxxgk/fdzdgknr/{k}/">{t}</a></li>'
        for k, t in [("zcwj", "政策文件"), ("ghjh", "规划计划"), ("tjxx", "统计信息"), ("czxx", "财政信息"),
                     ("rsxx", "人事信息"), ("zdxm", "重大项目")])
    body = (
        cn_header() + '<div class="xxgk-main"><div class="xxgk-left"><h3>主题分类</h3><ul class="tree">' + tree
        + '</ul><h3>组配分类</h3><ul class="tree"><li><a href="/zfxxgk/zpfl/tz/">通知</a></li>'
        '<li><a href="/zfxxgk/zpfl/gg/">公告</a></li><li><a href="/zfxxgk/zpfl/yj/">意见</a></li></ul></div>'
        '<div class="xxgk-right"><div class="search-box"><form action="/search/xxgk"><input name="wh">'
        '<button>检索</button></form></div><table class="xxgk-table" width="100%"><thead><tr><th width="5%">序号</th>'
        '<th width="22%">索引号</th><th>标题</th><th width="16%">发文字号</th><th width="12%">发文日期</th></tr>'
        '</thead><tbody>' + "".join(rows)
        + '</tbody></table><div class="pages">共 12 页 <a href="index.html">首页</a> <a href="index_1.html">下一页</a> '
        '<a href="index_11.html">尾页</a></div></div></div>' + cn_footer())
    write("zfxxgk-table-columns", "政务公开 (TRS)", host + "/zfxxgk/fdzdgknr/zcwj/index.html",
          cn_page("政策文件", body), links, host + "/zfxxgk/fdzdgknr/zcwj/index_1.html",
          "table with 序号, 索引号 (…/2022-00120), 标题, 发文字号 (〔2022〕20号) and 发文日期 columns; topic tree left")


# 4. DedeCMS dynamic list: plus/list.php?tid=, view.php?aid=, date with time and hit counts.
def dedecms_dynamic():
    host = "http://www.example.com"
    items, links = [], []
    for i in range(10):
        d = CN_DATES[i]
        aid = 880 - i
        href = f"/plus/view.php?aid={aid}"
        links.append((host + href, CN_TITLES[i], f"{d}T{9 + i % 8:02d}:{(i * 7) % 60:02d}:{(i * 13) % 60:02d}+08:00"))
        items.append(
            f'<li><a href="{href}" class="preview"><img src="/uploads/allimg/220219/1-2202191{i:02d}.jpg"/></a>'
            f'<a href="{href}" class="title">{CN_TITLES[i]}</a><span class="info"><small>日期：</small>'
            f'{d} {9 + i % 8:02d}:{(i * 7) % 60:02d}:{(i * 13) % 60:02d}<small>点击：</small>{300 + i * 17}'
            f'<small>好评：</small>{i}</span><p class="intro">{CN_TITLES[i]}。近日，有关部门召开会议……</p></li>')
    hot = "".join(
        f'<li><a href="/plus/view.php?aid={700 + k}">{t}</a></li>'
        for k, t in enumerate(["全省旅游市场秩序专项整治启动", "我省新增两家国家级孵化器", "春节假期全省接待游客创新高",
                               "省图书馆推出线上阅读服务", "全省首个智慧农业示范园建成"]))
    body = (
        '<div class="header"><div class="top"><a href="/">网站首页</a><a href="/plus/list.php?tid=1">新闻动态</a>'
        '<a href="/plus/list.php?tid=2">产品展示</a><a href="/plus/list.php?tid=3">联系我们</a></div></div>'
        '<div class="w960 center clear mt1"><div class="pleft"><div class="place"><strong>当前位置:</strong> '
        '<a href="/">主页</a> &gt; <a href="/plus/list.php?tid=5">公司新闻</a> &gt;</div><div class="listbox">'
        '<ul class="e2">' + "".join(items)
        + '</ul></div><div class="dede_pages"><ul class="pagelist"><li><span class="pageinfo">共 <strong>12</strong>页'
        '<strong>118</strong>条</span></li><li class="thisclass">1</li>'
        '<li><a href="list.php?tid=5&TotalResult=118&PageNo=2">2</a></li>'
        '<li><a href="list.php?tid=5&TotalResult=118&PageNo=3">3</a></li>'
        '<li><a href="list.php?tid=5&TotalResult=118&PageNo=2">下一页</a></li>'
        '<li><a href="list.php?tid=5&TotalResult=118&PageNo=12">末页</a></li></ul></div></div>'
        '<div class="pright"><div class="commend mt1"><dl class="tbox light"><dt class="light"><strong>推荐内容</strong>'
        '</dt><dd class="light"><ul class="d4">' + hot + '</ul></dd></dl></div><div class="hot mt1"><dl class="tbox '
        'light"><dt class="light"><strong>热点内容</strong></dt><dd class="light"><ul class="c1 ico2">' + hot
        + '</ul></dd></dl></div></div></div><div class="footer w960 center mt1 clear"><p class="powered">Powered by '
        '<a href="http://www.example.net/">DedeCMS</a></p></div>')
    write("dedecms-dynamic-list", "DedeCMS", host + "/plus/list.php?tid=5", cn_page("公司新闻", body, "示例公司"), links,
          host + "/plus/list.php?tid=5&TotalResult=118&PageNo=2",
          "dynamic list.php/view.php?aid= URLs, image + title link per item, 日期：date with seconds and 点击 counts; "
          "推荐内容 and 热点内容 boxes repeat the same URL shape")


# 5. Discuz! forumdisplay thread list: one tbody per thread, author date and last-post date per row.
def discuz_forum():
    host = "https://bbs.example.com"
    bodies, links = [], []
    for i in range(12):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        tid = 51200 - i * 3
        href = f"forum.php?mod=viewthread&amp;tid={tid}&amp;extra=page%3D1"
        links.append((f"{host}/forum.php?mod=viewthread&tid={tid}&extra=page%3D1", CN_TITLES[i], d))
        last = f"{y}-{int(m)}-{min(int(dd) + 1, 20)} {8 + i % 9}:{10 + i:02d}"
        bodies.append(
            f'<tbody id="normalthread_{tid}"><tr><td class="icn"><a href="{href}" title="新窗口打开" '
            f'target="_blank"><img src="static/image/common/folder_common.gif" /></a></td><th class="common">'
            f'<a href="forum.php?mod=forumdisplay&amp;fid=2&amp;filter=typeid&amp;typeid={i % 3 + 1}">[{["通知", "讨论", "求助"][i % 3]}]</a> '
            f'<a href="{href}" onclick="atarget(this)" class="s xst">{CN_TITLES[i]}</a></th>'
            f'<td class="by"><cite><a href="home.php?mod=space&amp;uid={100 + i}" c="1">用户{100 + i}</a></cite>'
            f'<em><span>{y}-{int(m)}-{int(dd)}</span></em></td><td class="num"><a href="{href}" class="xi2">{i * 3}</a>'
            f'<em>{200 + i * 11}</em></td><td class="by"><cite><a href="home.php?mod=space&amp;username=u{i}" c="1">'
            f'u{i}</a></cite><em><a href="forum.php?mod=redirect&amp;tid={tid}&amp;goto=lastpost#lastpost">{last}'
            f'</a></em></td></tr></tbody>')
    body = (
        '<div id="toptb"><a href="member.php?mod=register">注册</a> <a href="member.php?mod=logging&amp;action=login">'
        '登录</a></div><div id="hd"><ul id="nv"><li><a href="forum.php">论坛</a></li><li><a href="group.php">群组</a></li>'
        '<li><a href="home.php">家园</a></li></ul></div><div id="pt" class="bm cl"><div class="z"><a href="./">首页</a> '
        '<em>›</em> <a href="forum.php">论坛</a> <em>›</em> <a href="forum.php?mod=forumdisplay&amp;fid=2">本地新闻</a>'
        '</div></div><div id="ct" class="wp cl"><div class="mn"><div id="pgt" class="bm bw0 pgs cl"><span id="fd_page_top">'
        '<div class="pg"><strong>1</strong><a href="forum.php?mod=forumdisplay&amp;fid=2&amp;page=2">2</a>'
        '<a href="forum.php?mod=forumdisplay&amp;fid=2&amp;page=3">3</a><a href="forum.php?mod=forumdisplay&amp;fid=2'
        '&amp;page=2" class="nxt">下一页</a></div></span></div><div id="threadlist" class="tl bm bmw"><div class="th">'
        '<table cellspacing="0" cellpadding="0"><tr><th colspan="2">主题</th><td class="by">作者</td><td class="num">'
        '回复/查看</td><td class="by">最后发表</td></tr></table></div><div class="bm_c"><form method="post" '
        'id="moderate" action="forum.php?mod=topicadmin"><table summary="forum_2" cellspacing="0" cellpadding="0" '
        'id="threadlisttableid"><tbody id="separatorline" class="emptb"><tr class="ts"><td>&nbsp;</td><th>版块主题'
        '</th><td>&nbsp;</td></tr></tbody>' + "".join(bodies)
        + '</table></form></div></div><div class="bm bw0 pgs cl"><span id="fd_page_bottom"><div class="pg">'
        '<strong>1</strong><a href="forum.php?mod=forumdisplay&amp;fid=2&amp;page=2">2</a><a href="forum.php?mod='
        'forumdisplay&amp;fid=2&amp;page=2" class="nxt">下一页</a></div></span></div></div></div>'
        '<div id="ft" class="wp cl"><p><a href="forum.php?mod=misc&amp;action=showdarkroom">小黑屋</a> | '
        '<a href="archiver/">Archiver</a></p></div>')
    write("discuz-forumdisplay", "Discuz!", host + "/forum.php?mod=forumdisplay&fid=2",
          cn_page("本地新闻", body, "示例论坛"), links, host + "/forum.php?mod=forumdisplay&fid=2&page=2",
          "one <tbody> per thread: icon link, type tag link, title link, author (date 2022-2-19 without padding), "
          "reply count link to the same thread, last post (a later date and time); pagination above and below")


# 6. Jeecms: .jhtml content URLs, date before the title, pagination index_2.jhtml.
def jeecms():
    host = "http://www.example.org.cn"
    items, links = [], []
    for i in range(12):
        d = CN_DATES[i]
        href = f"/gzdt/{31060 - i * 4}.jhtml"
        links.append((host + href, CN_TITLES[i], d))
        items.append(f'<li><span class="date">{d}</span><a href="{href}" target="_blank" title="{CN_TITLES[i]}">'
                     f'{CN_TITLES[i]}</a></li>')
    side = "".join(f'<li><a href="/{k}/index.jhtml">{t}</a></li>' for k, t in
                   [("gzdt", "工作动态"), ("tzgg", "通知公告"), ("zcfg", "政策法规"), ("xxgk", "信息公开")])
    body = (
        cn_header() + '<div class="container"><div class="side-left"><div class="side-title">协会动态</div><ul>' + side
        + '</ul></div><div class="main-right"><div class="cur-pos">您现在的位置：<a href="/">首页</a> &gt; '
        '<a href="/gzdt/index.jhtml">工作动态</a></div><div class="news-list"><ul>' + "".join(items)
        + '</ul></div><div class="pagination"><a href="javascript:void(0);" class="disabled">首页</a>'
        '<a href="javascript:void(0);" class="disabled">上一页</a><a href="index_2.jhtml">下一页</a>'
        '<a href="index_9.jhtml">尾页</a> 当前页 1/9 页</div></div></div>' + cn_footer())
    write("jeecms-jhtml", "Jeecms", host + "/gzdt/index.jhtml", cn_page("工作动态", body, "示例协会"), links,
          host + "/gzdt/index_2.jhtml", ".jhtml article URLs with a numeric id, date before the title, "
          "pagination with javascript:void(0) placeholders")


# 7. 人民网-style media list: <em> date with time, pagination index2.html, 24小时排行 with the same URL shape.
def media_people():
    host = "http://local.example.com.cn"
    items, links = [], []
    for i in range(14):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        href = f"/n1/{y}/{m}{dd}/c{1001 + i % 3}-{32355100 - i * 37}.html"
        t = f"{d} {8 + i % 12:02d}:{(i * 11) % 60:02d}"
        links.append((host + href, CN_TITLES[i], f"{d}T{8 + i % 12:02d}:{(i * 11) % 60:02d}:00+08:00"))
        items.append(f'<li><a href=\'{href}\' target="_blank">{CN_TITLES[i]}</a><em>{t}</em></li>')
    rank = "".join(
        f'<li><span>{k + 1}</span><a href="/n1/2022/02{19 - k:02d}/c1002-{32350000 + k}.html" target="_blank">{t}</a></li>'
        for k, t in enumerate(["全国两会时间确定", "冬奥会闭幕式彩排顺利进行", "多地出台稳岗就业新举措",
                               "春耕备耕有序推进", "新一批重大项目集中开工", "我国科学家取得新突破",
                               "城市更新行动再提速", "假期消费市场亮点纷呈", "乡村振兴迈出新步伐", "减税降费政策再加码"]))
    body = (
        '<div class="pd_nav w1000 white"><a href="http://www.example.com.cn/">人民网首页</a>|<a href="/GB/index.html">'
        '地方</a>|<a href="/GB/373435/index.html">领导留言板</a></div><div class="w1000 d2_content clearfix">'
        '<div class="fl p1_left"><div class="ej_list_box clear"><h2 class="title">滚动新闻</h2><ul class="list_16 mt10">'
        + "".join(items[:7]) + '</ul><ul class="list_16 mt10">' + "".join(items[7:])
        + '</ul><div class="page_n clearfix"><a href="index1.html" class="common_current_page">1</a>'
        '<a href="index2.html">2</a><a href="index3.html">3</a><a href="index2.html">下一页</a></div></div></div>'
        '<div class="fr p1_right"><div class="p1_right_box"><h2>24小时排行</h2><ol class="list_14">' + rank
        + '</ol></div></div></div><div class="w1000 copyright"><p><a href="/GB/50142/104580/index.html">关于人民网</a>'
        '</p></div>')
    write("media-em-dates-index2", "人民网-style media", host + "/GB/index.html",
          cn_page("地方滚动", body, "人民网"), links, host + "/GB/index2.html",
          "list split in two <ul>, <em>YYYY-MM-DD HH:MM</em> after the link, single-quoted hrefs; pagination "
          "index2.html; 24小时排行 ol with the same URL shape and longer list")


# 8. WordPress (Twenty-style theme) category archive with /slug/ permalinks, English.
def wordpress_slugs():
    host = "https://news.example.org"
    posts, links = [], []
    for i in range(10):
        iso, long, _ = EN_DAYS[i]
        s = slug(EN_TITLES[i])
        href = f"{host}/{s}/"
        links.append((href, EN_TITLES[i], f"{iso}T{9 + i % 6:02d}:{(i * 7) % 60:02d}:00+00:00"))
        posts.append(
            f'<article id="post-{900 - i}" class="post-{900 - i} post type-post status-publish format-standard '
            f'hentry category-local"><header class="entry-header"><h2 class="entry-title"><a href="{href}" '
            f'rel="bookmark">{EN_TITLES[i]}</a></h2></header><div class="entry-content"><p>Excerpt of the post '
            f'about {EN_TITLES[i].lower()}&hellip; <a class="more-link" href="{href}#more-{900 - i}">Continue reading'
            f'<span class="screen-reader-text"> "{EN_TITLES[i]}"</span></a></p></div><footer class="entry-footer">'
            f'<span class="byline"><span class="author vcard"><a class="url fn n" href="{host}/author/{["jane", "omar", "li"][i % 3]}/">'
            f'{["Jane Doe", "Omar Haddad", "Li Wei"][i % 3]}</a></span></span><span class="posted-on"><a href="{href}" '
            f'rel="bookmark"><time class="entry-date published" datetime="{iso}T{9 + i % 6:02d}:{(i * 7) % 60:02d}:00+00:00">'
            f'{long}</time><time class="updated" datetime="2024-03-09T10:00:00+00:00">March 9, 2024</time></a></span>'
            f'<span class="cat-links"><a href="{host}/category/local/" rel="category tag">Local</a></span>'
            f'<span class="comments-link"><a href="{href}#respond">Leave a comment</a></span></footer></article>')
    recent = "".join(f'<li><a href="{host}/{slug(EN_TITLES[k])}/">{EN_TITLES[k]}</a></li>' for k in range(5))
    body = (
        f'<div id="page" class="site"><header id="masthead" class="site-header"><p class="site-title"><a href="{host}/" '
        'rel="home">Example Gazette</a></p><nav id="site-navigation" class="main-navigation"><ul id="primary-menu">'
        f'<li><a href="{host}/about/">About</a></li><li><a href="{host}/contact/">Contact</a></li>'
        f'<li><a href="{host}/category/local/">Local</a></li><li><a href="{host}/category/opinion/">Opinion</a></li></ul>'
        '</nav></header><div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" '
        'class="site-main"><header class="page-header"><h1 class="page-title">Category: <span>Local</span></h1></header>'
        + "".join(posts)
        + '<nav class="navigation posts-navigation" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2>'
        f'<div class="nav-links"><div class="nav-previous"><a href="{host}/category/local/page/2/">Older posts</a></div>'
        '</div></nav></main></div><aside id="secondary" class="widget-area"><section id="recent-posts-2" '
        'class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>' + recent
        + '</ul></section><section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2>'
        f'<ul><li><a href="{host}/2024/03/">March 2024</a></li><li><a href="{host}/2024/02/">February 2024</a></li>'
        f'<li><a href="{host}/2024/01/">January 2024</a></li></ul></section><section id="categories-2" class="widget '
        f'widget_categories"><h2 class="widget-title">Categories</h2><ul><li><a href="{host}/category/local/">Local</a>'
        f'</li><li><a href="{host}/category/opinion/">Opinion</a></li><li><a href="{host}/category/science/">Science</a>'
        '</li></ul></section></aside></div><footer id="colophon" class="site-footer"><div class="site-info">'
        '<a href="https://wordpress.example.org/">Proudly powered by WordPress</a></div></footer></div>')
    html = ('<!doctype html>\n<html lang="en-US"><head><meta charset="UTF-8"><title>Local &#8211; Example Gazette'
            f'</title><link rel="next" href="{host}/category/local/page/2/" /></head>\n<body class="archive category '
            f'category-local">\n{body}\n</body></html>\n')
    write("wordpress-slug-permalinks", "WordPress", host + "/category/local/", html, links,
          host + "/category/local/page/2/",
          "permalinks /post-name/ ending in '/', several links per <article> (title, more-link, author, date, "
          "category, comments); Recent Posts widget repeats five of them; Archives /2024/03/", EN_NOW, EN_ZONE)


# 9. WordPress page 2 of 2: the short last page (2 posts) beside a 5-link Recent Posts widget.
def wordpress_short_last_page():
    host = "https://news.example.org"
    posts, links = [], []
    for i in range(10, 12):
        iso, long, _ = EN_DAYS[i]
        s = slug(EN_TITLES[i])
        href = f"{host}/{s}/"
        links.append((href, EN_TITLES[i], f"{iso}T08:30:00+00:00"))
        posts.append(
            f'<article id="post-{900 - i}" class="post-{900 - i} post type-post status-publish hentry">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{href}" rel="bookmark">{EN_TITLES[i]}'
            f'</a></h2><div class="entry-meta"><span class="posted-on">Posted on <a href="{href}" rel="bookmark">'
            f'<time class="entry-date published updated" datetime="{iso}T08:30:00+00:00">{long}</time></a></span>'
            f'<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{host}/author/jane/">Jane Doe'
            f'</a></span></span></div></header><div class="entry-summary"><p>Summary of {EN_TITLES[i].lower()}.</p>'
            f'</div></article>')
    recent = "".join(f'<li><a href="{host}/{slug(EN_TITLES[k])}/">{EN_TITLES[k]}</a></li>' for k in range(5))
    body = (
        f'<header class="site-header"><a href="{host}/" rel="home">Example Gazette</a><nav><ul>'
        f'<li><a href="{host}/about/">About</a></li><li><a href="{host}/category/local/">Local</a></li></ul></nav>'
        '</header><div class="site-content"><main id="main" class="site-main"><header class="page-header">'
        '<h1 class="page-title">Category: <span>Local</span></h1></header>' + "".join(posts)
        + '<nav class="navigation posts-navigation"><div class="nav-links"><div class="nav-next">'
        f'<a href="{host}/category/local/">Newer posts</a></div></div></nav></main><aside class="widget-area">'
        '<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>' + recent
        + '</ul></section><section class="widget widget_meta"><h2 class="widget-title">Meta</h2><ul>'
        f'<li><a href="{host}/wp-login.php">Log in</a></li><li><a href="{host}/feed/">Entries feed</a></li></ul>'
        '</section></aside></div><footer class="site-footer"><a href="https://wordpress.example.org/">Proudly powered '
        'by WordPress</a></footer>')
    html = ('<!doctype html>\n<html lang="en-US"><head><meta charset="UTF-8"><title>Local &#8211; Page 2 &#8211; '
            f'Example Gazette</title><link rel="prev" href="{host}/category/local/" /></head>\n<body class="archive '
            f'paged category paged-2">\n{body}\n</body></html>\n')
    write("wordpress-short-last-page", "WordPress", host + "/category/local/page/2/", html, links, None,
          "the last page of a category: 2 posts, a 5-link Recent Posts widget with the same permalink shape, "
          "only a 'Newer posts' link back", EN_NOW, EN_ZONE)


# 10. Ghost (Casper): the whole card is one link holding title and excerpt; /slug/ permalinks; /page/2/.
def ghost_cards():
    host = "https://blog.example.net"
    cards, links = [], []
    for i in range(9):
        iso, _, short = EN_DAYS[i]
        s = slug(EN_TITLES[i])
        href = f"/{s}/"
        links.append((host + href, EN_TITLES[i], iso))
        cards.append(
            f'<article class="post-card post tag-engineering{" no-image" if i % 2 else ""}">'
            + ("" if i % 2 else f'<a class="post-card-image-link" href="{href}"><img class="post-card-image" '
               f'src="/content/images/2024/03/img{i}.jpg" alt="{EN_TITLES[i]}" loading="lazy"></a>')
            + f'<div class="post-card-content"><a class="post-card-content-link" href="{href}">'
            f'<header class="post-card-header"><div class="post-card-tags"><span class="post-card-primary-tag">'
            f'Engineering</span></div><h2 class="post-card-title">{EN_TITLES[i]}</h2></header>'
            f'<div class="post-card-excerpt">A short excerpt that introduces the story in two sentences. It is '
            f'long enough to be longer than the title.</div></a><footer class="post-card-meta">'
            f'<time class="post-card-meta-date" datetime="{iso}">{short}</time><span class="post-card-meta-length">'
            f'{4 + i % 5} min read</span></footer></div></article>')
    body = (
        f'<div class="viewport"><header id="gh-head" class="gh-head outer"><div class="gh-head-inner inner">'
        f'<div class="gh-head-brand"><a class="gh-head-logo" href="{host}">Example Engineering</a></div>'
        f'<nav class="gh-head-menu"><ul class="nav"><li class="nav-home"><a href="{host}/">Home</a></li>'
        f'<li class="nav-about"><a href="{host}/about/">About</a></li><li class="nav-tags"><a href="{host}/tag/engineering/">'
        'Engineering</a></li></ul></nav></div></header><div class="site-content"><main id="site-main" '
        'class="site-main outer"><div class="inner posts"><div class="post-feed">' + "".join(cards)
        + f'</div><nav class="pagination" role="navigation"><span class="page-number">Page 1 of 4</span>'
        f'<a class="older-posts" href="{host}/page/2/">Older Posts <span aria-hidden="true">&rarr;</span></a></nav>'
        '</div></main></div><footer class="site-footer outer"><div class="inner"><section class="copyright">'
        f'<a href="{host}">Example Engineering</a> &copy; 2024</section><nav class="site-footer-nav">'
        f'<a href="{host}/rss/">RSS</a></nav></div></footer></div>')
    html = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Example Engineering</title>'
            f'<link rel="next" href="{host}/page/2/"></head>\n<body class="home-template">\n{body}\n</body></html>\n')
    write("ghost-card-links", "Ghost", host + "/", html, links, host + "/page/2/",
          "each post card is one <a> wrapping tag, <h2> title and excerpt (title = the h2); half the cards have "
          "an image link too; date in <time datetime> outside the link", EN_NOW, EN_ZONE)


# 11. Drupal views list with a pager (?page=1), 'Most read' block beside it.
def drupal_views():
    host = "https://www.example.edu"
    rows, links = [], []
    for i in range(10):
        iso, long, _ = EN_DAYS[i]
        href = f"/news/{iso[:4]}/{iso[5:7]}/{slug(EN_TITLES[i])}"
        links.append((host + href, EN_TITLES[i], iso))
        rows.append(
            f'<div class="views-row"><article role="article" class="node node--type-news node--view-mode-teaser">'
            f'<div class="field field--name-field-date">{long}</div><h3 class="node__title"><a href="{href}" '
            f'rel="bookmark"><span class="field field--name-title">{EN_TITLES[i]}</span></a></h3>'
            f'<div class="field field--name-body"><p>Teaser text for this story.</p></div></article></div>')
    most = "".join(f'<li><a href="/news/2024/01/{slug(t)}">{t}</a></li>' for t in
                   ["Campus wins national sustainability award", "New scholarship fund announced",
                    "Library extends opening hours during exams", "Alumni weekend draws record crowd"])
    body = (
        '<div class="dialog-off-canvas-main-canvas"><header role="banner"><a href="/" rel="home">Example University</a>'
        '<nav role="navigation" aria-labelledby="block-main-menu"><ul class="menu"><li class="menu-item"><a href="/about">'
        'About</a></li><li class="menu-item"><a href="/admissions">Admissions</a></li><li class="menu-item">'
        '<a href="/research">Research</a></li><li class="menu-item"><a href="/news">News</a></li></ul></nav></header>'
        '<nav class="breadcrumb" role="navigation"><ol><li><a href="/">Home</a></li><li>News</li></ol></nav>'
        '<main role="main"><div class="layout-content"><h1 class="page-title">News</h1><div class="view view-news '
        'view-display-id-page_1"><div class="view-content">' + "".join(rows)
        + '</div><nav class="pager" role="navigation" aria-labelledby="pagination-heading"><h4 id="pagination-heading" '
        'class="visually-hidden">Pagination</h4><ul class="pager__items js-pager__items"><li class="pager__item '
        'is-active"><a href="?page=0" title="Current page">1</a></li><li class="pager__item"><a href="?page=1" '
        'title="Go to page 2">2</a></li><li class="pager__item pager__item--next"><a href="?page=1" '
        'title="Go to next page" rel="next"><span class="visually-hidden">Next page</span><span aria-hidden="true">'
        '››</span></a></li></ul></nav></div></div><aside class="layout-sidebar-second" role="complementary">'
        '<div class="block block-views"><h2>Most read</h2><ul>' + most + '</ul></div></aside></main>'
        '<footer role="contentinfo"><a href="/privacy">Privacy</a> <a href="/accessibility">Accessibility</a></footer></div>')
    html = ('<!DOCTYPE html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>News | Example University'
            f'</title></head>\n<body>\n{body}\n</body></html>\n')
    write("drupal-views-pager", "Drupal", host + "/news", html, links, host + "/news?page=1",
          "views rows with the date ('March 8, 2024') above the title, paths without a file extension, "
          "pager ?page=1 whose next link text is only hidden 'Next page' + ››; Most read block", EN_NOW, EN_ZONE)


# 12. Subdomain page, protocol-relative links to www, index_1.shtml pagination, 推荐阅读 beside it.
def protocol_relative():
    host = "http://xxgk.example.gov.cn"
    items, links = [], []
    for i in range(11):
        d = CN_DATES[i]
        ymd = d.replace("-", "")
        path = f"//www.example.gov.cn/xxgk/gsgg/{ymd[:6]}/t{ymd}_{76540 + i}.shtml"
        links.append(("http:" + path, CN_TITLES[i], d))
        items.append(f'<li><i></i><a href="{path}" target="_blank">{CN_TITLES[i]}</a><b>{d}</b></li>')
    rec = "".join(
        f'<li><a href="//www.example.gov.cn/xwzx/tpxw/202202/t202202{10 + k}_{60000 + k}.shtml">{t}</a></li>'
        for k, t in enumerate(["图解：2022年省政府工作报告", "一图读懂稳增长二十条措施", "视频：省长谈营商环境",
                               "新春走基层：一线的坚守"]))
    body = (
        cn_header("//www.example.gov.cn") + '<div class="wrap"><div class="crumb">当前位置：<a href="//www.example.gov.cn/">'
        '首页</a> &gt; <a href="/">信息公开</a> &gt; <span>公示公告</span></div><div class="con-l"><div class="list-t">'
        '<h2>公示公告</h2></div><ul class="list">' + "".join(items)
        + '</ul><div class="fy"><span>1/6</span><a href="index.shtml">首页</a><a>上一页</a>'
        '<a href="index_1.shtml">下一页</a><a href="index_5.shtml">末页</a></div></div><div class="con-r">'
        '<div class="tjyd"><h3>推荐阅读</h3><ul>' + rec + '</ul></div></div></div>' + cn_footer())
    write("protocol-relative-subdomain", "TRS (subdomain)", host + "/gsgg/index.shtml", cn_page("公示公告", body), links,
          host + "/gsgg/index_1.shtml",
          "page on xxgk. subdomain, article links protocol-relative to www. (another section path), "
          "<b> dates, index_1.shtml pagination; 推荐阅读 box with the same URL shape")


# 13. Short last page of a TRS list (2 items) beside a longer 热点 column: the trial's failure.
def trs_short_last_page():
    host = "http://www.example.gov.cn"
    items, links = [], []
    for i in range(14, 16):
        d = CN_DATES[i]
        ymd = d.replace("-", "")
        href = f"./{ymd[:6]}/t{ymd}_{3300100 + i}.html"
        links.append((f"{host}/xwzx/bmdt/{ymd[:6]}/t{ymd}_{3300100 + i}.html", CN_TITLES[i], d))
        items.append(f'<li><a href="{href}" target="_blank" title="{CN_TITLES[i]}">{CN_TITLES[i]}</a><span>{d}</span></li>')
    hot = "".join(
        f'<li><a href="../../xwzx/zwyw/202202/t202202{10 + k}_{3299000 + k}.html" target="_blank">{t}</a></li>'
        for k, t in enumerate(["省委常委会召开会议传达学习重要讲话精神", "省政府召开全体会议部署今年重点工作",
                               "全省优化营商环境大会召开", "省领导调研重点项目建设", "全省“两会”胜利闭幕",
                               "省政府与央企签署战略合作协议", "全省安全生产电视电话会议召开", "省政府新闻办举行发布会"]))
    body = (
        cn_header() + '<div class="main"><div class="left"><div class="hot"><div class="tit">热点新闻</div><ul>' + hot
        + '</ul></div></div><div class="right"><div class="position">当前位置：<a href="../../">首页</a> &gt; '
        '<a href="../">新闻中心</a> &gt; <a href="./">部门动态</a></div><div class="right_list"><ul>' + "".join(items)
        + '</ul></div><div class="page"><script>var currentPage = 7;var countPage = 8;'
        'createPageHTML(countPage, currentPage, "index", "html");</script></div></div></div>' + cn_footer())
    write("trs-short-last-page", "TRS WCM", host + "/xwzx/bmdt/index_7.html", cn_page("部门动态", body), links, None,
          "the last page (8 of 8) holds 2 items; the left column's 热点新闻 has 8 links into another section")


# 14. Policy documents as div rows with 发文字号 columns (〔2022〕3号), date with dots, jsp pagination.
def div_rows_doc_numbers():
    host = "http://www.example.gov.cn"
    rows, links = [], []
    for i in range(10):
        d = CN_DATES[i]
        dotted = d.replace("-", ".")
        href = f"/site/content.jsp?id=2c9082b87e{i:02d}f4a3017f0{i}d9c5b0{i:03d}&cat_id=ff80808147"
        links.append((host + href, CN_TITLES[i], d))
        rows.append(
            f'<div class="doc-row clearfix"><div class="doc-title"><a href="{href}" target="_blank">{CN_TITLES[i]}'
            f'</a></div><div class="doc-num">示政发〔{d[:4]}〕{3 + i}号</div><div class="doc-date">{dotted}</div></div>')
    body = (
        cn_header() + '<div class="content"><div class="nav-path">当前位置：<a href="/site/index.jsp">首页</a> » '
        '<a href="/site/list.jsp?cat_id=ff80808147">政府文件</a></div><div class="doc-head clearfix"><div class="doc-title">'
        '文件名称</div><div class="doc-num">文号</div><div class="doc-date">发布日期</div></div><div class="doc-list">'
        + "".join(rows)
        + '</div><div class="pager"><a href="list.jsp?cat_id=ff80808147&cur_page=1">首页</a> '
        '<a href="list.jsp?cat_id=ff80808147&cur_page=2">下一页</a> '
        '<a href="list.jsp?cat_id=ff80808147&cur_page=7">尾页</a> 第1页/共7页</div></div>' + cn_footer())
    write("div-rows-doc-numbers", "JSP 政府文件", host + "/site/list.jsp?cat_id=ff80808147", cn_page("政府文件", body),
          links, host + "/site/list.jsp?cat_id=ff80808147&cur_page=2",
          "div rows with 文号 (示政发〔2022〕3号) and a dotted date 2022.02.19; content.jsp?id=<hex> article URLs")


# 15. English site of a Chinese government (TRS): Feb 19, 2024 dates, page_2.html, Most Popular beside it.
def english_gov_page2():
    host = "http://english.example.gov.cn"
    items, links = [], []
    for i in range(10):
        iso, _, short = EN_DAYS[i]
        y, m, d = iso.split("-")
        href = f"./{y}{m}/t{y}{m}{d}_{52310 + i}.html"
        links.append((f"{host}/news/localnews/{y}{m}/t{y}{m}{d}_{52310 + i}.html", EN_TITLES[i], iso))
        mon = ["Jan", "Feb", "Mar"][int(m) - 1]
        items.append(f'<li><a href="{href}" target="_blank">{EN_TITLES[i]}</a><span class="date">{mon} {int(d)}, {y}'
                     f'</span></li>')
    pop = "".join(f'<li><a href="../../news/topnews/202402/t2024020{k + 1}_5100{k}.html">{t}</a></li>' for k, t in
                  enumerate(["Province sets growth target for 2024", "New high-speed rail line opens",
                             "Foreign trade hits record high", "Spring Festival travel rush begins",
                             "Free trade zone expands to three cities"]))
    body = (
        '<div class="header"><a href="/">Home</a> <a href="/news/">News</a> <a href="/business/">Business</a> '
        '<a href="/travel/">Travel</a> <a href="/living/">Living</a></div><div class="main"><div class="list-left">'
        '<div class="location"><a href="/">Home</a> &gt; <a href="../">News</a> &gt; Local News</div>'
        '<ul class="news-list">' + "".join(items)
        + '</ul><div class="pages"><a href="index.html">First</a> <a href="page_2.html">Next</a> '
        '<a href="page_14.html">Last</a></div></div><div class="list-right"><h3>Most Popular</h3><ul>' + pop
        + '</ul></div></div><div class="footer">Copyright © The People\'s Government of Example Province. '
        '<a href="/about/">About us</a></div>')
    html = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Local News</title></head>\n<body>\n'
            + body + "\n</body></html>\n")
    write("english-gov-page-2", "TRS (English site)", host + "/news/localnews/index.html", html, links,
          host + "/news/localnews/page_2.html",
          "English titles, 'Mar 8, 2024' dates, page_2.html pagination, Most Popular box with the same URL shape",
          EN_NOW, CN_ZONE)


# A two-page VSB (博达) university news section in GBK, with article pages, for the pipeline test that later pages
# are read by the first page's block: page 2 holds 2 items beside a 通知公告 box of 5 dated links.
def paged_site():
    root = os.path.join(os.path.dirname(OUT), "site-paged")
    days = ["2024-06-13", "2024-06-12", "2024-06-12", "2024-06-11", "2024-06-10", "2024-06-10", "2024-06-09",
            "2024-06-08", "2024-06-08", "2024-06-07"]
    titles = CN_TITLES[:10]
    notices = [("关于2024年端午节放假安排的通知", "2024-06-05"), ("关于开展2024年暑期社会实践活动的通知", "2024-06-04"),
               ("关于举办第十届校园科技文化节的通知", "2024-06-03"), ("关于做好2024届毕业生离校工作的通知", "2024-06-02"),
               ("关于公布2024年校级教学成果奖评审结果的公示", "2024-06-01")]

    def put(path, html):
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(html.encode("gbk"))

    def listing(items, prefix, pager):
        lis = "".join(
            f'<li id="line_u8_{k}"><a href="{prefix}info/1021/{3400 - n}.htm" target="_blank" title="{titles[n]}">'
            f'{titles[n]}</a><span>{days[n]}</span></li>' for k, n in enumerate(items))
        side = "".join(
            f'<li><a href="{prefix}../tzgg/info/1022/{2200 - k}.htm" title="{t}">{t}</a><em>{d}</em></li>'
            for k, (t, d) in enumerate(notices))
        return (
            '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            '<title>学院新闻-示例大学</title><META Name="keywords" Content="示例大学,学院新闻"></head><body>'
            f'<div class="header"><div class="logo"><a href="{prefix}../index.htm"><img src="{prefix}../images/logo.png">'
            f'</a></div><ul class="nav"><li><a href="{prefix}../index.htm">首页</a></li><li><a href="{prefix}../xxgk.htm">'
            f'学校概况</a></li><li><a href="{prefix}xyxw.htm">新闻中心</a></li><li><a href="{prefix}../jxky.htm">教学科研'
            '</a></li></ul></div><div class="main clearfix"><div class="main_l"><div class="tzgg_box"><h3>通知公告</h3>'
            f'<ul>{side}</ul></div></div><div class="main_r"><div class="location">当前位置：<a href="{prefix}../index.htm">'
            f'首页</a> &gt;&gt; <a href="{prefix}xyxw.htm">学院新闻</a></div><div class="main_list"><ul>{lis}</ul></div>'
            f'<div class="pb_sys_common pb_sys_normal pb_sys_style1">{pager}</div></div></div>'
            '<div class="footer">版权所有 示例大学 地址：示例市示例路1号</div></body></html>')

    put("xwzx/xyxw.htm", listing(range(8), "", '<span class="p_pages"><span class="p_t">共10条</span> '
        '<span class="p_no_d">1</span><span class="p_no"><a href="xyxw/1.htm">2</a></span></span>'
        '<span class="p_next p_fun"><a href="xyxw/1.htm">下页</a></span><span class="p_last p_fun">'
        '<a href="xyxw/1.htm">尾页</a></span>'))
    put("xwzx/xyxw/1.htm", listing(range(8, 10), "../", '<span class="p_first p_fun"><a href="../xyxw.htm">首页</a>'
        '</span><span class="p_prev p_fun"><a href="../xyxw.htm">上页</a></span><span class="p_pages">'
        '<span class="p_no"><a href="../xyxw.htm">1</a></span><span class="p_no_d">2</span></span>'))
    for n in range(10):
        put(f"xwzx/info/1021/{3400 - n}.htm",
            '<html><head><meta charset="gbk"><title>' + titles[n] + '</title></head><body><div class="content">'
            f'<h1>{titles[n]}</h1><div class="info">发布时间：{days[n]} 来源：党委宣传部</div><div class="v_news_content">'
            f'<p>{titles[n]}。本报讯 近日，学校召开专题会议，对相关工作进行部署，会议强调要抓好落实。</p></div></div></body></html>')
    for k, (t, d) in enumerate(notices):
        put(f"tzgg/info/1022/{2200 - k}.htm",
            f'<html><head><meta charset="gbk"><title>{t}</title></head><body><h1>{t}</h1><div>发布时间：{d}</div>'
            f'<div class="v_news_content"><p>{t}。各单位：现将有关事项通知如下。</p></div></body></html>')


# ---- Second batch: written after the first batch's fixes, scored before any change for them. ----

# 16. 新华网-style dataList items with h3 titles, time and source spans, ?page=2 pagination.
def xinhua_datalist():
    host = "http://www.example.com.cn"
    items, links = [], []
    for i in range(10):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        href = f"{host}/local/{y}-{m}/{dd}/c_{1128393000 - i * 131}.htm"
        t = f"{d} {10 + i % 9:02d}:{(i * 9) % 60:02d}:{(i * 17) % 60:02d}"
        links.append((href, CN_TITLES[i], f"{d}T{10 + i % 9:02d}:{(i * 9) % 60:02d}:{(i * 17) % 60:02d}+08:00"))
        items.append(
            f'<div class="item"><h3 class="tit"><a href="{href}" target="_blank">{CN_TITLES[i]}</a></h3>'
            f'<div class="info"><span class="time">{t}</span><span class="source">来源：示例网</span></div>'
            f'<p class="summary">{CN_TITLES[i]}。记者从有关部门获悉……</p></div>')
    body = (
        '<div class="nav"><a href="/">首页</a><a href="/politics/">时政</a><a href="/local/">地方</a>'
        '<a href="/fortune/">财经</a></div><div class="main"><div class="column-title">地方频道</div>'
        '<div class="dataList">' + "".join(items)
        + '</div><div class="page"><span class="curr">1</span><a href="?page=2">2</a><a href="?page=3">3</a>'
        '<a href="?page=2" class="next">下一页</a></div></div><div class="side"><div class="box"><h2>图片新闻</h2>'
        '<ul><li><a href="/photo/2022-02/19/c_1128390001.htm"><img src="/a.jpg" alt="冬奥会赛场瞬间"></a>'
        '<a href="/photo/2022-02/19/c_1128390001.htm">冬奥会赛场瞬间</a></li></ul></div></div>')
    write("xinhua-datalist-query-page", "新华网-style media", host + "/local/", cn_page("地方", body, "示例网"), links,
          host + "/local/?page=2", "div.item with h3 title, time with seconds, source; ?page=2 pagination")


# 17. A 通知公告 marquee of dated links into the same section above the main list.
def marquee_notice():
    host = "http://www.example.gov.cn"
    items, links = [], []
    for i in range(12):
        d = CN_DATES[i]
        ymd = d.replace("-", "")
        href = f"/zwgk/tzgg/{ymd[:6]}/t{ymd}_{5500 + i}.html"
        links.append((host + href, CN_TITLES[i], d))
        items.append(f'<li><a href="{href}" title="{CN_TITLES[i]}">{CN_TITLES[i]}</a><span class="time">{d}</span></li>')
    marquee = "".join(
        f'<a href="/zwgk/tzgg/202202/t202202{19 - k}_{5600 + k}.html">【{["通知", "公告", "公示"][k % 3]}】'
        f'关于{["做好节后返岗", "开展安全检查", "公布评审结果", "征求意见", "调整办公时间"][k]}工作的通知'
        f'（2022-02-{19 - k:02d}）</a>&nbsp;&nbsp;' for k in range(5))
    body = (
        cn_header() + '<div class="notice-bar"><span class="label">通知公告：</span><marquee direction="left" '
        f'scrollamount="3" onmouseover="this.stop()" onmouseout="this.start()">{marquee}</marquee></div>'
        '<div class="main"><div class="main-list"><h2>通知公告</h2><ul class="list">' + "".join(items)
        + '</ul><div class="pager"><a href="index_1.html">下一页</a></div></div></div>' + cn_footer())
    write("marquee-notice-bar", "TRS WCM", host + "/zwgk/tzgg/index.html", cn_page("通知公告", body), links,
          host + "/zwgk/tzgg/index_1.html", "scrolling <marquee> of 5 dated links into the same section above the list")


# 18. English news with a Trending numbered list of the same URL shape, no pagination (Load more button).
def english_trending():
    host = "https://www.example-news.com"
    cards, links = [], []
    for i in range(8):
        iso, long, _ = EN_DAYS[i]
        y, m, d = iso.split("-")
        href = f"/news/{y}/{m}/{d}/{slug(EN_TITLES[i])}.html"
        links.append((host + href, EN_TITLES[i], f"{iso}T{12 + i % 5:02d}:00:00Z"))
        cards.append(
            f'<div class="story-card"><a class="story-card__image" href="{href}"><img src="/img/{i}.jpg" alt=""></a>'
            f'<div class="story-card__body"><span class="story-card__section">Local</span><h3 class="story-card__headline">'
            f'<a href="{href}">{EN_TITLES[i]}</a></h3><p>Short description of the story.</p><time datetime='
            f'"{iso}T{12 + i % 5:02d}:00:00Z">{long}</time></div></div>')
    trending = "".join(
        f'<li><span class="rank">{k + 1}</span><a href="/news/2024/03/0{k + 1}/{slug(t)}.html">{t}</a></li>'
        for k, t in enumerate(["Mayor announces plan to expand bike lanes downtown",
                               "High school team wins state championship",
                               "New restaurant opens in the old train station",
                               "Power outage affects thousands overnight",
                               "Library book sale raises record amount"]))
    body = (
        '<header class="site-header"><a href="/" class="logo">Example News</a><nav><a href="/news/">News</a>'
        '<a href="/sports/">Sports</a><a href="/opinion/">Opinion</a></nav></header><main><h1>Local News</h1>'
        '<section class="story-list">' + "".join(cards)
        + '<button class="load-more" data-next="/api/stories?section=local&offset=8">Load more</button></section>'
        '<aside class="rail"><section class="trending"><h2>Trending</h2><ol>' + trending + '</ol></section></aside>'
        '</main><footer><a href="/about/">About us</a> <a href="/privacy/">Privacy policy</a></footer>')
    html = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Local News | Example News</title>'
            f'</head>\n<body>\n{body}\n</body></html>\n')
    write("english-trending-load-more", "English news", host + "/news/local/", html, links, None,
          "story cards with image link and headline link, <time datetime>, a Trending ol of the same URL shape, "
          "no pagination link (Load more button)", EN_NOW, EN_ZONE)


# 19. SiteFactory / ASP.NET: /Item/12345.aspx, date first as 2022/2/19, Index_2.aspx.
def sitefactory_aspx():
    host = "http://www.example.org.cn"
    items, links = [], []
    for i in range(12):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        href = f"/Item/{24680 - i * 3}.aspx"
        links.append((host + href, CN_TITLES[i], d))
        items.append(f'<li><span class="time">{y}/{int(m)}/{int(dd)}</span><a href="{href}" target="_blank" '
                     f'title="{CN_TITLES[i]}">{CN_TITLES[i]}</a></li>')
    side = "".join(f'<li><a href="/Category_{15 + k}/Index.aspx">{t}</a></li>'
                   for k, t in enumerate(["协会动态", "通知公告", "行业资讯", "政策法规", "会员风采"]))
    body = (
        cn_header() + '<div class="container"><div class="left"><div class="left_title">新闻中心</div><ul>' + side
        + '</ul></div><div class="right"><div class="path">您现在的位置： <a href="/">首页</a> &gt;&gt; '
        '<a href="/Category_15/Index.aspx">协会动态</a></div><ul class="list">' + "".join(items)
        + '</ul><div class="pager"><span>共 96 条记录 当前 1/8 页</span> <a href="/Category_15/Index.aspx">首页</a> '
        '<a href="/Category_15/Index_2.aspx">下一页</a> <a href="/Category_15/Index_8.aspx">尾页</a></div></div></div>'
        + cn_footer())
    write("sitefactory-aspx", "SiteFactory (ASP.NET)", host + "/Category_15/Index.aspx", cn_page("协会动态", body, "示例协会"),
          links, host + "/Category_15/Index_2.aspx", "/Item/N.aspx article URLs, date first as 2022/2/19")


# 20. University news cards: image, h4 title link, summary, the date split as <em>19</em> and 2022-02.
def univ_split_date():
    host = "https://news.example.edu.cn"
    items, links = [], []
    for i in range(9):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        href = f"info/1002/{8800 - i}.htm"
        links.append((f"{host}/{href}", CN_TITLES[i], d))
        items.append(
            f'<li><div class="date"><em>{dd}</em><span>{y}-{m}</span></div><div class="pic"><a href="{href}">'
            f'<img src="/__local/{i}.jpg"></a></div><div class="txt"><h4><a href="{href}" title="{CN_TITLES[i]}">'
            f'{CN_TITLES[i]}</a></h4><p>{CN_TITLES[i]}。2月{int(dd)}日，学校召开专题会议……</p></div></li>')
    body = (
        '<div class="header"><a href="index.htm">首页</a><a href="zhxw.htm">综合新闻</a><a href="mtjj.htm">媒体聚焦</a>'
        '<a href="xsdt.htm">学术动态</a></div><div class="main"><div class="list-title">综合新闻</div><ul class="news-list">'
        + "".join(items)
        + '</ul><div class="pb_sys_common"><span class="p_next p_fun"><a href="zhxw/60.htm">下页</a></span></div></div>'
        '<div class="footer">版权所有 示例大学党委宣传部</div>')
    write("univ-split-date-cards", "VSB (university)", host + "/zhxw.htm", cn_page("综合新闻", body, "示例大学新闻网"),
          links, host + "/zhxw/60.htm", "cards with the day in <em>19</em> and 2022-02 beside it; image link + h4 link")


# 21. GOV.UK-style document list: slug paths without a trailing slash, <time> in a metadata list, ?page=2.
def govuk_document_list():
    host = "https://www.example.gov.uk"
    items, links = [], []
    for i in range(10):
        iso, _, short = EN_DAYS[i]
        href = f"/government/news/{slug(EN_TITLES[i])}"
        links.append((host + href, EN_TITLES[i], f"{iso}T10:{i * 5:02d}:00Z"))
        day, mon, year = short.split(" ")
        full = {"Mar": "March", "Feb": "February"}[mon]
        items.append(
            f'<li class="gem-c-document-list__item"><a class="govuk-link gem-c-document-list__item-title" href="{href}">'
            f'{EN_TITLES[i]}</a><p class="gem-c-document-list__item-description">Summary of the announcement.</p>'
            f'<ul class="gem-c-document-list__item-metadata"><li class="gem-c-document-list__attribute">News story</li>'
            f'<li class="gem-c-document-list__attribute">Updated: <time datetime="{iso}T10:{i * 5:02d}:00Z">{day} {full} {year}'
            f'</time></li></ul></li>')
    body = (
        '<header class="govuk-header"><a href="/" class="govuk-header__link">GOV.EXAMPLE</a></header>'
        '<div class="govuk-width-container"><div class="govuk-breadcrumbs"><ol><li><a href="/">Home</a></li>'
        '<li><a href="/government">Government</a></li></ol></div><main class="govuk-main-wrapper"><h1>News and '
        'communications</h1><div class="finder-results"><ul class="gem-c-document-list">' + "".join(items)
        + '</ul></div><nav class="govuk-pagination" aria-label="Pagination"><div class="govuk-pagination__next">'
        '<a class="govuk-link govuk-pagination__link" href="/search/news-and-communications?page=2" rel="next">'
        '<span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span>'
        '<span class="govuk-pagination__link-label">2 of 40</span></a></div></nav></main></div>'
        '<footer class="govuk-footer"><a href="/help/cookies">Cookies</a> <a href="/contact">Contact</a></footer>')
    html = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>News and communications</title>'
            f'</head>\n<body>\n{body}\n</body></html>\n')
    write("govuk-document-list", "GOV.UK finder", host + "/search/news-and-communications", html, links,
          host + "/search/news-and-communications?page=2",
          "slug paths with no trailing slash, the date in <time> inside a metadata list, next link text 'Next page 2 of 40'",
          EN_NOW, EN_ZONE)


# 22. Discuz! portal article list: one <dl> per article, dt title, dd summary, dd with category link and date.
def discuz_portal():
    host = "https://www.example.com"
    dls, links = [], []
    for i in range(10):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        href = f"article-{3210 - i}-1.html"
        links.append((f"{host}/{href}", CN_TITLES[i], f"{d}T{8 + i % 10:02d}:{(i * 6) % 60:02d}:00+08:00"))
        dls.append(
            f'<dl class="bbda cl"><dt class="xs2"><a href="{href}" target="_blank" class="xi2">{CN_TITLES[i]}</a></dt>'
            f'<dd class="xs2 cl"><div class="atc"><a href="{href}" target="_blank"><img src="data/attachment/portal/{i}.jpg" '
            f'alt="{CN_TITLES[i]}" class="tn" /></a></div>{CN_TITLES[i]}。……</dd><dd><label>分类: <a href="portal.php?mod=list&amp;catid=2" '
            f'class="xi2">本地资讯</a></label><span class="xg1"> {y}-{int(m)}-{int(dd)} {8 + i % 10:02d}:{(i * 6) % 60:02d}</span></dd></dl>')
    body = (
        '<div id="hd"><ul id="nv"><li><a href="portal.php">门户</a></li><li><a href="forum.php">论坛</a></li></ul></div>'
        '<div id="pt" class="bm cl"><a href="./">首页</a> <em>›</em> <a href="portal.php">门户</a> <em>›</em> 本地资讯</div>'
        '<div id="ct" class="ct2 wp cl"><div class="mn"><div class="bm"><div class="bm_h cl"><h1 class="xs2">本地资讯</h1>'
        '</div><div class="bm_c xld">' + "".join(dls)
        + '</div></div><div class="pgs cl"><div class="pg"><strong>1</strong><a href="portal.php?mod=list&amp;catid=2&amp;page=2">2</a>'
        '<a href="portal.php?mod=list&amp;catid=2&amp;page=2" class="nxt">下一页</a></div></div></div><div class="sd">'
        '<div class="bm"><div class="bm_h"><h2>热门文章</h2></div><div class="bm_c"><ul class="xl xl1">'
        + "".join(f'<li><a href="article-{3100 + k}-1.html">{t}</a></li>' for k, t in
                  enumerate(["全市最美志愿者评选结果揭晓", "城区新增三处口袋公园", "地铁三号线开通时间确定"]))
        + '</ul></div></div></div></div>')
    write("discuz-portal-dl", "Discuz! portal", host + "/portal.php?mod=list&catid=2", cn_page("本地资讯", body, "示例社区"),
          links, host + "/portal.php?mod=list&catid=2&page=2",
          "one <dl> per article: dt title link, dd with image link (alt) and summary, dd with category link and "
          "unpadded date with time; 热门文章 beside it")


# 23. Typecho blog (Chinese): /archives/123/ permalinks ending in '/', date as 2022 年 02 月 19 日.
def typecho_archives():
    host = "https://blog.example.cn"
    posts, links = [], []
    for i in range(8):
        d = CN_DATES[i]
        y, m, dd = d.split("-")
        href = f"{host}/archives/{412 - i * 2}/"
        links.append((href, CN_TITLES[i], f"{d}T0{i % 9}:30:00+08:00"))
        posts.append(
            f'<article class="post" itemscope itemtype="http://schema.org/BlogPosting"><h2 class="post-title" '
            f'itemprop="name headline"><a itemprop="url" href="{href}">{CN_TITLES[i]}</a></h2><ul class="post-meta">'
            f'<li itemprop="author"><a href="{host}/author/1/">作者</a></li><li>时间: <time datetime="{d}T0{i % 9}:30:00+08:00" '
            f'itemprop="datePublished">{y} 年 {m} 月 {dd} 日</time></li><li>分类: <a href="{host}/category/default/">默认分类</a>'
            f'</li><li><a href="{href}#comments">暂无评论</a></li></ul><div class="post-content"><p>摘要……</p>'
            f'<p class="more"><a href="{href}" title="{CN_TITLES[i]}">- 阅读剩余部分 -</a></p></div></article>')
    recent = "".join(f'<li><a href="{host}/archives/{412 - k * 2}/">{CN_TITLES[k]}</a></li>' for k in range(5))
    body = (
        f'<header id="header"><a id="logo" href="{host}/">示例博客</a><nav id="nav-menu"><a href="{host}/">首页</a>'
        f'<a href="{host}/about.html">关于</a></nav></header><div id="body"><div class="container"><div id="main">'
        + "".join(posts)
        + f'<ol class="page-navigator"><li class="current"><a href="{host}/">1</a></li><li><a href="{host}/page/2/">2</a>'
        f'</li><li class="next"><a href="{host}/page/2/">后一页 &raquo;</a></li></ol></div><div id="secondary">'
        '<section class="widget"><h3 class="widget-title">最新文章</h3><ul class="widget-list">' + recent
        + '</ul></section></div></div></div><footer id="footer">由 Typecho 强力驱动</footer>')
    html = ('<!DOCTYPE HTML>\n<html><head><meta charset="UTF-8"><title>示例博客</title></head>\n<body>\n'
            + body + "\n</body></html>\n")
    write("typecho-archives", "Typecho", host + "/", html, links, host + "/page/2/",
          "/archives/N/ permalinks ending in '/', <time datetime> with a time but shown as 2022 年 02 月 19 日 "
          "(truth: the datetime), '- 阅读剩余部分 -' link, '后一页 »' pagination, 最新文章 widget")


# ---- Third batch: written after the second batch's fix, scored before any change for them. ----

# 24. A 图片新闻 column page: the list is a photo grid (image link with alt + caption link), no dates; a dated
#     热点 text list beside it.
def photo_grid():
    host = "http://www.example.gov.cn"
    items, links = [], []
    for i in range(8):
        d = CN_DATES[i]
        ymd = d.replace("-", "")
        href = f"./{ymd[:6]}/t{ymd}_{7700 + i}.html"
        links.append((f"{host}/xwzx/tpxw/{ymd[:6]}/t{ymd}_{7700 + i}.html", CN_TITLES[i], None))
        items.append(f'<li><a href="{href}" target="_blank"><img src="./{ymd[:6]}/W0{ymd}{i}.jpg" '
                     f'alt="{CN_TITLES[i]}"></a><p><a href="{href}" target="_blank">{CN_TITLES[i]}</a></p></li>')
    hot = "".join(
        f'<li><a href="/xwzx/zwyw/202202/t202202{18 - k}_{7600 + k}.html">{t}</a><span>2022-02-{18 - k:02d}</span></li>'
        for k, t in enumerate(["省政府召开第十次常务会议", "全省稳增长工作推进会召开", "省领导督导检查节后复工复产",
                               "全省优化营商环境大会召开", "省政府新闻办举行新闻发布会", "全省春季植树造林工作启动"]))
    body = (
        cn_header() + '<div class="main"><div class="left"><div class="position">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/xwzx/">新闻中心</a> &gt; 图片新闻</div><ul class="pic-list clearfix">' + "".join(items)
        + '</ul><div class="page"><script>createPageHTML(6, 0, "index", "html");</script></div></div>'
        '<div class="right"><div class="box"><div class="box-t">政务要闻</div><ul class="txt-list">' + hot
        + '</ul></div></div></div>' + cn_footer())
    write("photo-grid-column", "TRS WCM (图片新闻)", host + "/xwzx/tpxw/index.html", cn_page("图片新闻", body), links,
          host + "/xwzx/tpxw/index_1.html",
          "photo grid: image link (alt) + caption link per item, no dates; a dated 政务要闻 list beside it")


# 25. Old TRS table: one row per item with a spacer row of a dotted line image between, [部门] link before the title.
def old_table_spacers():
    host = "http://www.example.gov.cn"
    rows, links = [], []
    depts = [("fgw", "发改委"), ("jyj", "教育局"), ("gaj", "公安局"), ("czj", "财政局")]
    for i in range(12):
        d = CN_DATES[i]
        ymd = d.replace("-", "")
        code, name = depts[i % 4]
        href = f"../../bmdt/{code}/{ymd[:6]}/t{ymd}_{8800 + i}.htm"
        links.append((f"{host}/bmdt/{code}/{ymd[:6]}/t{ymd}_{8800 + i}.htm", CN_TITLES[i], d))
        rows.append(
            f'<tr><td width="12" height="26"><img src="../../images/dot2.gif" width="4" height="4"></td>'
            f'<td class="black12">[<a href="../../bmdt/{code}/" class="blue12">{name}</a>] <a href="{href}" '
            f'target="_blank" class="black12">{CN_TITLES[i]}</a></td><td width="80" class="gray12">{d}</td></tr>'
            '<tr><td colspan="3" height="1" background="../../images/line_dot.gif"></td></tr>')
    body = (
        '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td>'
        '<img src="../../images/banner.jpg" width="1000" height="120"></td></tr></table>'
        '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td width="220" valign="top">'
        '<table width="100%"><tr><td class="lm">部门动态</td></tr>'
        + "".join(f'<tr><td><a href="../../bmdt/{c}/">{n}</a></td></tr>' for c, n in depts)
        + '</table></td><td valign="top"><table width="100%"><tr><td class="weizhi">您的位置：<a href="../../">首页</a>'
        ' &gt;&gt; 部门动态 &gt;&gt; 全部</td></tr></table><table width="96%" border="0" align="center" '
        'cellpadding="0" cellspacing="0">' + "".join(rows)
        + '</table><table width="96%"><tr><td align="center">共108条 第1/9页 <a href="index_1.htm">下一页</a> '
        '<a href="index_8.htm">尾页</a></td></tr></table></td></tr></table>'
        '<table width="1000" align="center"><tr><td class="foot">版权所有：示例县人民政府 技术支持：示例网络</td></tr></table>')
    write("old-table-spacer-rows", "TRS (old table)", host + "/bmdt/all/index.htm", cn_page("部门动态", body), links,
          host + "/bmdt/all/index_1.htm",
          "nested tables, a spacer row after every item, a [部门] link before each title, ../../ links into sibling folders")


# 26. EmpireCMS static list with title links, [PDF] attachments beside some titles and a 相关专题 box.
def empire_with_attachments():
    host = "http://www.example.com"
    items, links = [], []
    for i in range(10):
        d = CN_DATES[i]
        href = f"/news/{d}/{4400 - i}.html"
        links.append((host + href, CN_TITLES[i], d))
        pdf = (f' <a href="/d/file/news/{d.replace("-", "")}/{i}.pdf" class="att">[PDF]</a>' if i % 3 == 0 else "")
        items.append(f'<li><a href="{href}" title="{CN_TITLES[i]}">{CN_TITLES[i]}</a>{pdf}<span>{d}</span></li>')
    body = (
        '<div class="top"><a href="/">首页</a> <a href="/news/">新闻</a> <a href="/notice/">公告</a></div>'
        '<div class="w"><div class="l"><div class="path"><a href="/">首页</a>&nbsp;>&nbsp;<a href="/news/">新闻</a></div>'
        '<ul class="newslist">' + "".join(items)
        + '</ul><div class="list_page">&nbsp;<b>1</b>&nbsp;<a href="/news/index_2.html">2</a>&nbsp;'
        '<a href="/news/index_3.html">3</a>&nbsp;<a href="/news/index_2.html">下一页</a>&nbsp;'
        '<a href="/news/index_9.html">尾页</a></div></div><div class="r"><div class="box"><h3>相关专题</h3><ul>'
        + "".join(f'<li><a href="/zt/{k}/">{t}</a></li>' for k, t in
                  enumerate(["学习贯彻党的二十大精神专题", "优化营商环境专栏", "乡村振兴专题", "安全生产月专题"]))
        + '</ul></div></div></div><div class="foot">Powered by EmpireCMS</div>')
    write("empirecms-with-pdf", "EmpireCMS", host + "/news/", cn_page("新闻", body, "示例网"), links,
          host + "/news/index_2.html", "static /news/2022-02-19/N.html links, [PDF] attachment beside some titles, 相关专题 box")


# 27. A 媒体聚焦 column: every article link points to another site (the media that reported it), with dates;
#     the only same-site links are navigation.
def media_coverage_external():
    host = "https://www.example.edu.cn"
    media = [("http://edu.example.com.cn/n1/2022/0219/c1006-{}.html", "示例日报"),
             ("https://news.example.net/2022-02/18/c_{}.htm", "示例通讯社"),
             ("http://www.example.org.cn/jy/2022/02-17/{}.shtml", "示例新闻网")]
    items, links = [], []
    for i in range(10):
        d = CN_DATES[i]
        pattern, outlet = media[i % 3]
        href = pattern.format(93000 + i)
        links.append((href, CN_TITLES[i], d))
        items.append(f'<li><span class="src">【{outlet}】</span><a href="{href}" target="_blank" title="{CN_TITLES[i]}">'
                     f'{CN_TITLES[i]}</a><span class="date">{d}</span></li>')
    side = "".join(f'<li><a href="/xwzx/{k}.htm">{t}</a></li>' for k, t in
                   [("zhxw", "综合新闻"), ("mtjj", "媒体聚焦"), ("xsdt", "学术动态"), ("tzgg", "通知公告")])
    body = (
        '<div class="header"><a href="/">首页</a><a href="/xxgk.htm">学校概况</a><a href="/xwzx.htm">新闻中心</a></div>'
        '<div class="main"><div class="side"><h2>新闻中心</h2><ul>' + side + '</ul></div><div class="content">'
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx.htm">新闻中心</a> &gt; 媒体聚焦</div>'
        '<ul class="list">' + "".join(items)
        + '</ul><div class="pages"><a href="mtjj/2.htm">下页</a></div></div></div>'
        '<div class="friend"><h3>友情链接</h3><a href="http://www.example.gov.cn/">教育部</a> '
        '<a href="http://www.example.org/">示例省教育厅</a></div><div class="footer">版权所有 示例大学</div>')
    write("media-coverage-external", "university 媒体聚焦", host + "/xwzx/mtjj.htm", cn_page("媒体聚焦", body, "示例大学"),
          links, host + "/xwzx/mtjj/2.htm",
          "every article link goes to another site, 【outlet】 before each link; "
          "友情链接 to other sites in the footer")


if __name__ == "__main__":
    media_coverage_external()
    for make in [photo_grid, old_table_spacers, empire_with_attachments]:
        make()
    for make in [xinhua_datalist, marquee_notice, english_trending, sitefactory_aspx, univ_split_date,
                 govuk_document_list, discuz_portal, typecho_archives]:
        make()
    paged_site()
    for make in [sse_dl_dd, hanweb_table_records, zfxxgk_table, dedecms_dynamic, discuz_forum, jeecms, media_people,
                 wordpress_slugs, wordpress_short_last_page, ghost_cards, drupal_views, protocol_relative,
                 trs_short_last_page, div_rows_doc_numbers, english_gov_page2]:
        make()
