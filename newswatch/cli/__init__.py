"""The ``newswatch`` command: option parsing, one call into :mod:`newswatch.app`, rendering.

Each command parses its arguments, calls one function of the Python API, and
turns its errors into one clear message. Exit codes: 0 all well, 1 some
sources or deliveries failed, 2 a configuration or rule error.

``base`` holds the group, the ``-c`` option and the error exits; ``render``
the tables; the commands are in ``main_commands``, ``rule_commands``,
``alert_commands``, ``cluster_commands``, ``source_commands``, ``follow_commands`` and
``trends_commands``.
"""

from __future__ import annotations

# Importing the command modules registers their commands on the group.
from . import (  # noqa: F401 - importing registers the commands
    alert_commands,
    cluster_commands,
    follow_commands,
    main_commands,
    rule_commands,
    source_commands,
    trends_commands,
)
from .base import cli, main

__all__ = ["cli", "main"]
