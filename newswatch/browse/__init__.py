"""Browse, search and subscribe: Datasette on the newswatch database, and exports.

The one door of newswatch.browse:

- :func:`datasette_metadata` — titles, descriptions, labels, facets, search and
  canned queries (one per rule, each with an Atom feed) generated from a config;
- :func:`make_datasette` — a configured Datasette, for in-process use and tests;
- :func:`serve` — run it on 127.0.0.1 (``newswatch serve``);
- :func:`export_items` / :func:`export` — items as CSV, JSON lines or Atom
  (``newswatch export``).

Errors: :class:`BrowseError` (no database to serve) and its subclass
:class:`ExportError` (unknown format or rule, unreadable date).

Reads the rules' names, queries and topics from the config; never compiles them.
"""

from __future__ import annotations

import logging

from .errors import BrowseError, ExportError
from .export import FORMATS, export, export_items, normalize_since
from .metadata import database_name, datasette_metadata, rule_query_name
from .server import make_datasette, serve

__all__ = [
    "BrowseError",
    "ExportError",
    "FORMATS",
    "database_name",
    "datasette_metadata",
    "export",
    "export_items",
    "make_datasette",
    "normalize_since",
    "rule_query_name",
    "serve",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
