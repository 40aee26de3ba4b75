"""``python -m newswatch.browse -c FILE [--host H] [--port N]``: serve without the CLI.

What ``newswatch serve`` does, for scripts and tests. ``--port 0`` picks a
free port; the first line on stdout carries the URL.
"""

from __future__ import annotations

import argparse
import sys

from newswatch.config import ConfigError, default_config_path, load

from . import BrowseError, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newswatch.browse", description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", help="newswatch.toml (default: $NEWSWATCH_CONFIG, then ./newswatch.toml)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port (default 8001; 0 picks a free one)")
    parser.add_argument("--open", action="store_true", help="open a web browser on the database")
    args = parser.parse_args(argv)
    try:
        config = load(args.config or default_config_path(), check_env=False)
        serve(config, host=args.host, port=args.port, open_browser=args.open)
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except BrowseError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
