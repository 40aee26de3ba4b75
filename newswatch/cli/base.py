"""What every command shares: the ``newswatch`` group, consoles, the -c option, error exits."""

from __future__ import annotations

import gc
import re
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape as _escape_markup

from ..app import __version__
from ..config import ConfigError, load

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
# Terminal control characters (ESC, BEL, CR ...; tab and newline stay): text from feeds and
# servers is stored without them, and dropped again here, whatever a database holds.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape(text: str) -> str:
    """Text from outside, fit to print: rich markup escaped, control characters dropped."""
    return _escape_markup(CONTROLS.sub("", text))


class ConfigExit(click.ClickException):
    """A configuration problem: printed located, exit code 2 (with ``--debug``, after its traceback)."""

    exit_code = 2

    def show(self, file=None) -> None:
        cause = self.__cause__ or self.__context__
        if cause is not None and "--debug" in sys.argv[1:]:
            import traceback
            traceback.print_exception(cause, file=file or sys.stderr)
        super().show(file)


def config_option(f):
    """The ``-c FILE`` option every command that reads a configuration takes."""
    return click.option(
        "-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
        default=None, envvar="NEWSWATCH_CONFIG",
        help="Config file [default: $NEWSWATCH_CONFIG, then ./newswatch.toml].",
    )(f)


def load_config(config_path: Path | None, *, check_env: bool = True):
    """The configuration, or exit 2 with its located problems.

    ``check_env=False``: browsing and exporting need no notification secrets
    from the environment.
    """
    try:
        return load(config_path, check_env=check_env)
    except ConfigError as exc:
        raise ConfigExit(problems_text(exc.problems)) from None


def problems_text(problems) -> str:
    """'N problems in the configuration:' and one located problem a line."""
    n = len(problems)
    head = f"{n} problem{'s' if n != 1 else ''} in the configuration:\n"
    return head + "\n".join(f"  {p}" for p in problems)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newswatch")
@click.option("--debug", is_flag=True, help="Show tracebacks and Scrapy's log.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Watch the news for follow-up coverage of a story."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    """Console-script entry point; prints tracebacks only with --debug."""
    debug = "--debug" in sys.argv[1:]
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if debug:
            raise
        err_console.print(f"[red]Error:[/red] {type(exc).__name__}: {exc}")
        err_console.print("Run again with --debug for the traceback.")
        sys.exit(1)
    finally:
        # Python's last garbage collections at exit walk every object a run made (Scrapy,
        # the rules, the story index): 0.3 s of each 200-feed run, for memory the
        # process hands back anyway. Frozen objects are left out of them.
        gc.freeze()
