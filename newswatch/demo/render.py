"""HTML for the demo site: article pages, outlet and site indexes, and the static files.

Each article page carries the realistic noise of a news site around the story
(cookie notice, menus, ads, trending bar, related links, newsletter box,
comments, footer) so that text extraction is exercised. All choices are
deterministic: they are seeded by the page's path, never by clocks or
randomness. Text comes from :mod:`newswatch.demo.storydata`.
"""

from __future__ import annotations

import hashlib
import html
import json
from datetime import datetime, timedelta
from math import gcd

from .storydata import BASE, COMMENTS, OUTLETS, UI, lang_key, rel_path, url_of, when

BANNER = "Fictional page written for the newswatch demo"


def esc(text: str) -> str:
    """``text`` escaped for HTML element content."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """``text`` escaped for an HTML attribute value."""
    return html.escape(text, quote=True)


def human_date(dt: datetime, lk: str, with_time: bool = True) -> str:
    """A date as the outlet's readers see it, e.g. "June 16, 2017, 6:40 p.m." or "16 de junio de 2017, 18:40"."""
    ui = UI[lk]
    if lk == "es":
        out = f"{dt.day} de {ui['months'][dt.month - 1]} de {dt.year}"
        return out + (f", {dt:%H:%M}" if with_time else "")
    out = f"{ui['months'][dt.month - 1]} {dt.day}, {dt.year}"
    if with_time:
        hour = dt.hour % 12 or 12
        out += f", {hour}:{dt:%M} {'a.m.' if dt.hour < 12 else 'p.m.'}"
    return out


def pick(seq: list, key: str, n: int) -> list:
    """Deterministically choose n distinct elements of seq, seeded by key."""
    h = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    start, step = h % len(seq), 1 + (h >> 8) % max(1, len(seq) - 1)
    while gcd(step, len(seq)) != 1:
        step += 1  # a step coprime with len(seq) visits distinct elements
    return [seq[(start + i * step) % len(seq)] for i in range(n)]



def feed_link_tag(slug: str) -> str:
    """The ``<link rel="alternate">`` that lets a crawler discover the outlet's feed."""
    o = OUTLETS[slug]
    ctype = {"rss2": "application/rss+xml", "rss1": "application/rdf+xml",
             "atom": "application/atom+xml", "jsonfeed": "application/feed+json"}[o["format"]]
    return f'<link rel="alternate" type="{ctype}" title="{attr(o["name"])}" href="{BASE}/{slug}/{o["feed"]}">'


def banner(lk: str) -> str:
    """The yellow "fictional page" banner at the top of every page."""
    extra = ("Outlets, reporters, quotes and events here are invented or fictionalised; do not cite."
             if lk == "en" else
             "Página ficticia escrita para la demostración de newswatch: medios, periodistas y citas son "
             "inventados; no la cite.")
    return (f'<div class="demo-banner" role="note"><strong>{BANNER}</strong> — {esc(extra)}</div>')


def masthead(slug: str, today: datetime | None) -> str:
    """Cookie notice, top bar, logo and section menu of an outlet's page (dated when ``today`` is given)."""
    o = OUTLETS[slug]
    ui = UI[lang_key(o)]
    nav = "".join(f'<li><a href="{BASE}/{slug}/#{attr(sec.lower())}">{esc(sec)}</a></li>'
                  for sec in o["sections"])
    date_line = ""
    if today is not None:
        date_line = f'<span class="today">{esc(ui["weekdays"][today.weekday()].capitalize())}, ' \
                    f'{esc(human_date(today, lang_key(o), with_time=False))}</span> · '
    return f"""<div class="cookie-notice" id="cookies">{esc(ui['cookies'])} <button type="button">{esc(ui['accept'])}</button></div>
<div class="topbar">{date_line}<a href="{BASE}/{slug}/subscribe">{esc(ui['subscribe'])}</a> · <a href="{BASE}/{slug}/login">{esc(ui['signin'])}</a> · <a href="{BASE}/{slug}/newsletters">{esc(ui['newsletters'])}</a></div>
<header class="masthead" style="border-color:{o['color']}">
<a class="logo" href="{BASE}/{slug}/" style="color:{o['color']}">{esc(o['name'])}</a>
<span class="tagline">{esc(o['tagline'])} · <em>({esc(o['label'])})</em></span>
</header>
<nav class="site-nav" aria-label="Sections"><ul><li><a href="{BASE}/{slug}/">{esc(ui['home'])}</a></li>{nav}</ul></nav>"""


def ad_block(lk: str, key: str, cls: str) -> str:
    """An advertisement slot whose text is chosen by ``key`` (the page path) and slot class."""
    ui = UI[lk]
    text = pick(ui["ad_texts"], key + cls, 1)[0]
    return (f'<div class="ad {cls}" aria-label="{attr(ui["ad"])}"><span class="ad-label">{esc(ui["ad"])}</span> '
            f'<a href="{BASE}/ads/click?slot={cls}&amp;ref={attr(key)}" rel="sponsored nofollow">{esc(text)}</a></div>')


def footer(slug: str, year: int) -> str:
    """An outlet's page footer: links, copyright for ``year``, about text and feed link."""
    o = OUTLETS[slug]
    ui = UI[lang_key(o)]
    links = " · ".join(f'<a href="{BASE}/{slug}/#{attr(t.lower().replace(" ", "-"))}">{esc(t)}</a>'
                       for t in ui["footer_links"])
    return f"""<footer class="site-footer">
<p class="footer-links">{links}</p>
<p>© {year} {esc(o['name'])} ({esc(o['label'])}). {esc(ui['rights'])} {esc(o['about'])}</p>
<p class="footer-feed"><a href="{BASE}/{slug}/{o['feed']}">RSS</a> · <a href="{BASE}/">newswatch demo site</a></p>
</footer>"""


def page_head(title: str, lang: str, extra: str = "", meta_charset: bool = True) -> str:
    """Doctype, ``<html lang>`` and ``<head>``; ``extra`` is more head markup."""
    charset = '<meta charset="utf-8">\n' if meta_charset else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
{charset}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/demo.css">
{extra}
</head>"""


def with_links(text: str, links: dict[str, str]) -> str:
    """Escaped paragraph ``text`` with the first occurrence of each phrase of
    ``links`` made a link to the story it names (``<outlet>/<path>``)."""
    for phrase, target in links.items():
        anchor = f'<a href="{BASE}/{target}.html">{esc(phrase)}</a>'
        text = text.replace(esc(phrase), anchor, 1)
    return text


def render_article(s: dict, related: list[dict], trending: list[dict]) -> str:
    """The article page of story ``s`` with its related links and trending bar."""
    o = OUTLETS[s["outlet"]]
    lk = lang_key(o)
    ui = UI[lk]
    dt = when(s)
    url = url_of(s)
    key = rel_path(s)
    author = s["author"] + (f", {s['byline_note']}" if s.get("byline_note") else "")
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
        "description": s["summary"], "datePublished": dt.isoformat(), "dateModified": dt.isoformat(),
        "author": {"@type": "Person", "name": s["author"]},
        "publisher": {"@type": "Organization", "name": o["name"]},
        "mainEntityOfPage": url, "inLanguage": o["html_lang"], "articleSection": s["section"],
    }
    head_extra = "\n".join([
        f'<link rel="canonical" href="{url}">',
        f'<meta name="description" content="{attr(s["summary"])}">',
        f'<meta name="author" content="{attr(s["author"])}">',
        f'<meta name="date" content="{dt.isoformat()}">',
        f'<meta property="article:published_time" content="{dt.isoformat()}">',
        f'<meta property="article:section" content="{attr(s["section"])}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{attr(s["title"])}">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:site_name" content="{attr(o["name"])}">',
        f'<meta property="og:locale" content="{o["html_lang"].replace("-", "_")}">',
        feed_link_tag(s["outlet"]),
        '<script type="application/ld+json">' + json.dumps(ld, ensure_ascii=False) + "</script>",
    ])
    paras = []
    for i, p in enumerate(s["body"]):
        paras.append(f"<p>{with_links(esc(p), s.get('links', {}))}</p>")
        if i == 2:
            paras.append(f'<aside class="ad ad-inline"><span class="ad-label">{esc(ui["ad"])} · '
                         f'{esc(ui["ad_more"])}</span></aside>')
    trend = " · ".join(f'<a href="{url_of(t)}">{esc(t["title"])}</a>' for t in trending)
    rel = "\n".join(f'<li><a href="{url_of(r)}">{esc(r["title"])}</a> '
                    f'<span class="rel-date">{esc(human_date(when(r), lk, with_time=False))}</span></li>'
                    for r in related)
    n_comments = 2 + int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2
    comments = []
    for j, (name, text) in enumerate(pick(COMMENTS[lk], key, n_comments)):
        cdt = dt + timedelta(hours=2 + 3 * j, minutes=7 * j)
        comments.append(f"""<div class="comment" id="c{j + 1}">
<p class="comment-meta"><span class="comment-author">{esc(name)}</span> <time datetime="{cdt.isoformat()}">{esc(human_date(cdt, lk))}</time></p>
<p class="comment-text">{esc(text)}</p>
<p class="comment-actions"><a href="#c{j + 1}">{esc(ui['reply'])}</a> · <a href="#c{j + 1}">{esc(ui['report'])}</a></p>
</div>""")
    share = " ".join(f'<a class="share-{n.lower()}" href="#share-{n.lower()}">{n}</a>'
                     for n in ("Facebook", "Twitter", "WhatsApp", "Email"))
    return f"""{page_head(s['title'] + ' | ' + o['name'], o['html_lang'], head_extra, o.get('meta_charset', True))}
<body class="article-page">
{banner(lk)}
{masthead(s['outlet'], dt)}
<div class="ticker"><strong>{esc(ui['trending'])}:</strong> {trend}</div>
{ad_block(lk, key, 'ad-leaderboard')}
<main class="layout">
<article class="story">
<p class="kicker"><a href="{BASE}/{s['outlet']}/#{attr(s['section'].lower())}">{esc(s['section'])}</a></p>
<h1 class="headline">{esc(s['title'])}</h1>
<p class="byline">{esc(ui['by'])} <a rel="author" class="author" href="{BASE}/{s['outlet']}/#author">{esc(author)}</a> · <time datetime="{dt.isoformat()}" class="published">{esc(human_date(dt, lk))}</time></p>
<div class="share-tools">{esc(ui['share'])}: {share}</div>
<div class="story-body">
{chr(10).join(paras)}
</div>
<p class="tags">{esc(ui['tags'])}: <a href="{BASE}/{s['outlet']}/#{attr(s['section'].lower())}">{esc(s['section'])}</a></p>
</article>
<aside class="sidebar">
<section class="related"><h2>{esc(ui['related'])}</h2>
<ul>
{rel}
</ul></section>
<section class="newsletter"><h2>{esc(ui['newsletter_title'])}</h2><p>{esc(ui['newsletter_text'])}</p>
<form action="{BASE}/{s['outlet']}/newsletters" method="post"><input type="email" name="email" placeholder="email@example.org"> <button type="submit">{esc(ui['newsletter_button'])}</button></form></section>
{ad_block(lk, key, 'ad-box')}
</aside>
</main>
<section class="comments" id="comments"><h2>{esc(ui['comments'])} ({n_comments})</h2>
<p class="comment-rules">{esc(ui['comment_rules'])}</p>
{chr(10).join(comments)}
<form class="comment-form" action="{BASE}/{s['outlet']}/comments" method="post"><label>{esc(ui['add_comment'])}<textarea name="text"></textarea></label> <button type="submit">{esc(ui['post'])}</button></form>
</section>
{footer(s['outlet'], dt.year)}
</body>
</html>
"""


def render_outlet_index(slug: str, stories: list[dict]) -> str:
    """An outlet's home page: its stories (newest first) with their summaries."""
    o = OUTLETS[slug]
    lk = lang_key(o)
    items = "\n".join(
        f'<li><a href="{url_of(s)}">{esc(s["title"])}</a> <span class="rel-date">'
        f'{esc(human_date(when(s), lk, with_time=False))}</span><br><span class="dek">{esc(s["summary"])}</span></li>'
        for s in stories)
    latest = max(when(s) for s in stories)
    return f"""{page_head(o['name'] + ' (' + o['label'] + ')', o['html_lang'], feed_link_tag(slug))}
<body class="section-page">
{banner(lk)}
{masthead(slug, None)}
<main class="layout"><section class="river"><ul class="story-list">
{items}
</ul></section></main>
{footer(slug, latest.year)}
</body>
</html>
"""


def render_root_index(by_outlet: dict[str, list[dict]]) -> str:
    """The site's home page: what the demo site is and every outlet with its feed."""
    rows = "\n".join(
        f'<li><a href="{BASE}/{slug}/">{esc(o["name"])}</a> ({esc(o["label"])}) — {esc(o["tagline"])}. '
        f'Language <code>{o["html_lang"]}</code>, {len(by_outlet[slug])} articles, '
        f'feed: <a href="{BASE}/{slug}/{o["feed"]}">{slug}/{o["feed"]}</a> ({o["format"]})</li>'
        for slug, o in OUTLETS.items())
    return f"""{page_head('newswatch demo news site (fictional)', 'en')}
<body class="home-page">
{banner('en')}
<main class="layout"><section>
<h1>newswatch demo news site</h1>
<p>A bundle of fictional news outlets used by <code>newswatch demo</code> and the end-to-end tests.
Stories follow three threads from 2017-2018 — US decisions on Temporary Protected Status for Hondurans
and Salvadorans, US aid to the Northern Triangle, and corruption cases involving Central American
officials — mixed with unrelated news and look-alikes. The machine-readable list of feeds is
<a href="{BASE}/sources.json">sources.json</a>; every article is listed in <a href="{BASE}/sitemap.xml">sitemap.xml</a>.</p>
<h2>Outlets and feeds</h2>
<ul>
{rows}
</ul>
</section></main>
</body>
</html>
"""


CSS = """/* Styles for the fictional newswatch demo site. */
body { font-family: Georgia, serif; margin: 0; color: #222; background: #fafafa; }
.demo-banner { background: #ffe066; color: #000; padding: .5em 1em; font: 14px sans-serif; border-bottom: 2px solid #c9a200; }
.cookie-notice { background: #333; color: #eee; font: 12px sans-serif; padding: .4em 1em; }
.topbar, .ticker, .site-nav { font: 13px sans-serif; padding: .3em 1em; }
.masthead { padding: 1em; border-bottom: 4px solid; background: #fff; }
.logo { font-size: 2em; font-weight: bold; text-decoration: none; }
.tagline { display: block; color: #666; }
.site-nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1em; }
.ad { background: #eee; border: 1px dashed #aaa; margin: 1em; padding: 1em; font: 13px sans-serif; }
.ad-label { text-transform: uppercase; color: #888; font-size: 11px; }
.layout { display: flex; gap: 2em; padding: 1em; max-width: 1100px; margin: auto; }
.story { flex: 3; background: #fff; padding: 1em 2em; }
.sidebar { flex: 1; font: 14px sans-serif; }
.headline { font-size: 2.1em; line-height: 1.2; }
.byline, .kicker, .tags, .share-tools { font: 13px sans-serif; color: #555; }
.comments { max-width: 1100px; margin: auto; padding: 1em 2em; font: 14px sans-serif; }
.comment { border-top: 1px solid #ddd; padding: .5em 0; }
.site-footer { background: #222; color: #ccc; padding: 1em 2em; font: 12px sans-serif; }
.site-footer a { color: #ccc; }
"""

ROBOTS = f"""# robots.txt for the fictional newswatch demo site
User-agent: *
Disallow: /private/
Allow: /

Sitemap: {BASE}/sitemap.xml
"""

PRIVATE_PAGE = f"""{page_head('Private area (fictional)', 'en')}
<body>
{banner('en')}
<main><h1>Private drafts</h1>
<p>robots.txt disallows /private/. A polite crawler never fetches this page; if a test finds it in
the fixture server's request log, robots.txt was not obeyed.</p></main>
</body>
</html>
"""

