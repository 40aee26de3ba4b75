"""Stories: copies of one article across outlets, found by title and near-duplicate text.

The one door is :mod:`.clustering` (MinHash LSH over the items of the last
30 days); the pipelines file each new item under its story with it.
"""

from __future__ import annotations

from . import clustering

__all__ = ["clustering"]
