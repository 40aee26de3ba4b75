"""How newswatch's values read in HTML: hit marks, links, local times, terms.

Feed text is untrusted: every value is escaped first, and only the matcher's
«hit» marks become ``<mark>`` afterwards. Links are made only to http(s).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ..rules import mark_hits
from ..schedule import parse_time
from .export import terms_list


def highlight(snippet: Any) -> Markup:
    """Escape a snippet, then turn the matcher's «hits» into ``<mark>`` elements."""
    # Markup(...) is safe: every piece was escaped by escape() or format().
    return Markup(mark_hits(snippet, Markup("<mark>{}</mark>").format, escape))


def safe_link(url: Any) -> str | None:
    """The URL if it is http(s), else None: a feed's ``javascript:`` link never becomes a link."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def local_time(value: Any, tz: ZoneInfo) -> str:
    """A stored UTC ISO time as local ``YYYY-MM-DD HH:MM``; other values as given."""
    if not isinstance(value, str) or len(value) < 16 or value[4:5] != "-":
        return "" if value is None else str(value)
    try:
        moment = parse_time(value)
    except ValueError:
        return value
    assert moment is not None
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def time_cell(value: str, tz: ZoneInfo) -> Markup | None:
    """A UTC time cell shown in local time, the stored value in its tooltip."""
    shown = local_time(value, tz)
    if shown == value:
        return None
    return Markup('<time datetime="{v}" title="{v} (UTC)">{s}</time>').format(v=value, s=shown)


def terms_text(value: str) -> str:
    """A JSON array of terms as plain text: ``baldetti, roxana baldetti``."""
    return ", ".join(terms_list(value))
