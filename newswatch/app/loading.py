"""What every API call starts with: a loaded configuration, and its database."""

from __future__ import annotations

from pathlib import Path

from .. import storage
from ..config import Config, load
from ..errors import NotFoundError

#: A loaded configuration, or the path of its file (None: ``$NEWSWATCH_CONFIG``,
#: then ``./newswatch.toml``).
ConfigLike = Config | str | Path | None


def as_config(config: ConfigLike, *, check_env: bool = True) -> Config:
    """``config`` itself, or the configuration loaded from that path (ConfigError if unusable).

    ``check_env=False`` does not require the ``${VAR}`` of notification
    settings to be set: reading the database needs no secrets.
    """
    if isinstance(config, Config):
        return config
    return load(config, check_env=check_env)


def existing_database(config: Config):
    """The configuration's database, opened; NotFoundError when no run has created it yet."""
    if not Path(config.database).exists():
        raise NotFoundError(f"no database at {config.database}: run `newswatch run` first")
    return storage.open_db(config.database)
