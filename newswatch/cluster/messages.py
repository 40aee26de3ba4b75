"""What travels through Redis: jobs (JSON, one per due source) and results (one per job).

A job carries what a worker needs to fetch a source as the run would: its
URL and language, the stored validators (an unchanged feed costs a 304 or a
hash comparison, not a parse) and the digest of the run's rules, so every
worker matches with the rules of the run that asked. A result carries the
fetch's outcome and, when the feed was read, the parsed feed with its
entries already derived (language, story fingerprint, matches).

Results are pickled, as the feed-parsing workers' are (scrapy-redis pickles
its requests the same way): whoever can write to the Redis can run code in
the run, so the Redis must be reachable by the workers and the run only
(docs/scale.md).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..formats.feeds import ParsedFeed


def rules_payload(rules: list[tuple[str, str]], aliases: dict[str, list[str]]) -> tuple[dict[str, Any], str]:
    """The run's rules as published for workers, and their digest."""
    payload = {"rules": [list(r) for r in rules], "aliases": aliases}
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]
    return payload, digest


def job(run: str, n: int, reply_to: str, source: dict[str, Any], headers: dict[str, str],
        body_hash: str | None, rules: str) -> bytes:
    """Job ``n`` of ``run``: fetch ``source`` (name, url, lang) with these conditional headers."""
    return json.dumps({"id": f"{run}:{n}", "run": run, "reply": reply_to, "source": source,
                       "headers": headers, "body_hash": body_hash, "rules": rules},
                      sort_keys=True).encode()


def read_job(raw: bytes) -> dict[str, Any]:
    return json.loads(raw)


@dataclass
class Result:
    """A worker's answer to one job: the fetch, and the feed it read (or why not)."""

    job: str
    url: str
    status: str = ""
    ok: bool = True
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    duration_ms: int = 0
    unchanged: bool = False  # a 304, or the body of the last fetch: nothing to read
    parsed: ParsedFeed | None = None
    feed_error: str | None = None  # the document was fetched but is no feed
    content_type: str | None = None
    worker: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def dump(self) -> bytes:
        return zlib.compress(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL), 1)


def load_result(raw: bytes) -> Result:
    """A :class:`Result` from its message (see the module docstring on trust)."""
    return pickle.loads(zlib.decompress(raw))  # noqa: S301 - the cluster's own Redis
