"""The demo site's feeds and sitemap.

Each outlet publishes one feed in its own format (RSS 2.0, Atom 1.0, RSS 1.0 /
RDF or JSON Feed 1.1), listing its articles newest first with a 1-2 sentence
summary only, so full text has to come from fetching the page. A few quirks
of real feeds are kept on purpose: permalink or non-URL GUIDs, a teaser in
content:encoded (the lead and "Read the full story": the rest is only on the
page), tracking parameters on links, and an outlet that also
lists another outlet's story under that story's own URL (``cross_listed`` in
outlets.toml; exercises dedup by URL).
"""

from __future__ import annotations

import html
import json
from email.utils import format_datetime

from .render import BANNER, attr, esc
from .storydata import BASE, OUTLETS, STORIES, UI, lang_key, rel_path, url_of, when

TRACKING = "?utm_source=rss&utm_medium=feed&fbclid=abc"


def entry_link(s: dict) -> str:
    """The link a feed gives for ``s``: its URL, with tracking parameters where the story asks for them."""
    return url_of(s) + (TRACKING if s.get("tracking_link") else "")


def feed_entries(slug: str, by_path: dict[str, dict]) -> list[dict]:
    """The stories in an outlet's feed, newest first: its own and those it cross-lists."""
    own = [s for s in STORIES if s["outlet"] == slug]
    extra = [by_path[p] for p in OUTLETS[slug].get("cross_listed", [])]
    return sorted(own + extra, key=lambda s: (when(s), s["path"]), reverse=True)


def guid_of(slug: str, s: dict) -> str:
    """A stable, non-URL GUID: the outlet's slug and the story's path."""
    return f"{slug}:{s['path']}" if s["outlet"] == slug else f"{slug}:{s['outlet']}/{s['path']}"


def xml_text(text: str) -> str:
    """``text`` escaped for XML element content."""
    return html.escape(text, quote=False)


def lead_html(s: dict) -> str:
    """The first paragraph of ``s`` and a read-more link, as HTML."""
    lk = lang_key(OUTLETS[s["outlet"]])
    return (f"<p>{esc(s['body'][0])}</p><p><a href=\"{url_of(s)}\">{esc(UI[lk]['read_more'])}</a></p>")


def render_rss2(slug: str, entries: list[dict]) -> str:
    """An RSS 2.0 feed of ``entries`` for outlet ``slug``."""
    o = OUTLETS[slug]
    items = []
    for i, s in enumerate(entries):
        if slug == "cronica-chapina":  # permalink GUIDs, as many WordPress sites do
            guid = f'<guid isPermaLink="true">{xml_text(url_of(s))}</guid>'
        else:
            guid = f'<guid isPermaLink="false">{xml_text(guid_of(slug, s))}</guid>'
        encoded = ""
        if slug == "ntm-wire" and i % 2 == 0:  # some items carry a teaser in content:encoded
            encoded = f"\n      <content:encoded><![CDATA[{lead_html(s)}]]></content:encoded>"
        items.append(f"""    <item>
      <title>{xml_text(s['title'])}</title>
      <link>{xml_text(entry_link(s))}</link>
      <description>{xml_text(s['summary'])}</description>{encoded}
      <dc:creator>{xml_text(s['author'])}</dc:creator>
      <category>{xml_text(s['section'])}</category>
      <pubDate>{format_datetime(when(s))}</pubDate>
      {guid}
    </item>""")
    lang = "es" if slug == "diario-del-valle" else o["html_lang"].lower()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{xml_text(o['name'])} ({xml_text(o['label'])})</title>
    <link>{BASE}/{slug}/</link>
    <atom:link href="{BASE}/{slug}/{o['feed']}" rel="self" type="application/rss+xml"/>
    <description>{xml_text(o['tagline'])}. {xml_text(BANNER)}.</description>
    <language>{lang}</language>
    <lastBuildDate>{format_datetime(when(entries[0]))}</lastBuildDate>
    <generator>newswatch demo build_site.py</generator>
{chr(10).join(items)}
  </channel>
</rss>
"""


def render_atom(slug: str, entries: list[dict]) -> str:
    """An Atom 1.0 feed of ``entries`` for outlet ``slug``."""
    o = OUTLETS[slug]
    items = []
    for s in entries:
        eid = url_of(s) if s["outlet"] != slug else f"tag:{slug}.demo.invalid,{s['date'][:10]}:/{s['path']}"
        items.append(f"""  <entry>
    <id>{xml_text(eid)}</id>
    <title type="text">{xml_text(s['title'])}</title>
    <link rel="alternate" type="text/html" href="{attr(entry_link(s))}"/>
    <published>{when(s).isoformat()}</published>
    <updated>{when(s).isoformat()}</updated>
    <author><name>{xml_text(s['author'])}</name></author>
    <category term="{attr(s['section'])}"/>
    <summary type="text">{xml_text(s['summary'])}</summary>
  </entry>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{o['html_lang']}">
  <id>tag:{slug}.demo.invalid,2017:feed</id>
  <title>{xml_text(o['name'])} ({xml_text(o['label'])})</title>
  <subtitle>{xml_text(o['tagline'])}. {xml_text(BANNER)}.</subtitle>
  <link rel="self" type="application/atom+xml" href="{BASE}/{slug}/{o['feed']}"/>
  <link rel="alternate" type="text/html" href="{BASE}/{slug}/"/>
  <updated>{when(entries[0]).isoformat()}</updated>
  <generator>newswatch demo build_site.py</generator>
{chr(10).join(items)}
</feed>
"""


def render_rss1(slug: str, entries: list[dict]) -> str:
    """An RSS 1.0 (RDF) feed of ``entries`` for outlet ``slug``."""
    o = OUTLETS[slug]
    seq = "\n".join(f'        <rdf:li rdf:resource="{attr(entry_link(s))}"/>' for s in entries)
    items = "\n".join(f"""  <item rdf:about="{attr(entry_link(s))}">
    <title>{xml_text(s['title'])}</title>
    <link>{xml_text(entry_link(s))}</link>
    <description>{xml_text(s['summary'])}</description>
    <dc:creator>{xml_text(s['author'])}</dc:creator>
    <dc:date>{when(s).isoformat()}</dc:date>
    <dc:subject>{xml_text(s['section'])}</dc:subject>
  </item>""" for s in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{BASE}/{slug}/{o['feed']}">
    <title>{xml_text(o['name'])} ({xml_text(o['label'])})</title>
    <link>{BASE}/{slug}/</link>
    <description>{xml_text(o['tagline'])}. {xml_text(BANNER)}.</description>
    <dc:language>{o['html_lang']}</dc:language>
    <dc:date>{when(entries[0]).isoformat()}</dc:date>
    <items>
      <rdf:Seq>
{seq}
      </rdf:Seq>
    </items>
  </channel>
{items}
</rdf:RDF>
"""


def render_jsonfeed(slug: str, entries: list[dict]) -> str:
    """A JSON Feed 1.1 document of ``entries`` for outlet ``slug``."""
    o = OUTLETS[slug]
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{o['name']} ({o['label']})",
        "home_page_url": f"{BASE}/{slug}/",
        "feed_url": f"{BASE}/{slug}/{o['feed']}",
        "description": f"{o['tagline']}. {BANNER}.",
        "language": o["html_lang"],
        "authors": [{"name": o["name"]}],
        "items": [{
            "id": guid_of(slug, s),
            "url": entry_link(s),
            "title": s["title"],
            "summary": s["summary"],
            "content_text": s["summary"],
            "date_published": when(s).isoformat(),
            "authors": [{"name": s["author"]}],
            "tags": [s["section"]],
        } for s in entries],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"rss2": render_rss2, "atom": render_atom, "rss1": render_rss1, "jsonfeed": render_jsonfeed}


def sources() -> list[dict]:
    """The feeds as the demo config needs them; names match [a-z0-9-]."""
    return [{"name": slug, "kind": "feed", "path": f"/{slug}/{o['feed']}",
             "lang": "es" if o["lang"].startswith("es") else "en", "format": o["format"],
             "title": f"{o['name']} ({o['label']})"} for slug, o in OUTLETS.items()]


def render_sitemap() -> str:
    """sitemap.xml: every article page with its publication time, sorted by path."""
    urls = "\n".join(f"  <url><loc>{url_of(s)}</loc><lastmod>{when(s).isoformat()}</lastmod></url>"
                     for s in sorted(STORIES, key=rel_path))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""

