"""Read the demo site's data files under ``newswatch/demo/stories/``.

The layout (see ``stories/README.md``)::

    stories/outlets.toml        the outlets, in the order the site lists them
    stories/furniture.toml      UI strings and reader comments per language
    stories/eval_extra.toml     labelled feed entries that are not pages
    stories/<outlet>/<path>.md  one article: TOML front matter between ``+++``
                                lines, then its paragraphs separated by blank lines

An article's file name gives its URL: ``stories/ntm-wire/2017/06/x.md`` is
served as ``/ntm-wire/2017/06/x.html``. Everything is read once, at import,
into the plain dicts and lists the renderers use (:data:`OUTLETS`,
:data:`STORIES`, :data:`UI`, :data:`COMMENTS`, :data:`EVAL_EXTRA`).
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "stories"
BASE = "{{BASE}}"
TOPICS = {"tps", "aid", "corruption"}
KINDS = {"relevant", "unrelated", "negative"}
REQUIRED = ("title", "summary", "date", "author", "section", "kind")
OPTIONAL = ("topics", "syndication", "byline_note", "tracking_link", "body_from", "links")


class StoryDataError(ValueError):
    """A data file under ``stories/`` is malformed; the message names the file."""


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StoryDataError(f"{path}: {exc}") from None


def load_outlets(data_dir: Path = DATA_DIR) -> dict[str, dict]:
    """The outlets from ``outlets.toml``, keyed by slug, in file order."""
    return _read_toml(data_dir / "outlets.toml")


def load_furniture(data_dir: Path = DATA_DIR) -> tuple[dict[str, dict], dict[str, list[tuple[str, str]]]]:
    """UI strings and reader comments (as ``(name, text)`` pairs) per language key."""
    doc = _read_toml(data_dir / "furniture.toml")
    comments = {lk: [(c["name"], c["text"]) for c in rows] for lk, rows in doc["comments"].items()}
    return doc["ui"], comments


def load_eval_extra(data_dir: Path = DATA_DIR) -> list[dict]:
    """The labelled feed entries of ``eval_extra.toml`` (lang, labels, title, summary)."""
    return _read_toml(data_dir / "eval_extra.toml")["item"]


def split_front_matter(text: str, where: Path | str = "<story>") -> tuple[dict, list[str]]:
    """Split an article file into its front matter (a dict) and its paragraphs.

    Paragraphs are separated by blank lines; the lines of one paragraph are
    joined with single spaces, so bodies may be wrapped at any width.
    """
    match = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z", text, re.S)
    if not match:
        raise StoryDataError(f"{where}: expected TOML front matter between '+++' lines at the top")
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise StoryDataError(f"{where}: front matter: {exc}") from None
    paragraphs = [" ".join(line.strip() for line in block.strip().splitlines())
                  for block in re.split(r"\n[ \t]*\n", match.group(2)) if block.strip()]
    return meta, paragraphs


def story_from_file(path: Path, outlet: str, rel: str) -> dict:
    """One article as a dict; ``rel`` is its path under the outlet without ``.md``."""
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    missing = [k for k in REQUIRED if k not in meta]
    unknown = sorted(set(meta) - set(REQUIRED) - set(OPTIONAL))
    if missing or unknown:
        raise StoryDataError(f"{path}: missing {missing} / unknown {unknown} front matter keys")
    date = meta["date"]
    if not isinstance(date, datetime) or date.tzinfo is None:
        raise StoryDataError(f"{path}: date must be a TOML datetime with a UTC offset, e.g. 2018-01-08T16:45:00-05:00")
    topics = tuple(meta.get("topics", ()))
    if meta["kind"] not in KINDS:
        raise StoryDataError(f"{path}: kind must be one of {sorted(KINDS)}, not {meta['kind']!r}")
    if (meta["kind"] == "relevant") != bool(topics):
        raise StoryDataError(f"{path}: a story has topics if and only if its kind is 'relevant'")
    if "body_from" in meta and body:
        raise StoryDataError(f"{path}: a story with body_from has no body of its own")
    s = dict(outlet=outlet, path=rel, date=date.isoformat(), author=meta["author"], section=meta["section"],
             kind=meta["kind"], title=meta["title"], summary=meta["summary"], body=body, topics=topics)
    s.update((k, meta[k]) for k in OPTIONAL if k in meta and k != "topics")
    return s


def load_stories(outlets: dict[str, dict], data_dir: Path = DATA_DIR) -> list[dict]:
    """Every article under ``stories/<outlet>/``, outlet by outlet, each outlet's sorted by path.

    kind is "relevant" (topics names the seed threads it belongs to: tps, aid,
    corruption), "unrelated", or "negative" (a hard negative: it shares words
    with a thread - TPS, Hernández, Morales, aid - but is not about it).
    A syndicated copy names the original with ``body_from`` instead of
    repeating its paragraphs.
    """
    folders = {p.name for p in data_dir.iterdir() if p.is_dir()}
    if folders - set(outlets):
        raise StoryDataError(f"{data_dir}: folders {sorted(folders - set(outlets))} are not in outlets.toml")
    stories = []
    for slug in outlets:
        root = data_dir / slug
        for path in sorted(root.rglob("*.md")) if root.is_dir() else []:
            stories.append(story_from_file(path, slug, path.relative_to(root).with_suffix("").as_posix()))
    by_key = {f"{s['outlet']}/{s['path']}": s for s in stories}
    for s in stories:
        if "body_from" in s:
            source = by_key.get(s.pop("body_from"))
            if source is None or "body_from" in source:
                raise StoryDataError(f"{s['outlet']}/{s['path']}: body_from must name a story with a body")
            s["body"] = source["body"]
    return stories


def linked(stories: list[dict]) -> set[str]:
    """The ``<outlet>/<path>`` of every story another story's ``links`` points to."""
    return {target for s in stories for target in s.get("links", {}).values()}


def lang_key(outlet: dict) -> str:
    """The UI and comment language of an outlet's pages: "en" or "es"."""
    return "es" if outlet["lang"].startswith("es") else "en"


def when(s: dict) -> datetime:
    """A story's publication time (timezone-aware)."""
    return datetime.fromisoformat(s["date"])


def rel_path(s: dict) -> str:
    """A story's path on the site, e.g. ``/ntm-wire/2017/06/x.html``."""
    return f"/{s['outlet']}/{s['path']}.html"


def url_of(s: dict) -> str:
    """A story's absolute URL, with the ``{{BASE}}`` placeholder."""
    return BASE + rel_path(s)


def check_stories(stories: list[dict], outlets: dict[str, dict]) -> None:
    """Catch data mistakes early: unique paths, valid outlets, sane sizes and dates."""
    seen = set()
    for s in stories:
        key = rel_path(s)
        assert key not in seen, f"duplicate path {key}"
        seen.add(key)
        assert s["outlet"] in outlets, key
        assert when(s).tzinfo is not None and 2017 <= when(s).year <= 2018, key
        assert 4 <= len(s["body"]) <= 8, f"{key}: {len(s['body'])} paragraphs"
        assert set(s["topics"]) <= TOPICS, key
    keys = {f"{s['outlet']}/{s['path']}" for s in stories}
    for s in stories:
        for phrase, target in s.get("links", {}).items():
            assert target in keys, f"{rel_path(s)}: links to {target}, which is not a story"
            assert any(phrase in p for p in s["body"]), f"{rel_path(s)}: no {phrase!r} in its body"
    for slug, o in outlets.items():
        for other in o.get("cross_listed", []):
            assert other in keys, f"{slug}: cross_listed {other} is not a story"


OUTLETS: dict[str, dict] = load_outlets()
UI, COMMENTS = load_furniture()
EVAL_EXTRA: list[dict] = load_eval_extra()
STORIES: list[dict] = load_stories(OUTLETS)
