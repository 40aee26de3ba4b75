"""``newswatch follow URL``: show what following an article will look for,
then append its ``[[follows]]`` table to the config."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from .. import app
from ..config import ConfigError
from .base import ConfigExit, cli, config_option, console, escape, load_config, problems_text

WIDTH = 80
SHOWN_SENTENCES = 3


class FollowExit(click.ClickException):
    """The story cannot be followed (unreachable, not an article, name taken): exit code 2."""

    exit_code = 2


def _wrapped(text: str, indent: str, first: str | None = None) -> list[str]:
    """``text`` as lines of at most WIDTH columns, each under ``indent``."""
    return textwrap.wrap(app.one_line(text, 400), WIDTH, initial_indent=first or indent,
                         subsequent_indent=indent, break_on_hyphens=False) or [first or indent]


def preview_lines(plan) -> list[str]:
    """What the follow will look for, in lines of at most 80 columns."""
    lines = _wrapped(plan.title or "(no title)", "    ", "Seed article: ")
    lines.append(f"Followed as {plan.name!r}.")
    lines.append("An item follows the story when it links to it, at any of these addresses:")
    for url in [plan.canonical] + [a for a in plan.aliases if a != plan.canonical]:
        lines.append("    " + app.one_line(url, WIDTH - 4))  # a URL cut is easier to read than one wrapped
    lines.append(f"  or quotes one of its {len(plan.sentences)} quotable sentences, like:")
    for sentence in plan.sentences[:SHOWN_SENTENCES]:
        shown = app.one_line(sentence, 200)
        lines += _wrapped(f"\u201c{shown}\u201d", "     ", "    ")
    lines.append("  or names 3 or more of these in one paragraph, one a person:")
    for label, values in (("people", plan.people), ("names", plan.names),
                          ("figures", plan.figures)):
        if values:
            lines += _wrapped(", ".join(values), " " * 13, f"    {label + ':':<9}")
    return lines


@cli.command("follow")
@click.argument("url")
@config_option
@click.option("--name", help="The story's name [default: from the article's title].")
@click.option("--yes", "-y", is_flag=True, help="Append without asking.")
@click.option("--max-time", type=click.IntRange(1), default=60, show_default=True,
              metavar="SECONDS", help="Give up fetching the article after this long.")
def follow(url: str, config_path: Path | None, name: str | None, yes: bool,
           max_time: int) -> None:
    """Follow the story of the article at URL: append a [[follows]] table."""
    config = load_config(config_path)
    try:
        plan = app.follow(config, url, name=name, max_time=max_time)
    except app.FollowError as exc:
        raise FollowExit(str(exc)) from None
    for line in preview_lines(plan):
        console.print(escape(line), soft_wrap=True)
    console.print(f"\nThis will be appended to {escape(str(config.path))}:\n")
    console.print(plan.table.text, markup=False, highlight=False, soft_wrap=True)
    if not yes and not click.confirm("Append it?", default=False):
        console.print("Nothing changed.")
        return
    try:
        app.write_follow(plan)
    except ConfigError as exc:
        raise ConfigExit(problems_text(exc.problems)
                         + f"\n{plan.config_path} was left as it was.") from None
    except app.UnsafeTable as exc:
        raise FollowExit(f"{exc}\n{plan.config_path} was left as it was.") from None
    console.print(f"Following {plan.name!r}.", soft_wrap=True)
    console.print("`newswatch run` reads the article once and stores its follow-ups\n"
                  f"as matches of rule follow:{plan.name}.", soft_wrap=True)
