"""``newswatch export``: stored items as CSV, JSON lines or an Atom feed.

One record per item, newest first (by published, else fetched time). With a
rule, only the items that rule matched, each with that rule's terms and
snippet; without, every item with all of its matches. ``since`` keeps items
published (or, lacking a date, fetched) on or after a date or time.

``published`` is the outlet's date and is empty when the outlet gave none:
when newswatch first stored the item is ``fetched_at``, never passed off as
a publication date (in Atom, ``<published>`` only when known; ``<updated>``
falls back to the fetch time, which is what Atom asks of it).

Rows are streamed: the database is read with one query and written as it goes.
The Atom writer is ElementTree, so titles such as ``<script>`` are escaped
text, never markup. CSV is opened in spreadsheets, which run a cell starting
with ``= + - @`` (or tab / carriage return) as a formula: such cells get a
leading ``'``, as OWASP advises against CSV injection, so a feed's
``=HYPERLINK(...)`` title shows as text. JSON lines are left as stored.
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any
from xml.etree import ElementTree as ET

from sqlite_utils import Database

from ..schedule import iso, now_iso
from .errors import ExportError

FORMATS = ("csv", "jsonl", "atom")

ATOM_NS = "http://www.w3.org/2005/Atom"

CSV_COLUMNS = [
    "id", "published", "fetched_at", "source", "lang", "title", "url", "author",
    "cluster_id", "rules", "terms", "snippet", "summary",
]


def normalize_since(since: str | date | datetime | None) -> str | None:
    """A lower bound comparable with stored timestamps (UTC ISO 8601 text).

    ``2017-06-15`` stays a date (it compares as the start of that day);
    a time with an offset is converted to UTC with a ``Z``.
    """
    if since is None or since == "":
        return None
    if isinstance(since, datetime):
        dt = since
    elif isinstance(since, date):
        return since.isoformat()
    else:
        text = str(since).strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ExportError(
                f"invalid --since {since!r}: write a date like 2017-06-15 "
                "or a time like 2017-06-15T08:00:00Z"
            ) from None
    return iso(dt)


def terms_list(value: Any) -> list[str]:
    """A matches.terms value (a JSON array as text) as a list of strings, whatever was stored."""
    try:
        terms = json.loads(value) if value else []
    except (TypeError, ValueError):
        return [str(value)]
    return [str(t) for t in terms] if isinstance(terms, list) else [str(terms)]


def iter_export_records(db: Database, rule: str | None = None, since: Any = None) -> Iterator[dict[str, Any]]:
    """Items as dicts with a ``matches`` list, newest first, filtered by rule and since."""
    since = normalize_since(since)
    when = "coalesce(items.published, items.fetched_at)"
    where, params = [], []
    if rule:
        where.append("matches.rule = ?")
        params.append(rule)
    if since:
        where.append(f"{when} >= ?")
        params.append(since)
    join = "join" if rule else "left join"
    sql = f"""select items.id, items.published, items.fetched_at, items.source, items.lang,
  items.title, items.url, items.author, items.summary, items.cluster_id,
  matches.rule, matches.topic, matches.terms, matches.snippet, matches.matched_at
from items {join} matches on matches.item_id = items.id
{"where " + " and ".join(where) if where else ""}
order by {when} desc, items.id, matches.rule"""
    rows = db.execute(sql, params)
    names = [d[0] for d in rows.description]
    dict_rows = (dict(zip(names, r)) for r in rows)
    # One item may come with several matches: consecutive rows share its id.
    for _, group in itertools.groupby(dict_rows, key=lambda r: r["id"]):
        group = list(group)
        first = group[0]
        record = {k: first[k] for k in (
            "id", "published", "fetched_at", "source", "lang", "title", "url",
            "author", "summary", "cluster_id")}
        record["matches"] = [
            {
                "rule": r["rule"],
                "topic": r["topic"],
                "terms": terms_list(r["terms"]),
                "snippet": r["snippet"],
                "matched_at": r["matched_at"],
            }
            for r in group
            if r["rule"] is not None
        ]
        yield record


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text starting like a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    matches = record["matches"]
    terms = list(dict.fromkeys(t for m in matches for t in m["terms"]))
    row = {
        **{k: record[k] for k in CSV_COLUMNS if k in record},
        "rules": "; ".join(m["rule"] for m in matches),
        "terms": "; ".join(terms),
        "snippet": matches[0]["snippet"] if matches else "",
    }
    return {k: csv_cell(v) for k, v in row.items()}


def _atom_text(text: Any) -> str:
    # XML 1.0 cannot carry most control characters, even escaped.
    return "".join(ch for ch in str(text or "") if ch in "\t\n\r" or ord(ch) >= 0x20)


def _atom_entry(record: dict[str, Any]) -> ET.Element:
    entry = ET.Element("entry")
    ET.SubElement(entry, "id").text = f"urn:newswatch:item:{record['id']}"
    ET.SubElement(entry, "title", type="text").text = _atom_text(
        record["title"] or record["url"]
    )
    updated = record["published"] or record["fetched_at"]
    ET.SubElement(entry, "updated").text = updated
    if record["published"]:
        ET.SubElement(entry, "published").text = record["published"]
    if record["url"]:
        ET.SubElement(entry, "link", rel="alternate", href=record["url"])
    author = ET.SubElement(entry, "author")
    ET.SubElement(author, "name").text = _atom_text(record["author"] or record["source"])
    for m in record["matches"]:
        ET.SubElement(entry, "category", term=m["rule"])
    matches = record["matches"]
    summary = matches[0]["snippet"] if matches and matches[0]["snippet"] else record["summary"]
    if matches:
        terms = "; ".join(dict.fromkeys(t for m in matches for t in m["terms"]))
        summary = f"{summary or ''}\n\nMatched: {', '.join(m['rule'] for m in matches)} ({terms})".strip()
    ET.SubElement(entry, "summary", type="text").text = _atom_text(
        f"{record['source']}: {summary}" if summary else record["source"]
    )
    return entry


def _write_atom(records: Iterator[dict[str, Any]], out: IO[str], rule: str | None) -> int:
    title = f"newswatch: {rule}" if rule else "newswatch: all items"
    # The feed's <updated> must come before entries; the newest entry is first.
    records = iter(records)
    first = next(records, None)
    now = now_iso()
    updated = (first["published"] or first["fetched_at"]) if first else now
    out.write('<?xml version="1.0" encoding="utf-8"?>\n')
    out.write(f'<feed xmlns="{ATOM_NS}">\n')
    head = [
        ("id", f"urn:newswatch:export:{rule or 'all'}"),
        ("title", title),
        ("updated", updated),
    ]
    for tag, text in head:
        el = ET.Element(tag)
        el.text = text
        out.write("  " + _xml(el) + "\n")
    out.write("  <author><name>newswatch</name></author>\n")
    out.write('  <generator uri="https://github.com/newswatch/newswatch">newswatch</generator>\n')
    count = 0
    for record in itertools.chain([first] if first else [], records):
        out.write("  " + _xml(_atom_entry(record)) + "\n")
        count += 1
    out.write("</feed>\n")
    return count


def _xml(el: ET.Element) -> str:
    # Elements are built without a namespace: <feed xmlns=...> declares Atom's
    # as the default for everything inside it.
    return ET.tostring(el, encoding="unicode")


def export_items(
    db: Database,
    fmt: str,
    rule: str | None = None,
    since: str | date | datetime | None = None,
    out: IO[str] | None = None,
) -> int:
    """Write stored items to ``out`` (default stdout) as ``csv``, ``jsonl`` or ``atom``.

    Returns the number of items written. Raises :class:`ExportError` for an
    unknown format or an unreadable ``since``.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = out or sys.stdout
    records = iter_export_records(db, rule=rule, since=since)
    if fmt == "atom":
        return _write_atom(records, out, rule)
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(_csv_row(record))
            count += 1
    else:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def export(config, fmt: str, rule: str | None = None, since: Any = None, out: IO[str] | None = None) -> int:
    """``newswatch export``: check the rule name against the config, then :func:`export_items`."""
    from newswatch.storage import open_db

    if rule and rule not in {r.name for r in config.rules}:
        known = ", ".join(r.name for r in config.rules) or "none configured"
        raise ExportError(f"no rule named {rule!r} in {config.path}; rules: {known}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    normalize_since(since)  # fail before opening anything
    if not config.database.exists():
        raise ExportError(f"no database at {config.database}: run `newswatch run` first")
    db = open_db(config.database)
    try:
        return export_items(db, fmt, rule=rule, since=since, out=out)
    finally:
        db.close()
