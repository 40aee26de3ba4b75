"""Adding sources to a configuration file: ``newswatch sources add`` and ``sources import``.

New ``[[sources]]`` tables are appended to the end of the main config file
(comments and layout above are kept), and the result must load: if it does
not, the file is put back as it was and the :class:`~newswatch.config.ConfigError`
is raised.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from .config import Config, ConfigError, load


def slug(text: str, taken: set[str], fallback: str = "source") -> str:
    """A source name from a title, unique among ``taken``: 'Excélsior - RSS' -> 'excelsior-rss'."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-") or fallback
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def toml_table(fields: dict[str, Any], comment: str | None = None) -> str:
    """One ``[[sources]]`` table; None values are left out."""
    lines = [f"# {comment}"] if comment else []
    lines.append("[[sources]]")
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        else:
            text = json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def append_sources(config_path: Path, tables: list[str]) -> Config:
    """Append ``tables`` to the config file and load it; restore the file if it no longer loads."""
    path = Path(config_path)
    original = path.read_text(encoding="utf-8")
    text = original if original.endswith("\n") or not original else original + "\n"
    path.write_text(text + "\n" + "\n".join(tables), encoding="utf-8")
    try:
        return load(path)
    except ConfigError:
        path.write_text(original, encoding="utf-8")
        raise


def configured_urls(config: Config) -> set[str]:
    return {s.url.rstrip("/") for s in config.sources}
