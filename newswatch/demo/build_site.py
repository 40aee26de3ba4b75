"""Generate the offline demo news site: fictional outlets, feeds and article pages.

Everything under ``newswatch/demo/site/`` is written by this script from the
data files under ``newswatch/demo/stories/`` (one Markdown file per article,
TOML for outlets, page furniture and extra evaluation items; see
``stories/README.md``), so the fixture can be regenerated (and reviewed) as
data. The output is deterministic: no clocks, no randomness, sorted iteration.

    python newswatch/demo/build_site.py            # rewrite newswatch/demo/site/
    python newswatch/demo/build_site.py --eval tests/data/topic_eval.jsonl

All outlets, reporters, commentators and quotes are invented for the demo and
every page carries the banner "Fictional page written for the newswatch demo".
Public events of 2017-2018 (TPS decisions, aid budgets, court cases) are
retold loosely as fiction; do not cite these pages.

Absolute URLs are written with the placeholder ``{{BASE}}``; the fixture
server (newswatch.demo.server) replaces it with ``http://127.0.0.1:PORT`` in
.html, .xml, .json and .txt files when serving them.

Pages are rendered by :mod:`newswatch.demo.render`, feeds and the sitemap by
:mod:`newswatch.demo.render_feeds`; the data is read by
:mod:`newswatch.demo.storydata`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python newswatch/demo/build_site.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "newswatch.demo"  # so that the relative imports below work

from ..schedule import iso
from .render import CSS, PRIVATE_PAGE, ROBOTS, pick, render_article, render_outlet_index, render_root_index
from .render_feeds import RENDERERS, feed_entries, render_sitemap, sources
from .storydata import EVAL_EXTRA, OUTLETS, STORIES, check_stories, linked, rel_path, url_of, when

SITE_DIR = Path(__file__).resolve().parent / "site"


def build(out: Path = SITE_DIR) -> dict[str, int]:
    """Write the whole site into ``out`` (replacing it) and return counts."""
    check_stories(STORIES, OUTLETS)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    by_path = {f"{s['outlet']}/{s['path']}": s for s in STORIES}
    cited = linked(STORIES)
    by_outlet = {slug: sorted((s for s in STORIES if s["outlet"] == slug), key=when, reverse=True)
                 for slug in OUTLETS}

    def write(rel: str, text: str, encoding: str = "utf-8") -> None:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode(encoding, errors="xmlcharrefreplace"))

    for slug, stories in by_outlet.items():
        for s in stories:
            # Related links and the trending bar stay within the same group
            # (relevant / not), so boilerplate leaking into extracted text
            # never changes which thread a page belongs to.
            # A story another one links to (the followed seed) is left out of
            # these bars: only the articles that cite it link to it.
            others = [t for t in stories if t is not s and f"{slug}/{t['path']}" not in cited]
            group = [t for t in others if (t["kind"] == "relevant") == (s["kind"] == "relevant")]
            group = group or others
            related = pick(group, rel_path(s) + "related", min(4, len(group)))
            trending = pick(group, rel_path(s) + "trending", min(3, len(group)))
            write(rel_path(s).lstrip("/"), render_article(s, related, trending),
                  OUTLETS[slug].get("page_charset", "utf-8"))
        write(f"{slug}/index.html", render_outlet_index(slug, stories))
        o = OUTLETS[slug]
        write(f"{slug}/{o['feed']}", RENDERERS[o["format"]](slug, feed_entries(slug, by_path)))
    write("index.html", render_root_index(by_outlet))
    write("robots.txt", ROBOTS)
    write("sitemap.xml", render_sitemap())
    write("private/index.html", PRIVATE_PAGE)
    write("static/demo.css", CSS)
    write("sources.json", json.dumps(sources(), ensure_ascii=False, indent=2) + "\n")
    # Read by the demo server: the charset it names in Content-Type for each outlet's pages.
    write("charsets.json", json.dumps({f"{slug}/": o["page_charset"] for slug, o in OUTLETS.items()
                                       if o.get("page_charset", "utf-8") != "utf-8"}, indent=2) + "\n")
    return {"pages": len(STORIES), "feeds": len(OUTLETS)}


def eval_records() -> list[dict]:
    """One labelled item per article, for measuring the central-america topic pack."""
    rows = []
    for s in sorted(STORIES, key=rel_path):
        o = OUTLETS[s["outlet"]]
        rows.append({
            "url": url_of(s), "source": s["outlet"],
            "lang": "es" if o["lang"].startswith("es") else "en",
            "published": iso(when(s)),
            "title": s["title"], "summary": s["summary"], "body": "\n\n".join(s["body"]),
            "labels": list(s["topics"]), "kind": s["kind"],
            "syndication": s.get("syndication"),
        })
    for i, e in enumerate(EVAL_EXTRA, 1):
        rows.append({"url": f"https://example.invalid/eval/{i}", "source": "eval-extra", "lang": e["lang"],
                     "published": None, "title": e["title"], "summary": e["summary"], "body": "",
                     "labels": e["labels"], "kind": "relevant" if e["labels"] else "negative",
                     "syndication": None})
    return rows


def write_eval(path: Path) -> None:
    """Refresh this site's labelled items in ``path``, keeping every other item already there.

    The evaluation file also holds items written by hand from real reporting;
    regenerating the site must not erase them.
    """
    generated = eval_records()
    ours = {row["url"] for row in generated}
    kept = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("url") not in ours:
                kept.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in generated:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        for line in kept:
            fh.write(line + "\n")


def main(argv: list[str] | None = None) -> None:
    """Command line: rebuild the site (``--out``) and optionally the evaluation items (``--eval``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SITE_DIR, help="folder to (re)write; default: %(default)s")
    parser.add_argument("--eval", type=Path, metavar="JSONL",
                        help="also write labelled items (title, summary, body, labels) as JSON lines")
    args = parser.parse_args(argv)
    counts = build(args.out)
    if args.eval:
        write_eval(args.eval)
    relevant = sum(1 for s in STORIES if s["kind"] == "relevant")
    print(f"wrote {counts['pages']} article pages ({relevant} relevant) and {counts['feeds']} feeds to {args.out}")


if __name__ == "__main__":
    main()
