#!/usr/bin/env python3
"""Writes the listing-page fixtures in Tests/NewsletterKitTests/Resources/listings/.

Each family gets NAME.html (the page as that CMS's list template emits it, with the furniture real sites
carry: navigation, breadcrumbs, 热点/推荐/图片新闻 sidebars, 通知公告 marquees, 友情链接, footers) and
NAME.expected.json (ground truth: page url, the fetch time `now`, zone, the main list's links with titles
and dates, and the next page). Pages and truth come from the same item data, so they cannot drift apart.

    python3 scripts/make-listing-fixtures.py
"""

import json
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "NewsletterKitTests", "Resources", "listings")
NOW = "2022-02-20T08:00:00+08:00"
ZONE = "Asia/Shanghai"

TITLES = [
    "市政府召开第十五次常务会议研究部署春季农业生产工作",
    "关于做好2022年春节后企业复工复产疫情防控工作的通知",
    "全市优化营商环境工作推进会召开",
    "我市启动2022年“护苗”专项行动",
    "市生态环境局通报1月份全市空气质量状况",
    "关于公开征求《城市生活垃圾分类管理办法（征求意见稿）》意见的公告",
    "副市长调研城乡供水一体化工程建设情况",
    "市统计局发布2021年国民经济和社会发展统计公报",
    "全市安全生产和消防工作视频会议召开",
    "关于2022年度市级重点项目建设计划的公示",
    "市人社局开展“春风行动”暨就业援助月活动",
    "市场监管局部署节后食品安全专项检查",
    "市教育局召开2022年全市教育工作会议",
    "关于调整部分公交线路运营时间的通告",
    "市卫健委发布新冠病毒疫苗加强针接种安排",
    "全市农村人居环境整治提升现场推进会召开",
]
DATES = [
    "2022-02-19", "2022-02-18", "2022-02-17", "2022-02-16", "2022-02-15", "2022-02-14", "2022-02-13",
    "2022-02-11", "2022-02-10", "2022-02-09", "2022-02-08", "2022-02-07", "2022-01-30", "2022-01-28",
    "2022-01-27", "2022-01-25",
]

HOT = [
    ("/xwzx/ztzl/202201/t20220105_88101.html", "学习贯彻党的十九届六中全会精神专题"),
    ("/zwgk/zcjd/202201/t20220112_88150.html", "一图读懂2022年市政府工作报告"),
    ("/xwzx/bmdt/202201/t20220118_88190.html", "市发改委解读新一轮稳增长政策措施"),
    ("/xwzx/bmdt/202201/t20220121_88222.html", "我市获评全国文明城市提名城市"),
    ("/zwgk/rsxx/202201/t20220124_88240.html", "市管干部任职前公示公告"),
    ("/xwzx/bmdt/202201/t20220126_88251.html", "全市冬季供暖保障工作有序推进"),
    ("/hdjl/zxft/202201/t20220127_88260.html", "在线访谈：聚焦2022年民生实事"),
]


def nav():
    items = ["首页", "政务公开", "新闻中心", "政务服务", "互动交流", "走进本市", "专题专栏"]
    links = ["/", "/zwgk/", "/xwzx/", "/zwfw/", "/hdjl/", "/zjbs/", "/ztzl/"]
    return '<div class="nav"><ul>' + "".join(
        f'<li><a href="{h}">{t}</a></li>' for h, t in zip(links, items)) + "</ul></div>"


def header():
    return (
        '<div class="top"><div class="wrap"><span class="date">2022年2月20日 星期日</span>'
        '<a href="/wza/">无障碍</a> <a href="/jtb/">简体版</a> <a href="/fjt/">繁體版</a></div></div>'
        '<div class="header"><a href="/" class="logo"><img src="/images/logo.png" alt="示例市人民政府"></a>'
        '<form action="/search/"><input name="q"><button>搜索</button></form></div>' + nav())


def footer():
    return (
        '<div class="yqlj"><select onchange="window.open(this.value)"><option>-- 国务院部门网站 --</option>'
        '<option value="http://www.example.org/">外交部</option><option value="http://www.example.net/">国防部</option>'
        '</select><ul><li><a href="http://www.example.org/gov/">中国政府网</a></li>'
        '<li><a href="http://www.example.net/prov/">省人民政府</a></li></ul></div>'
        '<div class="footer"><p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | '
        '<a href="/sm/">使用帮助</a></p><p>主办：示例市人民政府办公室 承办：示例市大数据中心</p>'
        '<p>网站标识码：0000000001 <a href="https://beian.example.org/">京ICP备00000001号</a></p></div>')


def hot_block(heading="热点新闻", cls="hot", dated=False):
    items = "".join(
        f'<li><a href="{h}" target="_blank" title="{t}">{t}</a>' + (f'<span>2022-01-{5 + i:02d}</span>' if dated else "")
        + "</li>" for i, (h, t) in enumerate(HOT))
    return f'<div class="{cls}"><div class="tit"><h3>{heading}</h3><a href="/xwzx/rdxw/" class="more">更多&gt;&gt;</a></div><ul>{items}</ul></div>'


def page(title, body, head_extra=""):
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{title}_示例市人民政府</title>\n{head_extra}"
        '<link href="/images/style.css" rel="stylesheet" type="text/css" />\n</head>\n<body>\n'
        + header() + "\n" + body + "\n" + footer() + "\n</body></html>\n")


def crumb(*names):
    return '<div class="weizhi">当前位置：<a href="/">首页</a> &gt; ' + " &gt; ".join(
        f'<a href="{h}">{t}</a>' for h, t in names) + "</div>"


def write(name, url, html, links, next_page, family, notes):
    with open(os.path.join(OUT, name + ".html"), "w", encoding="utf-8") as f:
        f.write(html)
    truth = {
        "family": family, "url": url, "now": NOW, "timezone": ZONE, "notes": notes,
        "links": [{"url": u, "title": t, "date": d} for u, t, d in links], "next_page": next_page,
    }
    with open(os.path.join(OUT, name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=2)
        f.write("\n")


def items(count, path, start=0):
    result = []
    for i in range(start, start + count):
        d = DATES[i]
        result.append((path(i, d), TITLES[i], d))
    return result


def trs():
    base = "http://www.example.gov.cn/xwzx/gzdt/"
    its = items(15, lambda i, d: f"./{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{3301200 + i * 7}.html")
    lis = "\n".join(f'<li><a href="{u}" target="_blank" title="{t}">{t}</a><span>{d}</span></li>' for u, t, d in its)
    body = f"""<div class="main wrap">
<div class="left">
  <div class="lm_tit"><h2>新闻中心</h2></div>
  <ul class="lm_list"><li><a href="../tpxw/">图片新闻</a></li><li class="on"><a href="./">工作动态</a></li>
  <li><a href="../bmdt/">部门动态</a></li><li><a href="../xqdt/">区县动态</a></li><li><a href="../mtjj/">媒体聚焦</a></li></ul>
  {hot_block("热点新闻", "left_hot")}
</div>
<div class="right">
  {crumb(("../", "新闻中心"), ("./", "工作动态"))}
  <div class="right_list">
    <ul>
{lis}
    </ul>
  </div>
  <div class="page">
  <script type="text/javascript">
  var currentPage = 0;//所在页从0开始
  var prevPage = currentPage-1//上一页
  var nextPage = currentPage+1//下一页
  var countPage = 25//共多少页
  createPageHTML(25, 0, "index", "html");
  </script>
  </div>
</div>
</div>"""
    links = [(base + u[2:], t, d) for u, t, d in its]
    write("trs-wcm-right-column", base + "index.html", page("工作动态", body), links, base + "index_1.html", "TRS WCM",
          "two-column 政务 template: the list is in <div class=\"right\">, left column has a 热点 list; "
          "pagination only through createPageHTML")


def trs_page2():
    base = "http://www.example.gov.cn/zwgk/tzgg/"
    its = items(12, lambda i, d: f"./{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{552000 + i}.html", start=2)
    rows = "\n".join(
        f'<tr><td class="bt"><a href="{u}" target="_blank" title="{t}">{t if len(t) <= 22 else t[:20] + "…"}</a></td>'
        f'<td class="rq">{d}</td></tr>' for u, t, d in its)
    body = f"""<div class="container">
{crumb(("../", "政务公开"), ("./", "通知公告"))}
<div class="xxgk_left"><div class="xxgk_nav"><a href="../zcwj/">政策文件</a><a href="../ghjh/">规划计划</a><a href="./">通知公告</a><a href="../rsxx/">人事信息</a></div></div>
<div class="xxgk_right">
<table width="100%" class="list_table">
{rows}
</table>
<div id="pageDiv"></div>
<script language="JavaScript">
createPageHTML('pageDiv', 7, 2, 'index', 'html', 83);
</script>
</div>
</div>"""
    links = [(base + u[2:], t, d) for u, t, d in its]
    write("trs-wcm-table-page3", base + "index_2.html", page("通知公告", body), links, base + "index_3.html",
          "TRS WCM", "third page of a TRS list, table rows, newer createPageHTML signature with an element id; "
          "titles cut with … and whole in title=\"\"")


def hanweb():
    base = "http://www.example.gov.cn/col/col1229/index.html"
    its = items(14, lambda i, d: f"/art/{d[:4]}/{int(d[5:7])}/{int(d[8:])}/art_1229_{740100 + i}.html")
    records = "\n".join(
        f'<record><![CDATA[\n<li><a href="{u}" target="_blank" title="{t}">{t}</a><span class="bt_time">{d}</span></li>\n]]></record>'
        for u, t, d in its)
    body = f"""<table width="1000" align="center"><tr>
<td width="240" valign="top" class="bt-left">
 <div class="lm"><a href="/col/col1228/index.html">政务动态</a><a href="/col/col1229/index.html">部门动态</a><a href="/col/col1230/index.html">县区动态</a></div>
 {hot_block("图片新闻", "tpxw")}
</td>
<td valign="top">
 {crumb(("/col/col1228/index.html", "政务动态"), ("/col/col1229/index.html", "部门动态"))}
 <div id="1231" class="bt-list">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=http://www.example.gov.cn/&columnid=1229&unitid=1231&webname=%E7%A4%BA%E4%BE%8B&permissiontype=0"></a>]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore></script>
 </div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>var jpage = new JPage(1231, 15, 3, 14);</script>
</td></tr></table>"""
    write("hanweb-datastore", base, page("部门动态", body),
          [("http://www.example.gov.cn" + u, t, d) for u, t, d in its], None, "Hanweb 大汉",
          "records only inside <script type=\"text/xml\"><datastore>…<record><![CDATA[<li>…]]></record>; "
          "the visible page has no article link at all")


def dedecms():
    base = "http://www.example.com/a/news/"
    its = items(10, lambda i, d: f"/a/news/{d[:4]}/{d[5:7]}{d[8:]}/{1820 - i}.html")
    lis = "\n".join(
        f'<li><a href="{u}" class="preview"><img src="/uploads/allimg/{1820 - i}-lp.jpg"/></a>'
        f'<a href="{u}" class="title">{t}</a><span class="info"><small>日期：</small>{d} 09:{10 + i}:22'
        f'<small>点击：</small>{100 + i}<small>好评：</small>0</span><p class="intro">{t}。详细内容请点击标题查看……</p></li>'
        for i, (u, t, d) in enumerate(its))
    body = f"""<div class="w960 center clear mt1">
<div class="pleft">
 <div class="place"><strong>当前位置:</strong> <a href='/'>主页</a> &gt; <a href='/a/news/'>新闻中心</a> &gt; </div>
 <div class="listbox"><ul class="e2">
{lis}
 </ul></div>
 <div class="dede_pages"><ul class="pagelist">
 <li><span class="pageinfo">共 <strong>5</strong>页<strong>48</strong>条</span></li>
 <li class="thisclass">1</li><li><a href='list_1_2.html'>2</a></li><li><a href='list_1_3.html'>3</a></li>
 <li><a href='list_1_2.html'>下一页</a></li><li><a href='list_1_5.html'>末页</a></li></ul></div>
</div>
<div class="pright">
 <div class="commend mt1"><dl class="tbox light"><dt class='light'><strong>推荐内容</strong></dt><dd class='light'><ul class="d4">
 <li><a href="/a/news/2022/0105/1701.html">推荐阅读：市区两级联动推进老旧小区改造</a><p>推荐内容摘要……</p></li>
 <li><a href="/a/news/2022/0106/1702.html">推荐阅读：冬奥火炬传递路线公布</a><p>推荐内容摘要……</p></li>
 <li><a href="/a/news/2022/0107/1703.html">推荐阅读：新年第一场雪如约而至</a><p>推荐内容摘要……</p></li></ul></dd></dl></div>
 <div class="hot mt1"><dl class="tbox light"><dt class='light'><strong>热点内容</strong></dt><dd class='light'><ul class="c1 ico2">
 <li><a href="/a/news/2021/1201/1600.html">热点：2021年度十大新闻评选揭晓</a></li>
 <li><a href="/a/news/2021/1202/1601.html">热点：地铁三号线开通运营</a></li>
 <li><a href="/a/news/2021/1203/1602.html">热点：城市书房全年接待读者百万人次</a></li>
 <li><a href="/a/news/2021/1204/1603.html">热点：新建学校秋季开学</a></li></ul></dd></dl></div>
</div></div>"""
    write("dedecms-list", base + "list_1_1.html", page("新闻中心", body),
          [("http://www.example.com" + u, t, d + f" 09:{10 + i}:22") for i, (u, t, d) in enumerate(its)],
          base + "list_1_2.html", "DedeCMS", "default article_list template: image link and title link per item, "
          "推荐/热点 boxes in the right column")


def phpcms():
    base = "http://www.example.com/index.php?m=content&c=index&a=lists&catid=9"
    its = items(12, lambda i, d: f"/index.php?m=content&c=index&a=show&catid=9&id={1288 - i}")
    lis = "\n".join(f'<li><span class="rt">{d}</span>·<a href="http://www.example.com{u}" target="_blank">{t}</a></li>'
                    for u, t, d in its)
    body = f"""<div class="main">
<div class="crumbs"><a href="http://www.example.com">首页</a><span> &gt; </span><a href="http://www.example.com/index.php?m=content&c=index&a=lists&catid=6">新闻</a> &gt; <a href="{base}">国内</a></div>
<div class="col-left">
 <ul class="list lh24 f14">
{lis}
 </ul>
 <div class="text-c" id="pages"> <a class="a1">238条</a> <a href="{base}&page=0" class="a1">上一页</a> <span>1</span> <a href="{base}&page=2">2</a> <a href="{base}&page=3">3</a> ..<a href="{base}&page=20">20</a> <a href="{base}&page=2" class="a1">下一页</a></div>
</div>
<div class="col-auto">
 <div class="box"><h5 class="title-2">频道总排行</h5><ul class="content digg">
 <li><a href="http://www.example.com/index.php?m=content&c=index&a=show&catid=9&id=1001" target="_blank">排行：全国两会新闻中心正式开放</a></li>
 <li><a href="http://www.example.com/index.php?m=content&c=index&a=show&catid=9&id=1002" target="_blank">排行：春运客流平稳有序</a></li>
 <li><a href="http://www.example.com/index.php?m=content&c=index&a=show&catid=9&id=1003" target="_blank">排行：多地出台稳岗扩就业措施</a></li>
 <li><a href="http://www.example.com/index.php?m=content&c=index&a=show&catid=9&id=1004" target="_blank">排行：寒潮天气将影响北方地区</a></li>
 <li><a href="http://www.example.com/index.php?m=content&c=index&a=show&catid=9&id=1005" target="_blank">排行：冬奥会志愿者培训全面展开</a></li></ul></div>
 <div class="box"><h5 class="title-2">本月排行</h5><ul class="content rank">
 <li><span>12</span><a href="http://www.example.com/index.php?m=content&c=index&a=show&catid=9&id=1006">本月：元宵节灯会今晚开幕</a></li>
 <li><span>9</span><a href="http://www.example.com/index.php?m=content&c=index&a=show&catid=9&id=1007">本月：高速公路免费通行结束</a></li></ul></div>
</div></div>"""
    write("phpcms-list", base, page("国内", body),
          [("http://www.example.com" + u, t, d) for u, t, d in its], base + "&page=2", "PHPCMS",
          "category_list template: date before the title in <span class=\"rt\">, query-string article URLs, "
          "排行 boxes with the same URL shape")


def empirecms():
    base = "http://www.example.com/news/"
    its = items(12, lambda i, d: f"/news/{d}/{9120 - i}.html")
    lis = "\n".join(f'<li><span>{d[5:]}</span><a href="{u}" title="{t}" target="_blank">{t}</a></li>' for u, t, d in its)
    body = f"""<table width="100%" border="0" cellspacing="0" cellpadding="0" class="position"><tr><td>现在的位置：<a href="/">首页</a>&nbsp;>&nbsp;<a href="/news/">新闻中心</a></td></tr></table>
<table width="100%" border="0" cellspacing="10" cellpadding="0"><tr valign="top">
<td class="list_content"><table width="100%" border="0" cellpadding="0" cellspacing="0" class="box"><tr><td>
<ul class="news_list">
{lis}
</ul>
<div class="list_page"><div class="epages"><a title="Total record">&nbsp;<b>96</b> </a>&nbsp;&nbsp;<b>1</b>&nbsp;<a href="/news/index_2.html">2</a>&nbsp;<a href="/news/index_3.html">3</a>&nbsp;<a href="/news/index_2.html">下一页</a>&nbsp;<a href="/news/index_8.html">尾页</a></div></div>
</td></tr></table></td>
<td class="sider" width="300"><table width="100%" class="box"><tr><td class="title"><strong>热门排行</strong></td></tr><tr><td><ol class="rank">
<li><a href="/news/2022-01-20/8990.html" title="排行：年货市场供应充足">排行：年货市场供应充足</a></li>
<li><a href="/news/2022-01-21/8991.html" title="排行：就地过年暖心举措">排行：就地过年暖心举措</a></li>
<li><a href="/news/2022-01-22/8992.html" title="排行：冰雪运动进校园">排行：冰雪运动进校园</a></li>
<li><a href="/news/2022-01-23/8993.html" title="排行：社区疫苗接种点开放时间">排行：社区疫苗接种点开放时间</a></li></ol></td></tr></table></td>
</tr></table>"""
    write("empirecms-list", base + "index.html", page("新闻中心", body),
          [("http://www.example.com" + u, t, d) for u, t, d in its], base + "index_2.html", "EmpireCMS",
          "date before the title without year (02-19), table layout, 热门排行 ol beside it")


def wordpress():
    base = "https://blog.example.org/category/news/"
    its = items(8, lambda i, d: f"/{d[:4]}/{d[5:7]}/{d[8:]}/post-{300 - i}/")
    arts = "\n".join(f"""<article id="post-{300 - i}" class="post-{300 - i} post type-post status-publish format-standard hentry category-news">
<header class="entry-header"><h2 class="entry-title"><a href="https://blog.example.org{u}" rel="bookmark">{t}</a></h2>
<div class="entry-meta"><span class="posted-on">Posted on <a href="https://blog.example.org{u}" rel="bookmark"><time class="entry-date published" datetime="{d}T10:{10 + i}:00+08:00">February {int(d[8:])}, 2022</time></a></span>
<span class="byline"> by <span class="author vcard"><a class="url fn n" href="https://blog.example.org/author/editor/">editor</a></span></span></div></header>
<div class="entry-summary"><p>{t}。本文摘要第一句。 [&hellip;]</p></div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="https://blog.example.org/category/news/" rel="category tag">News</a></span><span class="comments-link"><a href="https://blog.example.org{u}#respond">Leave a comment</a></span></footer>
</article>""" for i, (u, t, d) in enumerate(its))
    body = f"""<div id="page" class="site"><div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
<header class="page-header"><h1 class="page-title">Category: <span>News</span></h1></header>
{arts}
<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2><div class="nav-links"><span aria-current="page" class="page-numbers current">1</span>
<a class="page-numbers" href="https://blog.example.org/category/news/page/2/">2</a>
<a class="next page-numbers" href="https://blog.example.org/category/news/page/2/">Next</a></div></nav>
</main></div>
<aside id="secondary" class="widget-area"><section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>
""" + "\n".join(f'<li><a href="https://blog.example.org{u}">{t}</a></li>' for u, t, d in its[:5]) + """
</ul></section><section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>
<li><a href="https://blog.example.org/2022/02/">February 2022</a></li><li><a href="https://blog.example.org/2022/01/">January 2022</a></li></ul></section></aside>
</div></div>"""
    html = page("News", body, '<link rel="next" href="https://blog.example.org/category/news/page/2/" />\n')
    write("wordpress-category", base, html,
          [("https://blog.example.org" + u, t, d + f"T10:{10 + i}:00+08:00") for i, (u, t, d) in enumerate(its)],
          base + "page/2/", "WordPress", "one <article> per post with several links each (title, date, author, "
          "category, comments); Recent Posts widget repeats five of them")


def old_table():
    base = "http://www.example.gov.cn/news/more.asp?lm=12"
    its = items(13, lambda i, d: f"/news/show.asp?id={4410 - i}")
    rows = "\n".join(f"""<tr><td height="24"><table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>
<td width="12"><img src="/images/dot.gif" width="5" height="5"></td>
<td><a href="{u}" target="_blank">{t}</a></td>
<td width="70" align="right" class="date">[{d[5:]}]</td></tr></table></td></tr>
<tr><td height="1" background="/images/line.gif"></td></tr>""" for u, t, d in its)
    body = f"""<table width="980" border="0" align="center" cellpadding="0" cellspacing="0"><tr>
<td width="220" valign="top" bgcolor="#F5F5F5">
<table width="100%"><tr><td class="lmtitle">栏目导航</td></tr>
<tr><td><a href="more.asp?lm=11">政务要闻</a></td></tr><tr><td><a href="more.asp?lm=12">部门信息</a></td></tr><tr><td><a href="more.asp?lm=13">基层动态</a></td></tr></table>
<table width="100%"><tr><td class="lmtitle">通知公告</td></tr><tr><td>
<marquee direction="up" scrollamount="2" onmouseover="this.stop()" onmouseout="this.start()">
<a href="/news/show.asp?id=4300">关于2022年春节假期值班安排的通知</a><br><a href="/news/show.asp?id=4301">关于开展安全生产大检查的通知</a><br>
<a href="/news/show.asp?id=4302">关于做好冬季森林防火工作的通知</a><br><a href="/news/show.asp?id=4303">关于公布政务服务事项清单的公告</a></marquee></td></tr></table>
</td>
<td width="10"></td>
<td valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="position">您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="more.asp?lm=12">部门信息</a></td></tr></table>
<table width="100%" border="0" cellspacing="0" cellpadding="0">
{rows}
</table>
<table width="100%"><tr><td align="center">共 40 条 页次：1/4 <a href="more.asp?lm=12&page=1">首页</a> 上一页 <a href="more.asp?lm=12&page=2">下一页</a> <a href="more.asp?lm=12&page=4">尾页</a></td></tr></table>
</td></tr></table>"""
    write("old-table-bracket-dates", base, page("部门信息", body),
          [("http://www.example.gov.cn" + u, t, d) for u, t, d in its],
          "http://www.example.gov.cn/news/more.asp?lm=12&page=2", "old table layout",
          "nested tables per item, date as [02-19] in its own cell with no year, 通知公告 marquee in the left column")


def date_first_table():
    base = "http://www.example.edu.cn/xwzx/xxyw.htm"
    its = items(12, lambda i, d: f"../info/1012/{5620 - i}.htm")
    rows = "\n".join(
        f'<tr id="line_u5_{i}"><td width="90">{int(d[:4])}/{int(d[5:7])}/{int(d[8:])}</td><td><a href="{u}" target="_blank" title="{t}">{t}</a></td></tr>'
        for i, (u, t, d) in enumerate(its))
    body = f"""<div class="con"><div class="con_left"><h2>新闻中心</h2><ul><li><a href="xxyw.htm">学校要闻</a></li><li><a href="zhxw.htm">综合新闻</a></li><li><a href="mtjj.htm">媒体聚焦</a></li></ul></div>
<div class="con_right"><div class="dqwz">当前位置: <a href="../index.htm">首页</a> &gt;&gt; <a href="../xwzx.htm">新闻中心</a> &gt;&gt; 学校要闻</div>
<table class="winstyle" width="100%" cellpadding="0">
{rows}
</table>
<table width="100%"><tr><td align="center"><div>共120条&nbsp;&nbsp;1/10&nbsp;<a href="xxyw/9.htm" class="Next">下页</a>&nbsp;<a href="xxyw/1.htm" class="Next">尾页</a></div></td></tr></table>
</div></div>"""
    write("visitor-date-first", base, page("学校要闻", body),
          [("http://www.example.edu.cn/info/1012/" + u.split("/")[-1], t, d) for u, t, d in its],
          "http://www.example.edu.cn/xwzx/xxyw/9.htm", "VSB/博达 table",
          "date before the title as 2022/2/19 in its own cell, ../ links")


def truncated_titles():
    base = "http://www.example.gov.cn/xxgk/gsgg/"
    its = items(10, lambda i, d: f"/xxgk/gsgg/{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{66100 + i}.html")
    lis = "\n".join(
        f'<li><a href="{u}" title="{t}">{t[:14]}...</a><em>({d} {9 + i % 8:02d}:30)</em></li>' for i, (u, t, d) in enumerate(its))
    body = f"""<div class="w1200">{crumb(("/xxgk/", "信息公开"), ("/xxgk/gsgg/", "公示公告"))}
<div class="list-l"><div class="tpxw"><h3>图片新闻</h3>
<a href="/xwzx/tpxw/202202/t20220215_65901.html"><img src="/a.jpg" alt="图片新闻：春耕备耕忙"></a><p><a href="/xwzx/tpxw/202202/t20220215_65901.html">图片新闻：春耕备耕忙</a></p></div></div>
<div class="list-r"><div class="gl-list"><ul>
{lis}
</ul></div>
<div class="fy"><a href="index.html">首页</a><a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div></div></div>"""
    write("truncated-titles-time", base + "index.html", page("公示公告", body),
          [("http://www.example.gov.cn" + u, t, d + f"T{9 + i % 8:02d}:30:00+08:00") for i, (u, t, d) in enumerate(its)],
          base + "index_1.html", "generic 政务 list", "link text cut with ... and whole in title=\"\"; "
          "date and time in parentheses (2022-02-19 09:30)")


def base_href():
    base = "http://www.example.gov.cn/channel/1093/"
    its = items(10, lambda i, d: f"content/{d[:4]}{d[5:7]}/{44800 - i}.html")
    lis = "\n".join(f'<li><a href="{u}">{t}</a><span class="time">{d}</span></li>' for u, t, d in its)
    body = f"""<div class="wrap">{crumb(("/channel/1090/", "新闻中心"), ("/channel/1093/", "区县动态"))}
<div class="listbox"><ul>
{lis}
</ul><div class="pagination"><a href="list_2.html">下一页</a></div></div>
<div class="sidebar">{hot_block("阅读排行", "phb")}</div></div>"""
    html = page("区县动态", body, '<base href="http://www.example.gov.cn/site/" />\n')
    write("base-href", base + "index.html", html,
          [("http://www.example.gov.cn/site/" + u, t, d) for u, t, d in its],
          "http://www.example.gov.cn/site/list_2.html", "<base href>",
          "relative links resolve against <base href>, not the page URL")


def javascript_links():
    base = "http://www.example.gov.cn/xwdt/"
    its = items(11, lambda i, d: f"/xwdt/{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{12000 + i}.html")
    lis = "\n".join(
        (f'<li><a href="javascript:window.open(\'{u}\')">{t}</a><span>{d}</span></li>' if i % 2 == 0 else
         f'<li><a href="javascript:void(0)" onclick="window.open(\'{u}\',\'_blank\')">{t}</a><span>{d}</span></li>')
        for i, (u, t, d) in enumerate(its))
    body = f"""<div class="main">{crumb(("/xwdt/", "新闻动态"))}
<div class="news_list"><ul>
{lis}
</ul></div>
<div class="page_list"><a href="javascript:void(0)">上一页</a><a href="index_1.html">下一页</a></div></div>"""
    write("javascript-window-open", base + "index.html", page("新闻动态", body),
          [("http://www.example.gov.cn" + u, t, d) for u, t, d in its], base + "index_1.html",
          "javascript: links", "every link is javascript:window.open('…') or an onclick")


def attachments():
    base = "http://www.example.gov.cn/zwgk/zcwj/"
    its = items(9, lambda i, d: f"./{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{7700 + i}.html")
    mixed = []
    for i, (u, t, d) in enumerate(its):
        mixed.append(f'<li><a href="{u}">{t}</a><span>{d}</span></li>')
        if i in (1, 4, 6):
            ext = ["pdf", "doc", "xls"][(1, 4, 6).index(i)]
            mixed.append(f'<li><a href="./{d[:4]}{d[5:7]}/P0{i}2022.{ext}">附件：{t}（{ext}）</a><span>{d}</span></li>')
    body = f"""<div class="main">{crumb(("/zwgk/", "政务公开"), ("./", "政策文件"))}
<div class="zcwj_list"><ul>
{chr(10).join(mixed)}
</ul></div></div>"""
    write("attachments-in-list", base + "index.html", page("政策文件", body),
          [(base + u[2:], t, d) for u, t, d in its], None, "attachments",
          "PDF/DOC/XLS attachments in the same list are not article pages")


def sidebar_heavy():
    base = "http://www.example.com/news/guonei/"
    its = items(6, lambda i, d: f"/news/guonei/{d[:4]}{d[5:7]}{d[8:]}/{78000 + i}.shtml")
    lis = "\n".join(f'<li><a href="{u}">{t}</a> <span>{d}</span></li>' for u, t, d in its)
    side = "".join(
        f'<li><a href="/news/{sec}/2022{m:02d}{dd:02d}/{70000 + k}.shtml">{sec}推荐：{TITLES[k % 16][:12]}</a></li>'
        for k, (sec, m, dd) in enumerate([(s, 1, d) for s in ("guoji", "shehui") for d in range(3, 14)]))
    body = f"""<div class="w">{crumb(("/news/", "新闻"), ("/news/guonei/", "国内"))}
<div class="side-left"><div class="recommend"><h3>编辑推荐</h3><ul>{side}</ul></div></div>
<div class="main-list"><ul class="news-ul">
{lis}
</ul><div class="pages"><a href="/news/guonei/index_2.shtml">下一页</a></div></div>
<div class="side-right"><div class="tuijian"><h3>猜你喜欢</h3><ul>{side}</ul></div>
<div class="pic"><h3>图片新闻</h3><ul>""" + "".join(
        f'<li><a href="/news/tupian/202202{10 + k}/{71000 + k}.shtml"><img src="/p{k}.jpg"><p>图片：{TITLES[k][:10]}</p></a></li>' for k in range(6)) + """</ul></div></div></div>"""
    write("sidebar-heavy", base + "index.shtml", page("国内新闻", body),
          [("http://www.example.com" + u, t, d) for u, t, d in its], "http://www.example.com/news/guonei/index_2.shtml",
          "media site", "the main list (6 items) is shorter than the 推荐/猜你喜欢 sidebars (22 links each, other sections)")


def chinese_dates_dl():
    base = "http://www.example.gov.cn/xwzx/zwyw/"
    its = items(10, lambda i, d: f"{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{3550 + i}.html")
    dls = "\n".join(
        f'<dl><dt><a href="{u}" target="_blank">{t}</a></dt><dd class="summary">{t}，会议强调……</dd>'
        f'<dd class="time">{d[:4]}年{d[5:7]}月{d[8:]}日</dd></dl>' for u, t, d in its)
    body = f"""<div class="content">{crumb(("/xwzx/", "新闻中心"), ("/xwzx/zwyw/", "政务要闻"))}
<div class="tzgg"><h3>通知公告</h3><div id="scroll" class="scroll"><ul>
<li><a href="/zwgk/tzgg/202202/t20220214_1001.html">关于春节后上班时间的通知</a></li><li><a href="/zwgk/tzgg/202202/t20220212_1000.html">关于开展节后安全检查的通知</a></li></ul></div></div>
<div class="list_con">
{dls}
</div>
<div class="page"><script>createPageHTML(9, 0, "index", "html");</script></div>
<div class="right_box">{hot_block("专题专栏", "ztzl")}</div></div>"""
    write("dl-chinese-dates", base + "index.html", page("政务要闻", body),
          [(base + u, t, d) for u, t, d in its], base + "index_1.html", "dl/dt/dd list",
          "one <dl> per item, date as 2022年02月19日 in a <dd>, 通知公告 scroll box above")


def bare_anchors():
    base = "http://www.example.gov.cn/gzdt/"
    its = items(12, lambda i, d: f"/gzdt/content_{d.replace('-', '')}_{160 + i}.html")
    lines = "\n".join(f'&middot;<a href="{u}" target="_blank">{t}</a>&nbsp;<font color="#999999">{d}</font><br />'
                      for u, t, d in its)
    body = f"""<div class="mainbody"><div class="location">{crumb(("/gzdt/", "工作动态"))}</div>
<div class="zwgk_left"><div class="box"><a href="/gzdt/">工作动态</a><a href="/tzgg/">通知公告</a><a href="/zcfg/">政策法规</a></div></div>
<div class="zwgk_right"><div class="listcon">
{lines}
</div><div class="fenye">共 5 页 <a href="/gzdt/index_2.html">下一页</a></div></div></div>"""
    write("bare-anchors-br", base + "index.html", page("工作动态", body),
          [("http://www.example.gov.cn" + u, t, d) for u, t, d in its], "http://www.example.gov.cn/gzdt/index_2.html",
          "old template", "no list elements: bare anchors with a <font> date and <br /> between them")


def news_portal_divs():
    base = "http://news.example.com/china/"
    its = items(10, lambda i, d: f"https://news.example.com/c/{d.replace('-', '')}/{'a' + str(900 + i)}.html")
    divs = "\n".join(
        f'<div class="news-item"><div class="pic"><a href="{u}"><img src="/i{i}.jpg"></a></div><div class="txt"><h3><a href="{u}">{t}</a></h3>'
        f'<p class="desc">{t}，据报道……</p><div class="meta"><a href="/channel/china/" class="tag">国内</a><span class="time">{d} 1{i % 10}:05</span></div></div></div>'
        for i, (u, t, d) in enumerate(its))
    body = f"""<div class="container"><div class="left-col"><div id="list" class="news-list">
{divs}
</div><a class="load-more" href="/china/2.html">加载更多</a></div>
<div class="right-col"><div class="rank-box"><h2>24小时排行</h2><ol>""" + "".join(
        f'<li><a href="https://news.example.com/c/2022021{k}/b{k}.html">排行：{TITLES[15 - k]}</a></li>' for k in range(9)) + """</ol></div></div></div>"""
    write("portal-div-items", base, page("国内", body),
          [(u, t, d + f"T1{i % 10}:05:00+08:00") for i, (u, t, d) in enumerate(its)], None, "news portal",
          "div items with image link, title link and a channel tag link; 24小时排行 list beside it")


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in (trs, trs_page2, hanweb, dedecms, phpcms, empirecms, wordpress, old_table, date_first_table,
                 truncated_titles, base_href, javascript_links, attachments, sidebar_heavy, chinese_dates_dl,
                 bare_anchors, news_portal_divs):
        make()


if __name__ == "__main__":
    main()
