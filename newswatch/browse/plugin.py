"""newswatch's Datasette plugin: the desk, readable cells, and the item page.

Registered once per process on Datasette's plugin manager by
:func:`newswatch.browse.make_datasette`. Each hook acts only on the database
named in the metadata's ``plugins.newswatch.database``, so any other
Datasette in the same process is left alone.

- routes: the desk at ``/`` (:mod:`.desk`), Datasette's index at ``/-/datasette``;
- cells: snippets with hits marked, titles linked to the article, times in the
  configured time zone, JSON terms as text (:mod:`.cells`);
- the stories table asked for with no options shows the stories a rule
  matched, newest first (any query string shows what it asks for);
- template variables for the item page and the items table's lead columns.

Feed text is untrusted: every value is escaped first, and only the matcher's
«hit» marks become ``<mark>`` afterwards.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from datasette import hookimpl
from datasette.utils import escape_fts, tilde_encode
from datasette.utils.asgi import asgi_send_redirect
from markupsafe import Markup

from ..storage import wrap_connection
from .cells import highlight, local_time, safe_link, terms_text, time_cell
from .desk import WINDOWS, datasette_index, desk, rule_chart
from .export import terms_list
from .metadata import PLUGIN_NAME, plugin_settings, plugin_zone

__all__ = ["PLUGIN_NAME", "highlight", "safe_link"]

#: What /<db>/stories shows when asked with no options.
STORIES_DEFAULT = "rules__notblank=1&_sort_desc=newest"

#: Columns holding UTC ISO times (besides every ``*_at``).
_TIME_COLUMNS = {"published", "lastmod", "newest", "first_published", "atom_updated"}


def _ours(datasette, database: str | None) -> bool:
    return database is not None and plugin_settings(datasette).get("database") == database


def _keys(row) -> list[str]:
    try:
        return list(row.keys())
    except AttributeError:
        return []


@hookimpl
def register_routes(datasette):
    if not plugin_settings(datasette).get("database"):
        return []
    return [(r"^/$", desk), (r"^/-/datasette$", datasette_index)]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def stories_default(scope, receive, send):
            name = plugin_settings(datasette).get("database")
            if (scope["type"] == "http" and name and not scope.get("query_string")
                    and scope.get("path") == datasette.urls.table(name, "stories")):
                await asgi_send_redirect(send, f"{scope['path']}?{STORIES_DEFAULT}")
                return
            await app(scope, receive, send)

        return stories_default

    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str) or not _ours(datasette, database):
        return None
    if column == "snippet":
        # Snippets in tables and canned queries: show the hits, escape the rest.
        return highlight(value)
    if column == "item_id" and table is None:
        # Canned queries: link each item to its page (tables do this via the foreign key).
        href = datasette.urls.row(database, "items", tilde_encode(value))
        return Markup('<a href="{}">{}</a>').format(href, value)
    keys = _keys(row)
    if column == "title" and "url" in keys:
        link = safe_link(row["url"])
        cell = Markup('<a href="{}" rel="noopener noreferrer nofollow">{}</a>').format(link, value) \
            if link else Markup("{}").format(value)
        # Canned queries hide item_id: the title leads to the item page too. (A
        # table's rows link to their page through the primary key already.)
        item_id = row["item_id"] if "item_id" in keys else None
        if isinstance(item_id, str):
            href = datasette.urls.row(database, "items", tilde_encode(item_id))
            cell += Markup(' <a class="newswatch-details" href="{}">(matches)</a>').format(href)
        return cell
    if column in ("terms", "fields"):
        return terms_text(value)
    if column in _TIME_COLUMNS or column.endswith("_at"):
        return time_cell(value, plugin_zone(datasette))
    return None


@hookimpl
def extra_template_vars(view_name, table, database, datasette, request):
    if not _ours(datasette, database):
        return {}
    tz = plugin_zone(datasette)
    if view_name == "table" and table == "items":
        return {"newswatch_lead": _lead(datasette, database, request, tz), "newswatch_tz": tz.key}
    if table is None:
        async def newswatch_rule_chart(rule: str) -> Markup:
            """A rule page's chart of the stories it matched per day."""
            db = datasette.get_database(database)
            return await db.execute_fn(lambda conn: rule_chart(wrap_connection(conn), rule, tz))

        return {"newswatch_rule_chart": newswatch_rule_chart, "newswatch_tz": tz.key,
                "newswatch_days": WINDOWS[0]}
    if view_name != "row" or table != "items":
        return {"newswatch_tz": tz.key}

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

    return {"newswatch_item": newswatch_item, "newswatch_tz": tz.key}


# FTS5 snippet(): column -1 picks the column with the best hit; «» are the
# marks highlight() turns into <mark>, as for the rules' own snippets.
_HITS_SQL = """select i.id, snippet(items_fts, -1, '«', '»', '…', 24) as hit
from items_fts join items i on i.rowid = items_fts.rowid
where items_fts match :q and i.id in (select value from json_each(:ids))"""

_MATCHED_SQL = """select item_id, group_concat(rule, ', ') as rules,
  (select m2.snippet from matches m2 where m2.item_id = m.item_id order by m2.rule limit 1) as snippet
from matches m where item_id in (select value from json_each(:ids)) group by item_id"""


def _lead(datasette, database: str, request, tz: ZoneInfo):
    """The items table's rows as a reader leads with them: title, outlet, date, evidence."""
    import json

    async def newswatch_lead(rows) -> list[dict[str, Any]]:
        # Expanded foreign keys (the source) arrive as {"value": ..., "label": ...}.
        rows = [{k: v.get("value") if isinstance(v, dict) else v for k, v in zip(r.keys(), r)}
                for r in rows]
        ids = json.dumps([r.get("id") for r in rows])
        db = datasette.get_database(database)
        hits: dict[str, str] = {}
        query = (request.args.get("_search") or "").strip() if request else ""
        if query:
            raw = request.args.get("_searchmode") == "raw"
            try:
                result = await db.execute(_HITS_SQL, {"q": query if raw else escape_fts(query), "ids": ids})
                hits = {r["id"]: r["hit"] for r in result}
            except Exception:  # a raw FTS query Datasette already reported as invalid
                hits = {}
        matched = {r["item_id"]: r for r in await db.execute(_MATCHED_SQL, {"ids": ids})}
        lead = []
        for r in rows:
            m = matched.get(r.get("id"))
            summary = (r.get("summary") or "")[:240]
            evidence = hits.get(r.get("id")) or (m["snippet"] if m else None)
            lead.append({
                "id": r.get("id"),
                "href": datasette.urls.row(database, "items", tilde_encode(str(r.get("id")))),
                "title": r.get("title") or r.get("url"),
                "link": safe_link(r.get("url")),
                "source": r.get("source"),
                "lang": r.get("lang"),
                "when": local_time(r.get("published"), tz) if r.get("published") else "",
                "fetched": local_time(r.get("fetched_at"), tz),
                "evidence": highlight(evidence) if evidence else Markup("{}").format(summary),
                "from_search": r.get("id") in hits,
                "rules": m["rules"] if m else "",
            })
        return lead

    return newswatch_lead
