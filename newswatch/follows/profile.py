"""What a seed article is known by: its addresses, sentences, names and figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newswatch.formats.articles import extract_article
from newswatch.formats.htmltext import text_paragraphs

from .aliases import alias_key, aliases
from .names import Name, find_figures, find_names
from .quotes import quotable


@dataclass(frozen=True)
class SeedProfile:
    """The seed article as :func:`newswatch.follows.follows` looks for it.

    ``aliases`` are its addresses (canonical, declared canonical, AMP and
    mobile spellings), ``keys`` their :func:`alias_key` spellings;
    ``sentences`` its quotable sentences; ``names`` its distinctive people,
    places and institutions, then its figures.
    """

    url: str
    title: str
    aliases: tuple[str, ...]
    keys: frozenset[str]
    sentences: tuple[str, ...]
    names: tuple[Name, ...] = field(default=())

    @property
    def people(self) -> tuple[Name, ...]:
        """The names that are people's."""
        return tuple(n for n in self.names if n.kind == "person")

    @property
    def figures(self) -> tuple[Name, ...]:
        """The amounts and numbers."""
        return tuple(n for n in self.names if n.kind == "figure")


def _looks_like_html(page: str | bytes) -> bool:
    head = page[:2000].lower() if isinstance(page, str) else page[:2000].decode("latin-1").lower()
    return bool(re.search(r"<(?:html|body|p|article|div|head)\b", head))


def profile(url: str, page: str | bytes, *, content_type: str | None = None,
            title: str = "") -> SeedProfile:
    """The :class:`SeedProfile` of the article at ``url``.

    ``page`` is the fetched page (HTML, as bytes or text: its text is
    extracted with :func:`newswatch.formats.extract_article`, the crawlers'
    trafilatura path, and its ``rel=canonical`` becomes an alias) or the
    article's plain text, paragraphs separated by blank lines.
    """
    declared = None
    if _looks_like_html(page):
        article = extract_article(page, url, content_type)
        body = article["body"] or ""
        title = title or article["title"] or ""
        declared = article["canonical_url"]
    else:
        body = text_paragraphs(page.decode("utf-8") if isinstance(page, bytes) else page)
        first = body.split("\n\n", 1)[0]
        if not title and len(first) < 200 and not re.search(r"[.!?:\"”]$", first):
            title = first  # a plain text's heading line is its title
    addresses = aliases(url, declared)
    text = body if not title or body.startswith(title) else f"{title}\n\n{body}"
    return SeedProfile(
        url=url, title=title, aliases=addresses,
        keys=frozenset(alias_key(a) for a in addresses),
        sentences=tuple(quotable(text)) + ((title,) if len(title.split()) >= 6 else ()),
        names=tuple(find_names(text)) + tuple(find_figures(text)),
    )
