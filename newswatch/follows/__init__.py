"""Follow a story: what a seed article is known by, and which items continue it.

* :func:`profile` reads a seed article (its page or text) into a
  :class:`SeedProfile`: its addresses, quotable sentences, distinctive names
  and figures;
* :func:`follows` says whether an item links to it, quotes it or names its
  people and figures together, as a :class:`Reason`, or None.

Pure functions over text: nothing here fetches or stores.
"""

from __future__ import annotations

from .aliases import alias_key
from .evidence import MIN_NAMES, Reason, follows
from .names import Name
from .profile import SeedProfile, profile

__all__ = ["MIN_NAMES", "Name", "Reason", "SeedProfile", "alias_key", "follows", "profile"]
