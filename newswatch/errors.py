"""Errors the Python API raises on purpose, shared by the app and the CLI.

Every one carries a message for a person: what went wrong and what to do.
The CLI prints it as it is; exit code 1, or 2 for :class:`InvalidInput`
(like a configuration error). Configuration files that cannot be used raise
:class:`newswatch.config.ConfigError`, which lists every located problem.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """newswatch cannot do what was asked; the message says why (exit code 1)."""


class NotFoundError(NewswatchError, LookupError):
    """What the call needs is not there: no database yet, no such alert, no feed at a URL."""


class InvalidInput(NewswatchError, ValueError):
    """An argument names nothing configured or cannot be read: an unknown rule, a malformed
    time, a rules file that is not TOML (exit code 2)."""
