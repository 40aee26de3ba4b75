"""``newswatch init``: a starter configuration and the seed topic pack."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import NewswatchError

TOPIC_PACK = "central-america.toml"

STARTER_CONFIG = """\
# newswatch configuration. Reference: the "Configuration" section of newswatch's
# README.md, and docs/sources.md, docs/alerts.md, docs/rules.md beside it.
# Relative paths resolve against this file's folder.
database = "newswatch.db"
include = ["topics/*.toml"]   # topic files hold [[sources]], [[rules]] and [aliases]

[crawl]
user_agent = "newswatch (+mailto:you@example.org)"   # say who you are and how to reach you
default_interval = "30m"
fetch_articles = true          # fetch pages for full text when a feed only has summaries

[notify]
# Apprise URLs by tag; rules send to tags. ${VAR} is read from the environment,
# so passwords stay out of this file. Replace the example address:
urls = { team = ["mailto://user:password@example.org?to=analyst@example.org"] }
# apprise_config = "apprise.yml"   # or Apprise's own YAML with tagged URLs
"""


def init(directory: str | Path = ".", *, force: bool = False) -> list[Path]:
    """Write a starter ``newswatch.toml`` and the seed topic pack into ``directory``.

    Returns the files written. Raises :class:`~newswatch.errors.NewswatchError`
    when ``newswatch.toml`` exists there already (``force`` overwrites it).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "newswatch.toml"
    if target.exists() and not force:
        raise NewswatchError(f"{target} already exists. Use --force to overwrite it.")
    target.write_text(STARTER_CONFIG, encoding="utf-8")
    topics = directory / "topics"
    topics.mkdir(exist_ok=True)
    pack = resources.files("newswatch.topics") / TOPIC_PACK
    (topics / TOPIC_PACK).write_text(pack.read_text(encoding="utf-8"), encoding="utf-8")
    return [target, topics / TOPIC_PACK]
