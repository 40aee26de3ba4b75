"""Coverage charts drawn on the server as SVG: no script, no network.

A chart is one bar per day (stories a topic matched), with the day's
figures in each bar's ``<title>`` (the browser shows it on hover) and in
``data-*`` attributes for tests and for anyone saving the SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 140
_LEFT, _RIGHT, _TOP, _BOTTOM = 34, 8, 10, 22


def _label(day: date) -> str:
    return day.strftime("%d %b")  # "20 Jun"; the year is in the caption


def coverage_svg(days: Sequence, title: str) -> Markup:
    """An SVG bar chart of ``days`` (DayCount-like rows of one key, oldest first).

    Each row needs ``day``, ``stories``, ``items``, ``all_items`` and
    ``share``. Every row gets a ``<rect class="day">``, a zero-height one
    for a day with nothing, so a quiet day shows as a gap, not as absent.
    """
    n = max(len(days), 1)
    top = max([d.stories for d in days] + [1])
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    step = plot_w / n
    bar_w = max(step * 0.8, 1.0)
    parts = [
        Markup('<svg xmlns="http://www.w3.org/2000/svg" class="newswatch-chart" '
               'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
               'aria-label="{title}">').format(w=WIDTH, h=HEIGHT, title=title),
        Markup("<title>{}</title>").format(title),
        # Axis: the baseline and the top value, so bar heights read as counts.
        Markup('<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="#999"/>').format(
            x=_LEFT, x2=WIDTH - _RIGHT, y=_TOP + plot_h),
        Markup('<text x="{x}" y="{y}" font-size="10" text-anchor="end" fill="#555">{v}</text>').format(
            x=_LEFT - 4, y=_TOP + 8, v=top),
        Markup('<text x="{x}" y="{y}" font-size="10" text-anchor="end" fill="#555">0</text>').format(
            x=_LEFT - 4, y=_TOP + plot_h),
    ]
    for i, d in enumerate(days):
        height = plot_h * d.stories / top
        x = _LEFT + i * step + (step - bar_w) / 2
        about = (f"{d.day.isoformat()}: {d.stories} stories, {d.items} matched items "
                 f"of {d.all_items} from the same outlets ({d.share:.1%})")
        parts.append(Markup(
            '<rect class="day" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#3b6ea8" '
            'data-day="{day}" data-stories="{s}" data-items="{i}" data-all-items="{a}" data-share="{sh}">'
            "<title>{about}</title></rect>"
        ).format(x=x, y=_TOP + plot_h - height, w=bar_w, h=height, day=d.day.isoformat(),
                 s=d.stories, i=d.items, a=d.all_items, sh=d.share, about=about))
    if days:
        # First, middle and last day under the axis.
        for i in sorted({0, len(days) // 2, len(days) - 1}):
            anchor = "start" if i == 0 else "end" if i == len(days) - 1 else "middle"
            x = _LEFT + i * step + (0 if anchor == "start" else step if anchor == "end" else step / 2)
            parts.append(Markup(
                '<text x="{x:.1f}" y="{y}" font-size="10" text-anchor="{a}" fill="#555">{t}</text>'
            ).format(x=x, y=HEIGHT - 6, a=anchor, t=_label(days[i].day)))
    parts.append(Markup("</svg>"))
    return Markup("").join(escape(p) for p in parts)
