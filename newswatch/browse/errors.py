"""Errors of newswatch.browse.

BrowseError                 nothing to serve or export (no database yet), or a server that cannot start
└── ExportError             an export cannot be made as asked: unknown format, rule or unreadable date

Messages name the file or value at fault and say what would work.
"""

from __future__ import annotations


class BrowseError(Exception):
    """The database cannot be browsed or exported; the message says why and what to do."""


class ExportError(BrowseError, ValueError):
    """An export cannot be made as asked: unknown format, unknown rule or a bad ``since``."""
