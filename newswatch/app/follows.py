"""Following a story (``newswatch follow URL``): the seed article read, a
``[[follows]]`` table planned from it, then appended to the config file.

The page is fetched like ``sources add`` fetches (robots.txt obeyed, a time
limit) and profiled by :mod:`newswatch.follows`, so the user sees what
newswatch will look for before anything is written. The table holds only
the name and the URL as the user gave it, both made inert by
:mod:`.config_write`; the page's title goes into a one-line comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import NAME_RE, Config
from ..errors import InvalidInput
from .config_write import NewSource, append_sources, new_source, one_line, slug
from .loading import ConfigLike, as_config

#: Less main text than this (characters) and the page is not read as an article.
MIN_ARTICLE_CHARS = 500


class FollowError(InvalidInput):
    """The story cannot be followed: the URL cannot be read, is not an article,
    or the name or URL is followed already (exit code 2)."""


@dataclass
class FollowPlan:
    """A ``[[follows]]`` table to append to ``config_path``, and what it will look for.

    ``canonical`` and ``aliases`` are the seed's addresses; ``sentences`` a
    few of its quotable sentences; ``people``, ``names`` and ``figures`` its
    distinctive names and amounts (from :func:`newswatch.follows.profile`).
    """

    config_path: Path
    table: NewSource
    title: str
    canonical: str = ""
    aliases: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name the story is followed under (its matches: ``follow:<name>``)."""
        return str(self.table.fields["name"])


def _fetch(url: str, config: Config, max_time: float) -> tuple[str, bytes, str]:
    """The page's URL after redirects, its body and Content-Type; FollowError when unreadable."""
    from ..discovery import DiscoveryError, DiscoveryTimeout, fetch_page

    try:
        page = fetch_page(url, config.crawl.user_agent, timeout=config.crawl.timeout_s,
                          max_time=max_time)
    except DiscoveryTimeout:
        raise FollowError(f"{url}: gave up after {max_time:g} s: the site answers "
                          "too slowly; try again later") from None
    except DiscoveryError as exc:
        raise FollowError(str(exc)) from None
    looks_html = page.content.lstrip()[:1] == b"<" and b"<rss" not in page.content[:500]
    if "html" not in page.content_type.lower() and not looks_html:
        raise FollowError(f"{url}: not an article: the server sent "
                          f"{page.content_type or 'no Content-Type'}, not an HTML page")
    return page.url, page.content, page.content_type


def _not_followed(config: Config, url: str, keys: Any) -> None:
    """FollowError when a [[follows]] table has one of the seed's addresses."""
    from ..follows import alias_key

    for f in config.follows:
        if alias_key(f.url) in keys:
            raise FollowError(f"{url} is followed already, as {f.name!r} ({f.file}:{f.line})")


def _profile_lists(seed: Any) -> dict[str, Any]:
    """What the profile will look for, as plain strings."""
    return {"canonical": seed.aliases[0], "aliases": list(seed.aliases[1:]),
            "sentences": list(seed.sentences),
            "people": [n.text for n in seed.people],
            "names": [n.text for n in seed.names if n.kind not in ("person", "figure")],
            "figures": [n.text for n in seed.figures]}


def follow(config: ConfigLike, url: str, *, name: str | None = None,
           max_time: float = 60) -> FollowPlan:
    """Plan a ``[[follows]]`` table for the article at ``url``.

    Nothing is written: pass the plan to :func:`write_follow`. Raises
    :class:`FollowError` when the page cannot be fetched or holds no article,
    when ``name`` is not a valid name or is taken, or when the URL is
    followed already.
    """
    from ..follows import alias_key, profile
    from ..formats.articles import extract_article

    config = as_config(config)
    taken = {f.name for f in config.follows}
    if name is not None:
        if not NAME_RE.match(name):
            raise FollowError(f"--name {name!r}: use lower-case letters, digits and "
                              "hyphens, like \"miami-2017\"")
        if name in taken:
            raise FollowError(f"--name {name!r}: a story is followed under that name "
                              f"already in {config.path}; choose another")
    try:
        table_url = new_source({"url": url}).fields["url"]
    except ValueError as exc:
        raise FollowError(f"{url}: cannot be followed: {exc}") from None
    _not_followed(config, url, {alias_key(table_url)})
    final_url, body, content_type = _fetch(table_url, config, max_time)
    article = extract_article(body, final_url, content_type)
    text = article.get("body") or ""
    if len(text) < MIN_ARTICLE_CHARS:
        raise FollowError(f"{url}: not an article: the page holds {len(text)} characters "
                          f"of main text (at least {MIN_ARTICLE_CHARS} are needed)")
    seed = profile(final_url, body, content_type=content_type)
    _not_followed(config, url, seed.keys)  # it may be known by its canonical URL
    title = article.get("title") or ""
    chosen = name or slug(title, taken, fallback="story")
    # The title is the page's: a comment of one line, cut to fit 80 columns.
    table = new_source({"name": chosen, "url": table_url},
                       comment=one_line(f"newswatch follow: {title}" if title else "newswatch follow", 78),
                       table="follows")
    return FollowPlan(Path(config.path), table, title=title, **_profile_lists(seed))


def write_follow(plan: FollowPlan) -> Config:
    """Append the plan's table to its config file; returns the configuration as loaded after.

    The file is left as it was when the result would not read back as
    exactly the old file plus this table, or no longer loads (see
    :func:`~newswatch.app.config_write.append_sources`).
    """
    return append_sources(plan.config_path, [plan.table])
