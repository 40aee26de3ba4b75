"""How the commands show results: tables, the run summary, snippets with hits.

``status`` and ``alerts list`` are laid out for 80 columns in :mod:`.status_text`.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ..app import mark_hits
from .base import CONTROLS, console, escape

#: Tables longer than this print as plain aligned text: rich took 0.3 s to lay
#: out a 1,000-source run summary, and a terminal cannot show it whole anyway.
RICH_TABLE_ROWS = 100


def print_table(title: str, columns: list[str], rows: list[tuple[list[str], str | None]],
                right: tuple[str, ...] = ()) -> None:
    """A table of plain-text cells (never read as markup); each row has an optional style."""
    rows = [([CONTROLS.sub("", c) for c in cells], style) for cells, style in rows]
    if len(rows) <= RICH_TABLE_ROWS:
        table = Table(title=title, title_justify="left")
        for col in columns:
            table.add_column(col, justify="right" if col in right else "left")
        for cells, style in rows:
            table.add_row(*(Text(c) for c in cells), style=style)
        console.print(table)
        return
    widths = [max([len(col)] + [len(cells[i]) for cells, _ in rows]) for i, col in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if col in right else c.ljust(w)
                         for c, w, col in zip(cells, widths, columns)).rstrip()

    # Unstyled lines are written as they are: rich would lay out each one again
    # (0.1 s for 200 sources, at the end of every run).
    plain = [title, line(columns), line(["-" * w for w in widths])]
    for cells, style in rows:  # consecutive unstyled rows go out in one write
        if style is None:
            plain.append(line(cells))
            continue
        _write_lines(plain)
        plain = []
        console.out(line(cells), style=style, highlight=False)
    _write_lines(plain)


def _write_lines(lines: list[str]) -> None:
    if lines:
        console.file.write("\n".join(lines) + "\n")


def print_run_summary(report) -> None:
    """The table of every source fetched, then the run's counts and the first delivery errors."""
    rows = [([f.source, f.status, str(f.items), str(f.items_new), str(f.matches_new),
              f.reason or f.warning and f"(recovered: {f.warning[:60]})" or ""], None if f.ok else "red")
            for f in sorted(report.fetches, key=lambda f: f.source)]
    print_table(f"Run {report.run_id}", ["source", "status", "fetched", "new", "matched", "error"], rows,
                right=("fetched", "new", "matched"))
    for s in report.skipped:
        console.print(f"  skipped {s}")
    c = report.counts
    console.print(
        f"{len(report.fetches)} sources fetched ({report.sources_failed} failed), "
        f"{c.get('items_new', 0)} new items, {c.get('items_updated', 0)} seen again, "
        f"{c.get('matches_new', 0)} matches, {c.get('alerts_new', 0)} alerts queued"
        + (f" ({c['alerts_muted']} held back by mutes)" if c.get("alerts_muted") else "")
        + (f", {c['spike_alerts']} coverage spike{'s' if c['spike_alerts'] != 1 else ''} queued"
           if c.get("spike_alerts") else "")
        + (f", {c['follow_ups']} follow-up{'s' if c['follow_ups'] != 1 else ''} of followed stories"
           if c.get("follow_ups") else "")
        + (f" ({c['discovered_kept']} of {c['discovered_fetched']} pages one hop out kept)"
           if c.get("discovered_fetched") else "") + ", "
        f"{report.alerts_sent} sent, {report.alerts_failed} failed"
        + (f", {report.alerts_deferred} deferred to the next digest (over max_per_hour)"
           if report.alerts_deferred else "")
    )
    for name, error in report.follows.seeds_failed.items():
        console.print(f"  [red]follow {escape(name)}:[/red] seed article not read "
                      f"(tried again next run): {escape(error)}")
    for e in report.delivery_errors[:5]:
        console.print(f"  [red]delivery:[/red] {escape(e)}")


def highlight(snippet: str) -> str:
    """A snippet as rich markup: its text escaped, its «hits» in reverse video."""
    return mark_hits(snippet, lambda hit: f"[reverse]{escape(hit)}[/reverse]", escape)
