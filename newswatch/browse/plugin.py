"""newswatch's Datasette plugin: hit marks in snippets and the item page.

Registered once per process on Datasette's plugin manager by
:func:`newswatch.browse.make_datasette`. Each hook acts only on the database
named in the metadata's ``plugins.newswatch.database``, so any other
Datasette in the same process is left alone.

Feed text is untrusted: every value is escaped first, and only the matcher's
«hit» marks become ``<mark>`` afterwards.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from ..rules import mark_hits
from .export import terms_list

PLUGIN_NAME = "newswatch"


def highlight(snippet: Any) -> Markup:
    """Escape a snippet, then turn the matcher's «hits» into ``<mark>`` elements."""
    # Markup(...) is safe: every piece was escaped by escape() or format().
    return Markup(mark_hits(snippet, Markup("<mark>{}</mark>").format, escape))


def safe_link(url: Any) -> str | None:
    """The URL if it is http(s), else None: a feed's ``javascript:`` link never becomes a link."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def _ours(datasette, database: str | None) -> bool:
    config = datasette.plugin_config(PLUGIN_NAME) or {}
    return database is not None and config.get("database") == database


@hookimpl
def render_cell(value, column, table, database, datasette):
    if not isinstance(value, str) or not _ours(datasette, database):
        return None
    if column == "snippet":
        # Snippets in tables and canned queries: show the hits, escape the rest.
        return highlight(value)
    if column == "item_id" and table is None:
        # Canned queries: link each item to its page (tables do this via the foreign key).
        href = datasette.urls.row(database, "items", tilde_encode(value))
        return Markup('<a href="{}">{}</a>').format(href, value)
    return None


@hookimpl
def extra_template_vars(view_name, table, database, datasette):
    if view_name != "row" or table != "items" or not _ours(datasette, database):
        return {}

    async def newswatch_item(item_id: str) -> dict[str, Any]:
        """The original link and the matches of one item, for the items row page."""
        db = datasette.get_database(database)
        item = (await db.execute(
            "select url, title, source, published, fetched_at from items where id = ?",
            [item_id],
        )).first()
        rows = await db.execute(
            "select rule, topic, terms, snippet, matched_at from matches"
            " where item_id = ? order by rule",
            [item_id],
        )
        return {
            "link": safe_link(item["url"]) if item else None,
            "url": item["url"] if item else None,
            "title": item["title"] if item else None,
            "source": item["source"] if item else None,
            "published": item["published"] if item else None,
            "fetched_at": item["fetched_at"] if item else None,
            "matches": [
                {
                    "rule": r["rule"],
                    "topic": r["topic"],
                    "terms": terms_list(r["terms"]),
                    "snippet": highlight(r["snippet"]),
                    "matched_at": r["matched_at"],
                }
                for r in rows
            ],
        }

    return {"newswatch_item": newswatch_item}
