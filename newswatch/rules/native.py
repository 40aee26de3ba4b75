"""The optional C parts, where the install could build them (setup.py); None where it could not.

``windows``: snippet windows (newswatch/rules/_windows.c, for snippets.py). ``hits``: where a
field's hits are, what lies between two of them, and the matcher's candidate rules
(newswatch/rules/_hits.c, for scopes.py, document.py and matcher.py). Each module that uses one
keeps the Python definition it mirrors, and gives the same answers without it.
"""

from __future__ import annotations

from types import ModuleType

__all__ = ["windows", "hits"]

windows: ModuleType | None
hits: ModuleType | None
try:
    from . import _windows as windows
except ImportError:  # pragma: no cover - depends on the install
    windows = None
try:
    from . import _hits as hits
except ImportError:  # pragma: no cover - depends on the install
    hits = None
