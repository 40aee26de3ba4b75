"""How often newswatch gets an article page's publication day right, against htmldate alone.

Real pages with gold publication dates, read where they lie (none is copied here):

* **fundus**: the parser tests of flairNLP/fundus (258 news pages of 181 publishers
  in 41 countries, ``publishing_date`` in each publisher's JSON), from
  ``../shared/corpora/fundus-parser-tests`` or ``--fundus PATH``.
* **htmldate**: htmldate's own evaluation pages (adbar/htmldate, ``tests/``:
  ``eval_default.json``, 800 pages, and ``eval_mediacloud_2020.json``, 200),
  from a checkout or a bare clone of https://github.com/adbar/htmldate given
  as ``--htmldate PATH``. A page whose gold date is empty counts as right when
  no date is found.

Each page's bytes go, unchanged, to three readers:

* **newswatch**: ``formats.articles.extract_article``, the crawl's own path;
* **htmldate**: ``htmldate.find_date`` with its default options;
* **htmldate-orig**: the same with ``original_date=True`` (the publication
  date rather than the latest one), as trafilatura asks for it;
* **trafilatura**: ``bare_extraction(..., with_metadata=True)`` as newswatch
  called it before this evaluation (no date when the page's text is rejected).

All three get the page's URL, as the crawl does. A page is right when the day
(YYYY-MM-DD) equals the gold day. Pages split in two halves by a hash of their
file name: the choices in ``formats/articles.py`` were made looking at the
*tune* half only; the *held-out* half was not looked at.

Run: ``.venv/bin/python benchmarks/eval_dates.py [--fundus PATH] [--htmldate PATH]``
(about three minutes). Absent corpora are skipped with a message.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import htmldate
import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newswatch.formats.articles import extract_article

FUNDUS = ROOT.parent / "shared" / "corpora" / "fundus-parser-tests"
#: Where a clone of adbar/htmldate is looked for when --htmldate is not given.
HTMLDATE = (ROOT.parent / "shared" / "corpora" / "htmldate", ROOT.parent / ".mirror" / "adbar+htmldate" / "repo")
READERS = ("newswatch", "htmldate", "htmldate-orig", "trafilatura")

Page = tuple[str, bytes, str, str | None]  # name, bytes, url, gold day (None: no date)


def fundus_pages(root: Path) -> Iterator[Page]:
    """fundus' test pages: ``<Publisher>.json`` holds one gold record per page, in file order."""
    for gold_file in sorted(root.glob("*/*.json")):
        folder, publisher = gold_file.parent, gold_file.stem
        pages = sorted(folder.glob(f"{publisher}_*.html.gz"))
        meta = json.loads((folder / "meta.info").read_text())
        for record, page in zip(json.loads(gold_file.read_text()).values(), pages, strict=True):
            day = (record.get("publishing_date") or "")[:10] or None
            yield str(page.relative_to(root)), gzip.decompress(page.read_bytes()), meta[page.name]["url"], day


def _file_reader(root: Path) -> Callable[[str], bytes | None]:
    """Files of a checkout (``root/tests/...``) or, for a bare clone, of its HEAD."""
    if (root / "tests" / "eval_default.json").is_file():
        return lambda rel: (root / rel).read_bytes() if (root / rel).is_file() else None
    git = subprocess.Popen(["git", "--git-dir", str(root), "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read(rel: str) -> bytes | None:
        git.stdin.write(f"HEAD:{rel}\n".encode())
        git.stdin.flush()
        header = git.stdout.readline().split()
        if len(header) != 3:
            return None  # "<name> missing"
        body = git.stdout.read(int(header[2]))
        git.stdout.read(1)
        return body
    return read


def htmldate_pages(root: Path) -> Iterator[Page]:
    """htmldate's evaluation pages, looked up in tests/test_set, cache and eval as its own script does."""
    read = _file_reader(root)
    for gold_name in ("eval_default.json", "eval_mediacloud_2020.json"):
        gold = json.loads(read(f"tests/{gold_name}") or b"{}")
        for url, record in gold.items():
            body = next((b for d in ("test_set", "cache", "eval")
                         if (b := read(f"tests/{d}/{record['file']}")) is not None), None)
            if body is None:
                continue
            day = record.get("date")
            yield f"{gold_name}:{record['file']}", body, url, day if day and day != "nan" else None


def read_dates(page: bytes, url: str) -> dict[str, str | None]:
    """The day each reader finds on ``page``."""
    doc = trafilatura.bare_extraction(page, url=url, include_comments=False, include_tables=False,
                                      favor_precision=True, with_metadata=True)
    return {
        "newswatch": (extract_article(page, url)["published"] or "")[:10] or None,
        "htmldate": htmldate.find_date(page, url=url),
        "htmldate-orig": htmldate.find_date(page, url=url, original_date=True),
        "trafilatura": doc.date if doc is not None else None,
    }


def held_out(name: str) -> bool:
    """The page's half: a fixed hash of its name, so that the split never changes."""
    return hashlib.sha256(name.encode()).digest()[0] % 2 == 1


def evaluate(corpus: str, pages: Iterator[Page]) -> None:
    """Print the share of right days per reader, on each half and on all pages."""
    right = {half: dict.fromkeys(READERS, 0) for half in ("tune", "held-out")}
    count = {"tune": 0, "held-out": 0}
    for name, body, url, gold in pages:
        half = "held-out" if held_out(name) else "tune"
        count[half] += 1
        for reader, day in read_dates(body, url).items():
            right[half][reader] += day == gold
    rows = [*right.items(), ("all", {r: right["tune"][r] + right["held-out"][r] for r in READERS})]
    count["all"] = count["tune"] + count["held-out"]
    print(f"\n{corpus}: day of publication right, same bytes and URL for each reader")
    print(f"  {'half':<9} {'pages':>5} " + " ".join(f"{r:>13}" for r in READERS))
    for half, hits in rows:
        n = count[half]
        print(f"  {half:<9} {n:>5} " + " ".join(f"{100 * hits[r] / max(n, 1):>12.1f}%" for r in READERS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--fundus", type=Path, default=FUNDUS, help="fundus' parser test pages")
    parser.add_argument("--htmldate", type=Path, default=None, help="a clone of adbar/htmldate")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # trafilatura warns about every page it rejects
    print(f"htmldate {htmldate.__version__}, "
          f"trafilatura {trafilatura.__version__}")
    if args.fundus.is_dir():
        evaluate("fundus (flairNLP/fundus parser tests)", fundus_pages(args.fundus))
    else:
        print(f"\nfundus: {args.fundus} not found; skipped")
    clone = args.htmldate or next((p for p in HTMLDATE if p.exists()), None)
    if clone is not None and clone.exists():
        head = subprocess.run(["git", "--git-dir", str(clone / ".git" if (clone / ".git").exists() else clone),
                               "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        evaluate(f"htmldate (adbar/htmldate@{head or '?'} tests/eval_*.json)", htmldate_pages(clone))
    else:
        print("\nhtmldate: no clone found (git clone https://github.com/adbar/htmldate, "
              "then --htmldate PATH); skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
