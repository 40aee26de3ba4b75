"""How often pages and feeds keep their accents, on real data no one here wrote.

Two sets, both read from ``../shared/corpora`` (skipped when it is absent):

* **Pages**: real news pages of fundus' parser tests (flairNLP/fundus), each
  served the ways servers get charsets wrong: charset only in the HTTP header
  (meta removed), windows-1252 bytes with the header only, UTF-8 behind a
  header that says ISO-8859-1, the meta tag only, a BOM only, and nothing
  declared at all. A page counts as *intact* when the text newswatch extracts
  equals the text extracted from the page as published (its own declarations,
  decoded right) and holds no mojibake. Spanish pages (es/) are the tuning
  set; every other country with accented text is held out.
* **Feeds**: feedparser's own encoding tests (82 files, with the HTTP headers
  each one assumes). A feed counts as *agreeing* when newswatch's entries and
  title equal what feedparser reads with those headers; these declarations
  are right, so nothing may change.

Both are compared with the code this replaced (raw bytes to lxml; feedparser
given the header as it came). Run: ``.venv/bin/python benchmarks/eval_charsets.py``.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import Counter
from pathlib import Path

import feedparser
import trafilatura
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newswatch.formats.articles import extract_article
from newswatch.formats.decoding import looks_mojibake
from newswatch.formats.feeds import html_to_text, parse_feed

CORPORA = ROOT.parent / "shared" / "corpora"
TUNING = {"es"}
#: Countries whose pages carry accented Latin text, held out from tuning.
HELD_OUT = {"mx", "py", "fr", "pt", "de", "it", "be", "ch", "at", "lu", "dk", "no", "se", "cz", "pl",
            "lt", "isl", "tr", "ca", "vn"}
_META = re.compile(rb"<meta[^>]+charset[^>]*>", re.I)
_XMLDECL = re.compile(rb"^\s*<\?xml[^>]*\?>", re.I)


def _old_body(page: bytes, url: str) -> str:
    """The extraction before decoding was fixed: raw bytes straight to lxml."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=False,
                                      favor_precision=True, with_metadata=True)
    return ((doc.as_dict() if doc is not None else {}).get("text") or "").strip()


def _variants(raw: bytes) -> dict[str, tuple[bytes, str | None]]:
    """The ways a server declares (or fails to declare) this page's charset."""
    bare = _XMLDECL.sub(b"", _META.sub(b"", raw))
    bare_text = bare.decode("utf-8", errors="replace")
    cp1252 = bare_text.encode("cp1252", errors="xmlcharrefreplace")
    meta_cp = b'<meta charset="windows-1252">' + cp1252
    return {
        "utf-8, header only": (bare, "text/html; charset=utf-8"),
        "windows-1252, header only": (cp1252, "text/html; charset=windows-1252"),
        "utf-8 behind a latin-1 header": (bare, "text/html; charset=ISO-8859-1"),
        "windows-1252 behind a utf-8 header": (cp1252, "text/html; charset=utf-8"),
        "meta only": (meta_cp, "text/html"),
        "BOM only": (b"\xef\xbb\xbf" + bare, "text/html"),
        "nothing declared": (bare, None),
    }


def _pages(countries: set[str]):
    for path in sorted((CORPORA / "fundus-parser-tests").glob("*/*.html.gz")):
        if path.parent.name not in countries:
            continue
        raw = gzip.decompress(path.read_bytes())
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue  # the few non-UTF-8 originals have no clean reference here
        if raw.isascii():
            continue
        yield path, raw


def eval_pages(countries: set[str]) -> tuple[Counter, Counter, int]:
    new, old, n = Counter(), Counter(), 0
    for path, raw in _pages(countries):
        url = f"https://{path.parent.name}.example/{path.stem}"
        reference = extract_article(raw, url, "text/html; charset=utf-8")["body"] or ""
        if not reference or not re.search(r"[^\x00-\x7f]", reference):
            continue
        n += 1
        for name, (body, ctype) in _variants(raw).items():
            got = extract_article(body, url, ctype)["body"] or ""
            new[name] += got == reference and not looks_mojibake(got)
            before = _old_body(body, url)
            old[name] += before == reference and not looks_mojibake(before)
    return new, old, n


def _http_header(text: str) -> str | None:
    m = re.search(r"^Header:\s*Content-type:\s*(.+)$", text, re.M | re.I)
    return m.group(1).strip() if m else None


def _texts(parsed) -> list[str]:
    out = [html_to_text(parsed.get("feed", {}).get("title"))]
    for e in parsed.entries:
        out += [html_to_text(e.get("title")), html_to_text(e.get("summary"))]
    return out


def eval_feeds() -> tuple[int, int, list[str]]:
    agree, total, differ = 0, 0, []
    for path in sorted((CORPORA / "feedparser-tests" / "encoding").glob("*.xml")):
        body = path.read_bytes()
        head = body[:2000].decode("latin-1")
        if "bozo" in path.name:
            continue  # broken on purpose: feedparser's answer is no reference
        ctype = _http_header(head)
        reference = feedparser.parse(body, response_headers={"content-type": ctype} if ctype else None)
        ref = _texts(reference)
        try:
            got = parse_feed(body, f"http://example.com/{path.name}", ctype)
        except Exception as exc:  # noqa: BLE001 - a crash is a disagreement to report
            differ.append(f"{path.name}: {exc}")
            total += 1
            continue
        total += 1
        # Entries with no link are skipped on purpose (and counted); the rest must read alike.
        if got.title == ref[0] and all(t in ref for e in got.entries for t in (e.title, e.summary)):
            agree += 1
        else:
            differ.append(path.name)
    return agree, total, differ


def main() -> int:
    if not CORPORA.exists():
        print(f"skipped: {CORPORA} is absent")
        return 0
    for label, countries in (("tuning (es)", TUNING), ("held out", HELD_OUT)):
        new, old, n = eval_pages(countries)
        print(f"\nPages intact, {label}: {n} real pages with accented text")
        print(f"  {'served as':38} {'before':>8} {'now':>8}")
        for name in new:
            print(f"  {name:38} {old[name]:>4}/{n:<3} {new[name]:>4}/{n:<3}")
    agree, total, differ = eval_feeds()
    print(f"\nfeedparser encoding tests: {agree}/{total} feeds read as feedparser reads them")
    for d in differ:
        print(f"  differs: {d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
