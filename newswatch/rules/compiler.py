"""Compile queries into rules, and rules into one matcher."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, cached_property
from pathlib import Path

from .errors import RuleSyntaxError
from .fts import to_fts5
from .matcher import Matcher, no_gc
from .parser import Node, parse, terms_of

__all__ = ["CompiledRule", "compile_rule", "compile_rules", "check_rules", "CACHE_MIN_RULES"]

Aliases = Mapping[str, Sequence[str]]
log = logging.getLogger(__name__)

#: Fewer rules than this compile faster than a cache file would load.
CACHE_MIN_RULES = 1000
_CACHE_MAGIC = b"newswatch compiled rules 1 "


class CompiledRule:
    """One parsed and checked rule: ``name``, ``query`` and its AST ``node``."""

    def __init__(self, name: str, query: str, node: Node) -> None:
        self.name = name
        self.query = query
        self.node = node

    def __repr__(self) -> str:
        return f"<CompiledRule {self.name!r}: {self.query!r}>"

    @property
    def terms(self) -> tuple[str, ...]:
        """The rule's terms as written, negated ones included, in query order."""
        return tuple(dict.fromkeys(t.text for t in terms_of(self.node)))

    def fts5(self) -> str | None:
        """An SQLite FTS5 MATCH expression selecting a superset of the items this rule matches.

        For a table with columns title, summary, body and
        ``tokenize="unicode61 remove_diacritics 2"``. None when no useful
        prefilter exists (the rule is only negations and filters, say): then
        every item has to be scanned.
        """
        return to_fts5(self.node)

    def matcher(self) -> Matcher:
        """A matcher holding just this rule (built once)."""
        return self._matcher

    @cached_property
    def _matcher(self) -> Matcher:
        return Matcher([self])


def compile_rule(query: str, name: str | None = None, aliases: Aliases | None = None) -> CompiledRule:
    """Parse and check ``query``; raise :class:`RuleSyntaxError` (with ``rule=name``) if it is invalid.

    A rule without a name is named by its query.
    """
    if not isinstance(query, str):
        raise RuleSyntaxError(f"a query must be a string, not {type(query).__name__}", "", 1, name)
    return CompiledRule(query if name is None else name, query, parse(query, name, aliases))


def _pairs(rules: Iterable[tuple[str, str]] | Mapping[str, str]) -> list[tuple[str, str]]:
    return list(rules.items()) if isinstance(rules, Mapping) else list(rules)


def check_rules(rules: Iterable[tuple[str, str]] | Mapping[str, str],
                aliases: Aliases | None = None) -> list[RuleSyntaxError]:
    """Every problem of every rule, in order (an empty list when all compile)."""
    errors: list[RuleSyntaxError] = []
    seen: set[str] = set()
    for name, query in _pairs(rules):
        if name in seen:
            errors.append(RuleSyntaxError("another rule already has this name; rule names must be unique",
                                          query, 1, name))
            continue
        seen.add(name)
        try:
            compile_rule(query, name, aliases)
        except RuleSyntaxError as exc:
            errors.append(exc)
    return errors


def compile_rules(rules: Iterable[tuple[str, str]] | Mapping[str, str], aliases: Aliases | None = None,
                  cache: str | Path | None = None) -> Matcher:
    """Compile (name, query) pairs, or a name -> query mapping, into one :class:`Matcher`.

    Raises the :class:`RuleSyntaxError` of the first invalid rule; use
    :func:`check_rules` to get all of them. With ``cache`` (a file path) and
    at least :data:`CACHE_MIN_RULES` rules, the matcher is kept in that file
    and loaded from it while the rules, aliases and this code stay the same.
    """
    pairs = _pairs(rules)
    with no_gc():  # hundreds of thousands of small objects, none of them garbage
        if cache is None or len(pairs) < CACHE_MIN_RULES:
            return _compile(pairs, aliases)
        path, key = Path(cache), _cache_key(pairs, aliases)
        matcher = _load(path, key)
        if matcher is None:
            matcher = _compile(pairs, aliases)
            _save(path, key, matcher)
        return matcher


def _compile(pairs: list[tuple[str, str]], aliases: Aliases | None) -> Matcher:
    compiled: list[CompiledRule] = []
    seen: set[str] = set()
    for name, query in pairs:
        if name in seen:
            raise RuleSyntaxError("another rule already has this name; rule names must be unique", query, 1, name)
        seen.add(name)
        compiled.append(compile_rule(query, name, aliases))
    return Matcher(compiled)


@cache
def _code_version() -> str:
    """A digest of this package's source (its C parts' too) and the Python version: a cache from
    other code is never used."""
    digest = hashlib.sha256(sys.version.encode())
    for source in sorted([*Path(__file__).parent.glob("*.py"), *Path(__file__).parent.glob("*.c")]):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _cache_key(pairs: list[tuple[str, str]], aliases: Aliases | None) -> bytes:
    text = json.dumps([_code_version(), pairs, sorted((k, list(v)) for k, v in (aliases or {}).items())],
                      ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest().encode()


def _load(path: Path, key: bytes) -> Matcher | None:
    """The matcher cached in ``path`` for ``key``, or None (no file, other rules, unreadable)."""
    try:
        with path.open("rb") as f:
            if not _ours(os.fstat(f.fileno())) or f.readline() != _CACHE_MAGIC + key + b"\n":
                return None
            matcher = pickle.load(f)  # noqa: S301 - our own file, beside the database we also trust
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged cache is only slower: compile again
        log.warning("ignoring the rules cache %s: %s", path, exc)
        return None
    return matcher if isinstance(matcher, Matcher) else None


def _ours(st: os.stat_result) -> bool:
    """Whether a cache file is one only this user could have written: loading a pickle runs code, so
    one planted by someone else (a database in a shared directory) is never read."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or (st.st_uid == getuid() and not st.st_mode & 0o022)


def _save(path: Path, key: bytes, matcher: Matcher) -> None:
    """Write the cache atomically (a reader never sees half a file); failing to is not an error."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_CACHE_MAGIC + key + b"\n")
                pickle.dump(matcher, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except FileNotFoundError:  # no database directory yet: the next run writes it
        return
    except OSError as exc:
        log.warning("cannot write the rules cache %s: %s", path, exc)
