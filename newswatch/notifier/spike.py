"""What a spike alert's message says: the count, the baseline, the day's top stories.

A spike alert (:mod:`newswatch.app.spikes`) is an outbox row of rule
``spike:<topic>`` whose match row carries ``fields = [{"spike": {...}}]``.
:func:`spike_of` finds that object in a claimed row; :func:`spike_context`
turns it into what the ``spike.*`` templates (and the digests' spike
section) show. The day is already a local date in the ``[notify] timezone``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from .context import Labels

__all__ = ["is_spike", "spike_context", "spike_of", "spikes_of"]

#: A spike alert's rule starts with this (``newswatch.app.spikes.PREFIX``).
PREFIX = "spike:"


def spike_of(row: dict[str, Any]) -> dict[str, Any] | None:
    """The spike a claimed alert row is about, or None for a rule's alert."""
    if not str(row.get("rule") or "").startswith(PREFIX):
        return None
    for value in row.get("fields") or ():
        if isinstance(value, dict) and isinstance(value.get("spike"), dict):
            return value["spike"]
    return None


def is_spike(row: dict[str, Any]) -> bool:
    """Whether an alert row is a spike alert (with the spike it describes)."""
    return spike_of(row) is not None


def _number(value: float) -> str:
    """1.0 -> '1', 1.43 -> '1.4': a mean as a reader says it."""
    return f"{value:.1f}".removesuffix(".0")


def _day(text: str) -> tuple[str, str]:
    """'2018-03-12' -> ('12 Mar 2018', 'Mon 12 Mar 2018')."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text, text
    return f"{day.day} {day:%b %Y}", f"{day:%a} {day.day} {day:%b %Y}"


def spike_context(spike: dict[str, Any], labels: Labels | None = None) -> dict[str, Any]:
    """The template context of one spike.

    ``headline`` ('Coverage spike: 9 stories on 12 Mar 2018 (usually 1.4 a
    day)'), ``formula`` (the test it passed, in one plain line), ``zone``,
    and ``top``: the day's top stories (title, url, outlets as one string,
    items).
    """
    labels = labels or Labels()
    stories = int(spike.get("stories") or 0)
    baseline = float(spike.get("baseline") or 0.0)
    factor = float(spike.get("factor") or 0.0)
    window = int(spike.get("window_days") or 0)
    short, long = _day(str(spike.get("day") or ""))
    count = f"{stories} {'story' if stories == 1 else 'stories'}"
    top = [{"title": t.get("title") or "(no title)", "url": t.get("url") or "",
            "outlets": ", ".join(t.get("outlets") or ()), "items": t.get("items") or 0}
           for t in spike.get("top") or ()]
    return {
        "spike": spike,
        "topic": spike.get("topic") or "",
        "day": short,
        "day_long": long,
        "zone": labels.timezone,
        "stories": stories,
        "baseline": _number(baseline),
        "headline": f"Coverage spike: {count} on {short} (usually {_number(baseline)} a day)",
        "formula": (f"{count} > {factor:g} × {_number(baseline)} (the daily mean of the "
                    f"{window} days before) and ≥ {spike.get('min_items')} (the minimum)"),
        "top": top,
    }


def spikes_of(rows: Iterable[dict[str, Any]], labels: Labels | None = None) -> list[dict[str, Any]]:
    """The spike contexts of ``rows`` (each spike once), newest day first, then by topic."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        spike = spike_of(row)
        if spike is not None:
            seen.setdefault((str(spike.get("day")), str(spike.get("topic"))),
                            spike_context(spike, labels) | {"tag": row.get("tag")})
    by_topic = sorted(seen, key=lambda k: k[1])
    return [seen[k] for k in sorted(by_topic, key=lambda k: k[0], reverse=True)]
