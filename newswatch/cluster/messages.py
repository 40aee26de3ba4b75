"""What travels through Redis: jobs (JSON, one per due source) and results (one per job).

A job carries what a worker needs to fetch a source as the run would: its
URL and language, the stored validators (an unchanged feed costs a 304 or a
hash comparison, not a parse) and the digest of the run's rules, so every
worker matches with the rules of the run that asked. A result carries the
fetch's outcome and, when the feed was read, the parsed feed with its
entries already derived (language, story fingerprint, matches).

Trust: every message starts with an HMAC-SHA256 of the rest, keyed with the
[cluster] ``secret`` that the run and its workers share (32 bytes a
message). Whoever can write to the Redis but lacks the secret can neither
make a worker fetch a URL (a worker checks a job before it reads it) nor
run code in the run: results are pickled, as the feed-parsing workers' are,
and the run checks a result's signature before it unpickles it. Jobs and
results are signed under different labels, so one cannot pass for the
other. A worker checks the rules it reads from Redis against the digest in
its (signed) job. docs/scale.md, "Trust".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..formats.feeds import ParsedFeed

#: Bytes of the signature that starts every message (HMAC-SHA256).
TAG_BYTES = 32
_JOB, _RESULT = b"newswatch job\0", b"newswatch result\0"


def _tag(key: bytes, label: bytes, body: bytes) -> bytes:
    return hmac.new(key, label + body, hashlib.sha256).digest()


def _verified(key: bytes, label: bytes, message: bytes) -> bytes | None:
    """The body of ``message`` if its signature is right for ``key`` and ``label``, else None."""
    tag, body = message[:TAG_BYTES], message[TAG_BYTES:]
    return body if hmac.compare_digest(tag, _tag(key, label, body)) else None


def rules_digest(payload: dict[str, Any]) -> str:
    """The digest of published rules (a job names the rules it needs by it)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


def rules_payload(rules: list[tuple[str, str]], aliases: dict[str, list[str]]) -> tuple[dict[str, Any], str]:
    """The run's rules as published for workers, and their digest."""
    payload = {"rules": [list(r) for r in rules], "aliases": aliases}
    return payload, rules_digest(payload)


def job(key: bytes, run: str, n: int, reply_to: str, source: dict[str, Any], headers: dict[str, str],
        body_hash: str | None, rules: str) -> bytes:
    """Job ``n`` of ``run``, signed with ``key``: fetch ``source`` (name, url, lang) with these
    conditional headers."""
    body = json.dumps({"id": f"{run}:{n}", "run": run, "reply": reply_to, "source": source,
                       "headers": headers, "body_hash": body_hash, "rules": rules},
                      sort_keys=True).encode()
    return _tag(key, _JOB, body) + body


def read_job(key: bytes, raw: bytes) -> dict[str, Any] | None:
    """The job in ``raw``, or None when it is not signed with ``key`` (nothing else is read)."""
    body = _verified(key, _JOB, raw)
    return json.loads(body) if body is not None else None


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

    def dump(self, key: bytes) -> bytes:
        """This result as a message signed with ``key`` (over the compressed bytes)."""
        body = zlib.compress(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL), 1)
        return _tag(key, _RESULT, body) + body


def load_result(key: bytes, raw: bytes) -> Result | None:
    """The :class:`Result` in ``raw``; None, unread, when it is not signed with ``key``."""
    body = _verified(key, _RESULT, raw)
    if body is None:
        return None
    return pickle.loads(zlib.decompress(body))  # noqa: S301 - signed by a worker of this cluster
