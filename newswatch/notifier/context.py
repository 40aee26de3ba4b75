"""What a message says, before any template: names, times and reasons.

- :class:`Labels`: what the configuration says about names and time (the
  outlet's display name, each rule's description, the time zone).
- :func:`alert_context`: the alert rows of one article for one tag (one
  row per rule that matched it) -> one message's template context.
- :func:`deciding_terms`: the few words that decided a match, as the reader
  sees them in the snippet.
- :func:`format_when`: a stored UTC time in the configured zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from ..config import outlet_name, outlet_titles
from ..rules import mark_hits
from ..schedule import get_timezone, parse_time

__all__ = ["Labels", "alert_context", "deciding_terms", "format_when", "rules_of"]

#: At most this many deciding terms per rule in a message.
MAX_TERMS = 4
#: At most this many evidence snippets in one message.
MAX_SNIPPETS = 2

# A term the matcher reports through an alias: '@us_aid (security assistance)'.
_ALIAS_TERM = re.compile(r"^@[\w-]+\s*\((.*)\)\s*$")


@dataclass(frozen=True)
class Labels:
    """Names and time as the configuration gives them, for messages."""

    timezone: str = "UTC"
    outlets: Mapping[str, str] = field(default_factory=dict)  # source name -> its title
    descriptions: Mapping[str, str] = field(default_factory=dict)  # rule name -> description

    @classmethod
    def from_config(cls, config: Any) -> Labels:
        """From a loaded :class:`newswatch.config.Config`."""
        return cls(
            timezone=config.notify.timezone,
            outlets=outlet_titles(config.sources),
            descriptions={r.name: r.description for r in config.rules
                          if getattr(r, "description", None)},
        )

    @property
    def zone(self) -> ZoneInfo:
        return get_timezone(self.timezone)

    def outlet(self, source: str | None, feed_title: str | None = None) -> str:
        """The source's ``title`` from the config, else the feed's own title, else its name."""
        return outlet_name(source, feed_title, self.outlets, unknown="unknown source")


def format_when(value: Any, zone: ZoneInfo) -> str:
    """'2026-11-27T18:05:00Z' in America/Guatemala -> '27 Nov 2026 12:05 CST (UTC-6)'."""
    if not value:
        return "date unknown"
    text = str(value)
    try:
        moment = parse_time(text)
    except ValueError:
        return text
    local = moment.astimezone(zone)
    delta = local.utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    offset = "UTC" if minutes == 0 else f"UTC{sign}{hours}" + (f":{rest:02}" if rest else "")
    abbr = local.tzname() or ""
    # tzdata writes numeric "abbreviations" ("-03") for zones without a name.
    zone_text = f"{abbr} ({offset})" if abbr and abbr[0] not in "+-" and abbr != offset else offset
    return f"{local.strftime('%d %b %Y %H:%M').lstrip('0')} {zone_text}"


def deciding_terms(snippet: Any, terms: Iterable[Any] = (), limit: int = MAX_TERMS) -> list[str]:
    """The words that decided a match as the text has them: the snippet's «hits».

    Case-insensitively distinct, in order, at most ``limit``. When the
    snippet marks none, the matched query terms (an alias term shows as the
    words it matched, not the alias's name).
    """
    hits: list[str] = []
    mark_hits(snippet, lambda part: hits.append(part) or "", lambda _text: "")
    if not any(h.strip() for h in hits):
        hits = []
        for term in terms or ():
            text = str(term)
            alias = _ALIAS_TERM.match(text)
            hits.append(alias.group(1) if alias else text)
    out: list[str] = []
    seen: set[str] = set()
    for hit in hits:
        shown = " ".join(hit.split()).strip(" \"'")
        key = shown.casefold()
        if shown and key not in seen:
            seen.add(key)
            out.append(shown)
        if len(out) >= limit:
            break
    return out


def rules_of(rows: Iterable[dict[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    """One entry per rule among ``rows`` (alert rows with their match), first seen first."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row.get("rule") or ""
        if name in out:
            continue
        out[name] = {
            "name": name,
            "topic": row.get("topic"),
            "description": labels.descriptions.get(name),
            "terms": deciding_terms(row.get("snippet"), row.get("terms") or ()),
            "snippet": row.get("snippet"),
        }
    return list(out.values())


def label_of(rules: list[dict[str, Any]]) -> str:
    """'TPS, corruption': the topics (or rule names) of a message, each once."""
    return ", ".join(dict.fromkeys(r["topic"] or r["name"] for r in rules)) or "alert"


def snippets_of(rules: list[dict[str, Any]], limit: int = MAX_SNIPPETS) -> list[str]:
    """The rules' evidence snippets, each passage once, at most ``limit``.

    Two rules often quote the same passage with different words marked: it
    is shown once, as the rule that marked the most words had it. A snippet
    whose every window another one already quotes (one rule's window is one
    of the two of another's) is left out.
    """
    best: dict[str, str] = {}
    for rule in rules:
        snippet = rule.get("snippet")
        if not snippet:
            continue
        passage = " ".join(mark_hits(snippet, str).split())
        held = best.get(passage)
        if held is None or str(snippet).count("«") > held.count("«"):
            best[passage] = str(snippet)
    kept = [p for p in best if not any(o != p and _within(p, o) for o in best)]
    return [best[p] for p in kept][:limit]


def _within(passage: str, other: str) -> bool:
    """Whether each window of ``passage`` (windows are joined by " ... ") is quoted in ``other``."""
    windows = passage.removeprefix("... ").removesuffix(" ...").split(" ... ")
    return all(w in other for w in windows)


def alert_context(alerts: list[dict[str, Any]], labels: Labels) -> dict[str, Any]:
    """The template context of one message: the rows of one article for one tag.

    ``rules`` lists every rule that matched (name, topic, description,
    terms, snippet); ``rule``, ``topic``, ``terms`` and ``snippet`` are the
    first rule's, for templates written for one rule per message.
    """
    lead = alerts[0]
    rules = rules_of(alerts, labels)
    first = rules[0]
    return {
        "alert": lead,
        "alerts": alerts,
        **{key: lead.get(key) for key in ("title", "url", "published", "summary", "tag", "lang")},
        "source": labels.outlet(lead.get("source"), lead.get("feed_title")),
        "source_name": lead.get("source"),
        "rules": rules,
        "label": label_of(rules),
        "rule": first["name"],
        "topic": first["topic"],
        "terms": first["terms"],
        "snippet": first["snippet"],
        "snippets": snippets_of(rules),
        "fields": list(lead.get("fields") or []),
    }
