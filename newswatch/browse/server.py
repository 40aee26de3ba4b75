"""Datasette on the newswatch database: building it and serving it.

:func:`make_datasette` returns a configured :class:`datasette.app.Datasette`
(usable in-process through ``ds.client``); :func:`serve` runs it under uvicorn,
the way ``datasette serve`` does, on 127.0.0.1 by default.

Read-only: Datasette 0.65 opens a mutable database file with ``mode=ro`` for
every query, and newswatch defines no writable canned query, so nothing served
can change the database. The file stays mutable (not ``immutable``) so pages
show what a crawl writing at the same time has committed (WAL).

Only for its own address: :class:`HostGuard` answers 421 to a request whose
``Host`` header names anything but the address the server is bound to,
localhost, 127.0.0.1 or [::1] (with the port). A page on another site that
re-points its DNS name at 127.0.0.1 (DNS rebinding) would otherwise read the
whole database through the victim's browser.
"""

from __future__ import annotations

import socket
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils import call_with_supported_arguments
from datasette.utils.asgi import Response

from ..schedule import now_iso
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
    now = now_iso()
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


#: Names that always reach this machine and no attacker's DNS controls.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARDS = ("", "0.0.0.0", "::")


def _host_name(name: str) -> str:
    """A host name or address as compared: lower case, no brackets, no trailing dot."""
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.startswith("::ffff:") and "." in name:  # IPv4 seen through an IPv6 socket
        name = name[len("::ffff:"):]
    return name[:-1] if name.endswith(".") else name


def _split_host_header(value: str) -> tuple[str, int | None] | None:
    """``'example.org:8001'`` -> ``('example.org', 8001)``; ``'[::1]'`` -> ``('::1', None)``; None if malformed."""
    value = value.strip()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:] if rest else None
    elif value.count(":") == 1:
        name, _, port_text = value.partition(":")
    elif ":" in value:
        return None  # an IPv6 address must be in brackets
    else:
        name, port_text = value, None
    if not name or (port_text is not None and not (port_text.isdigit() and len(port_text) <= 5)):
        return None
    return _host_name(name), int(port_text) if port_text is not None else None


def _shown_host(value: str) -> str:
    """A Host header as it may be echoed: printable ASCII, at most 100 characters."""
    text = "".join(ch if " " <= ch <= "~" else "?" for ch in value)
    return text[:100] + ("..." if len(text) > 100 else "")


class HostGuard:
    """ASGI wrapper: serve only requests whose ``Host`` names this server.

    ``names`` are the host names and addresses that may be asked for (the
    loopback names are always included); ``port`` is the port listened on.
    The address a connection actually arrived at (ASGI ``scope["server"]``)
    is accepted as well, so a server bound to 0.0.0.0 answers to its LAN
    address. Anything else - ``Host: rebind.attacker.example:8001`` from a
    DNS-rebinding page, a missing or malformed Host - gets a 421 with a
    message saying which addresses to use.
    """

    def __init__(self, app, names, port: int) -> None:
        self.app = app
        self.port = port
        # In order of preference for the refusal message: the bound address first.
        self.names = list(dict.fromkeys(
            _host_name(n) for n in (*names, *LOOPBACK_NAMES) if _host_name(n) not in _WILDCARDS
        ))

    def allows(self, host: str | None, local: str | None = None) -> bool:
        parsed = _split_host_header(host) if host else None
        if parsed is None:
            return False
        name, port = parsed
        if (port if port is not None else 80) != self.port:
            return False
        return name in self.names or (local is not None and name == _host_name(local))

    def addresses(self) -> list[str]:
        """How to reach this server, for the refusal message."""
        return [f"[{n}]:{self.port}" if ":" in n else f"{n}:{self.port}" for n in self.names]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        hosts = [v.decode("latin-1") for k, v in scope.get("headers") or [] if k.lower() == b"host"]
        local = (scope.get("server") or (None,))[0]
        if len(hosts) == 1 and self.allows(hosts[0], local):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        asked = repr(_shown_host(hosts[0])) if len(hosts) == 1 else ("none" if not hosts else "several")
        addresses = self.addresses()
        body = (
            f"newswatch serve refused a request for the host {asked}:\n"
            f"it answers only to {', '.join(addresses)}.\n"
            "A page on another site may be trying to read the database through your\n"
            f"browser (DNS rebinding). Open http://{addresses[0]}/ instead; a reverse\n"
            f"proxy in front of newswatch must pass Host: {addresses[0]}.\n"
        ).encode()
        await send({
            "type": "http.response.start",
            "status": 421,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        })
        await send({"type": "http.response.body", "body": body})


def _allowed_names(host: str, bound_host: str) -> list[str]:
    """The names a server listening on ``host`` (bound to ``bound_host``) answers to."""
    names = [bound_host, host]
    if _host_name(host) in _WILDCARDS:
        # Every interface: the machine's own names too (its addresses are
        # accepted per connection, see HostGuard).
        names += [socket.gethostname(), socket.getfqdn()]
    return names


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


def _desk_url(url: str) -> str:
    """``http://127.0.0.1:8001/nw`` -> ``http://127.0.0.1:8001/``, where the desk is."""
    return url[: url.index("/", len("http://"))] + "/"


def _announce(url: str) -> None:
    print(f"Serving newswatch at {_desk_url(url)} (the desk); the database: {url}  (Ctrl+C to stop)",
          flush=True)


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
    the database's URL (default: print the desk's URL, ``/``, and it). Bound to 127.0.0.1 unless ``host``
    says otherwise: anyone who can reach the port can read the whole database.
    Requests whose Host header names another site are refused (:class:`HostGuard`).
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
        webbrowser.open(_desk_url(url))
    app = HostGuard(ds.app(), _allowed_names(host, bound_host), bound_port)
    server = uvicorn.Server(uvicorn.Config(app, interface="asgi3", log_level=log_level, lifespan="on"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
