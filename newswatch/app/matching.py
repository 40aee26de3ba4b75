"""Items given as JSON lines, matched: here for a few, on every core for many.

Matching is pure CPU work, item by item, so a long file (a backtest over a
year of archives) is split into chunks that worker processes match while
this one reads the next lines and hands the results on, in input order.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Any

from ..rules import Matcher

#: Inputs shorter than this are matched in this process: starting workers would cost more.
MIN_LINES_FOR_WORKERS = 1000
_CHUNK = 200  # lines per task: big enough that handing them over is cheap, small enough to spread
_AHEAD = 3  # chunks waiting per worker: the input is read no further ahead than that

Encode = Callable[[dict[str, Any]], Any]
_matcher: Matcher | None = None  # in a worker: the rules, compiled by the parent
_encode: Encode | None = None


def _start_worker(matcher: Matcher, encode: Encode | None) -> None:
    global _matcher, _encode
    _matcher, _encode = matcher, encode


def _match_chunk(chunk: list[tuple[int, bytes | str | dict]]) -> list[Any]:
    assert _matcher is not None
    return [r for index, line in chunk if (r := match_line(_matcher, index, line, _encode)) is not None]


def match_line(matcher: Matcher, index: int, line: bytes | str | dict, encode: Encode | None = None) -> Any:
    """The result for one input line (see :func:`match_lines`); None for a blank line."""
    if isinstance(line, bytes):  # read as bytes, so that one line in another encoding costs only itself
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return {"index": index, "error": f"not UTF-8: byte {line[exc.start]:#04x} is its byte {exc.start + 1}"}
        if index == 0:
            line = line.removeprefix("\ufeff")  # a byte order mark
    if isinstance(line, dict):
        item = line
    elif not line.strip():
        return None
    else:
        try:
            item = json.loads(line)
        except ValueError as exc:
            return {"index": index, "error": str(exc)}
    if not isinstance(item, dict) or "title" not in item:
        return {"index": index, "error": 'each line must be a JSON object with at least "title"'}
    result = {"index": index, "url": item.get("url"), "matches": [m.to_dict() for m in matcher.match(item)]}
    return result if encode is None else encode(result)


def workers_for(jobs: int | None) -> int:
    """Worker processes for ``jobs`` (None: one per core); 0 or 1 means this process alone."""
    return (os.cpu_count() or 1) if jobs is None else jobs


def match_lines(matcher: Matcher, items: Iterable[bytes | str | dict], jobs: int | None = None,
                encode: Encode | None = None) -> Iterator[Any]:
    """One result per non-blank line of ``items``, in order: ``{"index", "url", "matches"}`` (or
    what ``encode`` makes of it, in the worker) or ``{"index", "error"}``. With ``jobs`` (None:
    one per core) worker processes once the input holds :data:`MIN_LINES_FOR_WORKERS` lines or
    more."""
    lines = enumerate(items)
    head = list(islice(lines, MIN_LINES_FOR_WORKERS))
    workers = workers_for(jobs)
    if workers <= 1 or len(head) < MIN_LINES_FOR_WORKERS:
        for index, line in chain(head, lines):
            result = match_line(matcher, index, line, encode)
            if result is not None:
                yield result
        return
    if sys.platform == "linux":  # a forked worker inherits the compiled rules as they are
        context = multiprocessing.get_context("fork")
    else:  # elsewhere fork is unsafe or missing: each worker gets the rules pickled
        context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(matcher, encode))
    pending: deque[Future[list[Any]]] = deque()
    try:
        rest = chain(head, lines)
        while chunk := list(islice(rest, _CHUNK)):
            pending.append(pool.submit(_match_chunk, chunk))
            if len(pending) >= workers * _AHEAD:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:  # also when the caller stops early: nothing is left running
        pool.shutdown(wait=True, cancel_futures=True)
