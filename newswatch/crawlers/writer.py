"""The run's database writes, in a thread of their own.

SQLite lets go of Python's lock while it works, and storing a batch (items,
their FTS index, matches, alerts, story signatures) is most of what the
crawl process spends per item besides Scrapy itself. Done in one writer
thread on its own connection, that work overlaps the crawl instead of
stopping it. Writes still happen one batch at a time, in the order they
were handed over, each batch in one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .. import storage

#: Pages the write-ahead log may grow to before SQLite copies it back into the
#: database (40 MB; SQLite's default is 4 MB). A run writes a lot at once;
#: copying back every few batches cost a tenth of the run's storage time.
WAL_PAGES = 10_000
#: The writer's page cache (64 MiB; SQLite's default is 2 MiB). New items land at random places
#: in five indexes and the full-text index: with the default cache, storing a 50,000-item run
#: re-read pages so often that it cost a fifth more CPU (3.7 s against 3.0 s in a measurement).
CACHE_KIB = 65_536


class BatchWriter:
    """Runs database writes in order in one thread, on one connection of its own."""

    def __init__(self, path: str | Path):
        self._path = Path(path)
        self._db: Database | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newswatch-writer")

    def _conn(self) -> Database:
        if self._db is None:  # opened in the writer thread, used only there
            self._db = storage.open_db(self._path, migrate=False)
            self._db.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
            self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return self._db

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run ``fn(db, *args)`` in the writer thread after what was submitted before."""
        return self._pool.submit(lambda: fn(self._conn(), *args))

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """:meth:`submit`, awaited from the crawl's event loop; raises what ``fn`` raised."""
        return await asyncio.wrap_future(self.submit(fn, *args))

    def close(self) -> None:
        """Finish what was submitted and close the connection."""
        def close_db() -> None:
            if self._db is not None:
                self._db.conn.close()
                self._db = None

        try:
            self._pool.submit(close_db).result()
        finally:
            self._pool.shutdown(wait=True)
