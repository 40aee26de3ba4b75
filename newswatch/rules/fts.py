"""Translate a rule into an SQLite FTS5 MATCH expression that selects a SUPERSET of its matches.

The target is a table with columns title, summary, body and
``tokenize="unicode61 remove_diacritics 2"``. A backtest runs the expression
to narrow the history, then lets the matcher decide. Whatever cannot be
translated as a superset becomes TRUE (dropped):

- NOT and filters (source:, lang:, site:) -> TRUE; NEAR/n, NEAR/s, NEAR/p -> AND of both sides;
- a phrase stays an FTS5 phrase, which ignores the punctuation our phrases stop at (a superset);
- an AND drops its TRUE children; an OR with a TRUE child is TRUE;
- ``=TPS`` -> the token as written (FTS5 ignores case); prefixes -> ``"deport"*``;
- field scopes -> column filters ``{title} : ...``;
- every token is quoted, so AND/OR/NOT/NEAR in text are never operators.

FTS5 folds text its own way. Where it could disagree with :func:`fold` on
a word the matcher accepts, that word is dropped from the expression (a
phrase keeps its other words): see ``_risky``.
"""

from __future__ import annotations

from ._ftschars import FTS_SEPARATOR_RANGES, RISKY_RANGES
from .folding import fold
from .lexer import TEXT_FIELDS
from .parser import ALL_FIELDS, And, Filter, Near, Node, Not, Or, Term

__all__ = ["to_fts5", "RISKY_SEQUENCES"]

#: Folded letter pairs that FTS5 does not produce from the same text: ß/ẞ -> ss,
#: ligatures ﬀ ﬁ ﬂ ﬃ ﬄ -> ff fi fl, ĳ -> ij, ǆ ǳ -> dz, ǉ -> lj, ǌ -> nj.
#: (ﬅ/ﬆ -> st, superscripts, fullwidth and other compatibility forms are not
#: guarded: they would make almost every word risky; see docs/rules.md.)
RISKY_SEQUENCES = ("ss", "ff", "fi", "fl", "ij", "dz", "lj", "nj")
# A prefix stem ending in one of these could continue into one of those pairs.
_PAIR_STARTS = "".join(sorted({s[0] for s in RISKY_SEQUENCES}))


def _chars(ranges: tuple[tuple[int, int], ...]) -> frozenset[str]:
    return frozenset(chr(c) for a, b in ranges for c in range(a, b + 1))


_RISKY_CHARS = _chars(RISKY_RANGES)
_FTS_SEPARATORS = _chars(FTS_SEPARATOR_RANGES)


def _risky(token: str) -> bool:
    """Whether FTS5 may tokenize some text differently where ``fold`` yields ``token``."""
    return (any(s in token for s in RISKY_SEQUENCES)
            or any(c in _RISKY_CHARS for c in token)
            or all(c in _FTS_SEPARATORS for c in token))


def to_fts5(node: Node) -> str | None:
    """The FTS5 MATCH expression for ``node``, or None when it would be TRUE (scan everything)."""
    return _fts(node)


def _fts(node: Node) -> str | None:
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, (And, Near)):
        children = node.children if isinstance(node, And) else (node.left, node.right)
        return _join([p for p in map(_fts, children) if p is not None], "AND")
    if isinstance(node, Or):
        parts = [_fts(c) for c in node.children]
        return None if any(p is None for p in parts) else _join(parts, "OR")  # type: ignore[arg-type]
    if isinstance(node, (Not, Filter)):
        return None
    raise TypeError(node)


def _join(parts: list[str], op: str) -> str | None:
    unique = list(dict.fromkeys(parts))
    if not unique:
        return None
    return unique[0] if len(unique) == 1 else "(" + f" {op} ".join(unique) + ")"


def _term(term: Term) -> str | None:
    # An exact-case term occurs in the text as written, so send it as written:
    # FTS5 then folds both sides alike, whatever compatibility forms it holds.
    tokens, prefix = list(term.exact or term.tokens), term.prefix
    if prefix:
        stem = tokens[-1].rstrip(_PAIR_STARTS)
        if stem and not _risky(fold(stem)):
            tokens[-1] = stem
        else:
            tokens.pop()
            prefix = False
    # consecutive safe tokens stay a phrase; a risky token splits the phrase
    runs: list[list[str]] = [[]]
    for token in tokens:
        if _risky(fold(token)):
            runs.append([])
        else:
            runs[-1].append(token)
    phrases = ['"' + " ".join(run) + '"' for run in runs if run]
    if prefix and runs[-1]:
        phrases[-1] += "*"
    expr = _join(phrases, "AND")
    if expr is None or term.fields == ALL_FIELDS:
        return expr
    columns = " ".join(f for f in TEXT_FIELDS if f in term.fields)
    return f"{{{columns}}} : {expr}"
