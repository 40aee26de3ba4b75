"""Datasette on the newswatch database: building it and serving it.

:func:`make_datasette` returns a configured :class:`datasette.app.Datasette`
(usable in-process through ``ds.client``); :func:`serve` runs it under uvicorn,
the way ``datasette serve`` does, on 127.0.0.1 by default.

Read-only: Datasette 0.65 opens a mutable database file with ``mode=ro`` for
every query, and newswatch defines no writable canned query, so nothing served
can change the database. The file stays mutable (not ``immutable``) so pages
show what a crawl writing at the same time has committed (WAL).
"""

from __future__ import annotations

import socket
import sys
import webbrowser
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape as xml_escape

from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils import call_with_supported_arguments
from datasette.utils.asgi import Response

from . import plugin
from .errors import BrowseError
from .metadata import database_name, datasette_metadata

TEMPLATES = Path(__file__).parent / "templates"

#: Datasette settings newswatch changes from Datasette's defaults.
SETTINGS: dict[str, Any] = {
    # Faceting items by source, lang and day on a big database takes a while.
    "facet_time_limit_ms": 1000,
    # Article bodies are long; the item page shows them whole.
    "truncate_cells_html": 300,
}


def _register_plugin() -> None:
    # Datasette's plugin manager is per process; register once.
    if pm.get_plugin(plugin.PLUGIN_NAME) is None:
        pm.register(plugin, name=plugin.PLUGIN_NAME)


def _empty_atom(title: str, feed_id: str) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{xml_escape(feed_id)}</id>\n"
        f"  <title>{xml_escape(title)}</title>\n"
        f"  <updated>{now}</updated>\n"
        f'  <link href="{xml_escape(feed_id, {chr(34): "&quot;"})}" rel="self"/>\n'
        "  <author><name>newswatch</name></author>\n"
        "</feed>\n"
    )


def _allow_empty_atom_feeds(ds: Datasette) -> None:
    """Serve a valid, empty feed for a rule with no matches yet.

    datasette-atom 0.9 computes the feed's <updated> as max() over the rows
    and fails with a 500 when there are none; a reader subscribed to a new
    rule's feed should get an empty feed instead.
    """
    if "atom" not in ds.renderers:
        return  # datasette-atom not installed: no .atom links at all
    render, can_render = ds.renderers["atom"]

    def render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
        if rows:
            return call_with_supported_arguments(
                render, datasette=datasette, request=request, sql=sql, columns=columns,
                rows=rows, database=database, table=table, query_name=query_name,
                view_name=view_name, data=data,
            )
        title = sql
        if query_name:
            queries = (datasette.metadata(database=database) or {}).get("queries") or {}
            title = (queries.get(query_name) or {}).get("title") or query_name
        return Response(
            _empty_atom(title or "newswatch", request.url),
            content_type="application/xml; charset=utf-8",
        )

    ds.renderers["atom"] = (render_atom, can_render)


def make_datasette(config, *, settings: dict[str, Any] | None = None, migrate: bool = True) -> Datasette:
    """A Datasette on ``config.database`` with newswatch's metadata, templates and plugin.

    Brings the schema up to date first (``migrate``), so that the metadata's
    tables and columns exist. Raises :class:`BrowseError` when there is no
    database yet.
    """
    path = Path(config.database)
    if not path.exists():
        raise BrowseError(
            f"no database at {path}: run `newswatch run` (or `newswatch demo`) first, "
            "or point `database` in the config at an existing file"
        )
    if migrate:
        from newswatch.storage import StorageError, open_db

        try:
            open_db(path).close()
        except StorageError as exc:
            raise BrowseError(str(exc)) from exc
    _register_plugin()
    ds = Datasette(
        [str(path)],
        metadata=datasette_metadata(config),
        template_dir=str(TEMPLATES),
        settings={**SETTINGS, **(settings or {})},
    )
    name = database_name(path)
    if name not in ds.databases:  # pragma: no cover - a name Datasette reserves (_internal)
        raise BrowseError(f"Datasette cannot serve a database named {name!r}; rename {path}")
    _allow_empty_atom_feeds(ds)
    return ds


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise BrowseError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; try another --port (0 picks a free one)"
        ) from exc
    return sock


def _announce(url: str) -> None:
    print(f"Serving newswatch in Datasette at {url}  (Ctrl+C to stop)", flush=True)


def serve(
    config,
    host: str = "127.0.0.1",
    port: int = 8001,
    open_browser: bool = False,
    *,
    on_ready: Callable[[str], None] | None = None,
    log_level: str = "warning",
) -> None:
    """Serve the database in Datasette until interrupted (SIGINT/SIGTERM stop it cleanly).

    ``port=0`` picks a free port. Once the socket listens, ``on_ready`` gets
    the database's URL (default: print it). Bound to 127.0.0.1 unless ``host``
    says otherwise: anyone who can reach the port can read the whole database.
    """
    import uvicorn

    ds = make_datasette(config)
    sock = _bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    # Datasette tilde-encodes names with dots or spaces in its URLs.
    url = f"http://{shown_host}:{bound_port}{ds.urls.database(database_name(config.database))}"
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: serving on {host}: anyone who can reach port {bound_port} can read the database",
            file=sys.stderr, flush=True,
        )
    (on_ready or _announce)(url)
    if open_browser:
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_level=log_level, lifespan="on"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
