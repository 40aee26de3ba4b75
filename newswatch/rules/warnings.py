"""Warnings: queries that parse but probably do not mean what their author meant.

A warning never stops a rule; ``newswatch rules check`` and ``newswatch
check`` show each with a caret, like an error, and exit 0. They are read
from the lexer's tokens (what was written, and what stands beside it):

- ``and``, ``or``, ``not``, ``near`` in lower (or mixed) case between two
  terms are searched as words: "did you mean AND?";
- ``NEAR5``, ``near/5``, ``near /5``, ``w/5``, ``/s``: "did you mean NEAR/5?";
- a phrase of one word (``"honduras"``): the quotes change nothing;
- symbols the folding drops (``C++`` is searched as ``c``);
- a 3-letter prefix (``dep*``): legal, but it matches a great many words.

:func:`check_query` returns the compiled rule or its error, and the warnings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .compiler import CompiledRule, compile_rule
from .errors import RuleSyntaxError
from .folding import WORD, fold
from .lexer import Kind, Token, tokenize
from .parser import MIN_PREFIX

__all__ = ["RuleWarning", "check_query", "query_warnings", "BROAD_PREFIX"]

#: A prefix this short (letters before the ``*``) is legal but warned about.
BROAD_PREFIX = MIN_PREFIX

_OPERATOR_WORDS = ("and", "or", "not")
_OPERAND_END = {Kind.TERM, Kind.RPAREN, Kind.ALIAS, Kind.FILTER}
_OPERAND_START = {Kind.TERM, Kind.LPAREN, Kind.ALIAS, Kind.FIELD, Kind.FILTER, Kind.NOT}
# NEAR5, near/5, Near/s; w/5, w/s, /s, /p (the Lexis and Westlaw spellings).
_NEAR_TYPO = re.compile(r"(?i)near/?(\d+)|near/([sp])|w/(\d+|[sp])|/([sp])")  # not "nears"
_NEAR_WORD = re.compile(r"(?i)near")
_DISTANCE = re.compile(r"/(\d+|s|p)", re.I)
_FIELD_LIKE = re.compile(r"[^\W\d_]+:")
# Punctuation that only separates words; any other non-word character is a symbol the search drops.
_SEPARATORS = set(".,;:!?'\"()[]{}/\\-_*\u2018\u2019\u201c\u201d\u00ab\u00bb")


@dataclass(frozen=True)
class RuleWarning:
    """A likely typo in a query that parses: ``message``, ``query``, 1-based ``column``, ``rule``."""

    message: str
    query: str
    column: int
    rule: str | None = None

    def __str__(self) -> str:
        where = f'rule "{self.rule}": ' if self.rule is not None else ""
        return f"{where}column {self.column}: {self.message}"

    def caret(self) -> str:
        """Two lines: the query (the line of it holding the column), then a ``^`` under the column."""
        return RuleSyntaxError(self.message, self.query, self.column).caret()


def check_query(query: str, name: str | None = None, aliases: Mapping[str, Sequence[str]] | None = None
                ) -> tuple[CompiledRule | RuleSyntaxError, list[RuleWarning]]:
    """Compile ``query`` without raising: (the rule or its error, the warnings).

    Warnings are given even for a query with an error, when its words can be
    read (an unclosed quote leaves none).
    """
    try:
        result: CompiledRule | RuleSyntaxError = compile_rule(query, name, aliases)
    except RuleSyntaxError as exc:
        result = exc
    return result, query_warnings(query, name) if isinstance(query, str) else []


def query_warnings(query: str, rule: str | None = None) -> list[RuleWarning]:
    """The warnings of ``query``, in column order (none when its tokens cannot be read)."""
    try:
        tokens = tokenize(query, rule)
    except RuleSyntaxError:
        return []
    out: list[RuleWarning] = []
    for i, tok in enumerate(tokens):
        if tok.kind is not Kind.TERM:
            continue
        prev = tokens[i - 1] if i else None
        message = (_operator_word(tok, prev, tokens[i + 1]) or _near_typo(tok, prev, tokens[i + 1])
                   or _one_word_phrase(tok) or _dropped_symbols(tok) or _broad_prefix(tok))
        if message:
            out.append(RuleWarning(message, query, tok.column, rule))
    return out


def _operator_word(tok: Token, prev: Token | None, nxt: Token) -> str | None:
    word = tok.text.lower()
    if tok.quoted or tok.exact or word not in _OPERATOR_WORDS + ("near",) or tok.text == tok.text.upper():
        return None
    if prev is None or prev.kind not in _OPERAND_END or nxt.kind not in _OPERAND_START:
        return None
    if word == "near":
        return None if _DISTANCE.match(nxt.text) else (
            f"{tok.text!r} is searched as a word; did you mean NEAR/5 (a distance in words)?")
    # the way to really search the word ("and" in quotes) is in docs/rules.md: the line stays short
    return f"{tok.text!r} is searched as a word; did you mean {word.upper()}?"


def _near_typo(tok: Token, prev: Token | None, nxt: Token) -> str | None:
    if tok.quoted or tok.exact or (prev is not None and prev.kind is Kind.TERM and not prev.quoted
                                   and _NEAR_WORD.fullmatch(prev.text)):
        return None  # the "/5" of "near /5", already warned about
    if _NEAR_WORD.fullmatch(tok.text) and (m := _DISTANCE.fullmatch(nxt.text)):
        return f"{tok.text} {nxt.text} is searched as words; did you mean NEAR/{m.group(1).lower()}?"
    m = _NEAR_TYPO.fullmatch(tok.text)
    if not m:
        return None
    distance = next(g for g in m.groups() if g).lower()
    return f"{tok.text!r} is searched as words; did you mean NEAR/{distance}?"


def _one_word_phrase(tok: Token) -> str | None:
    if not tok.quoted:
        return None
    body = tok.value.removesuffix("*")
    words = WORD.findall(fold(body))
    # The quotes matter when the text alone would read as something else:
    # an operator, a field, a NEAR, an exclusion, an alias or several words.
    if (len(words) != 1 or body != body.strip() or not body or body[0] in "-=@"
            or body.upper() in ("AND", "OR", "NOT", "NEAR") or body.upper().startswith("NEAR/")
            or _FIELD_LIKE.match(body) or any(c.isspace() or c in '()"' for c in body)):
        return None
    star = "*" if tok.value.endswith("*") else ""
    if tok.exact:
        return f"{tok.text}: quotes change nothing here"
    return f"{tok.text}: quotes change nothing; ={body}{star} is exact case"


def _dropped_symbols(tok: Token) -> str | None:
    body = tok.value.removesuffix("*") if not tok.quoted else tok.value
    dropped = sorted({c for c in body if not c.isspace() and not WORD.fullmatch(fold(c) or "_")
                      and c not in _SEPARATORS and not unicodedata.combining(c)})
    if not dropped:
        return None
    searched = " ".join(WORD.findall(fold(body)))
    return f"{tok.text} is searched as {searched!r}: {''.join(dropped)!r} is not searched"


def _broad_prefix(tok: Token) -> str | None:
    if tok.exact or not tok.value.endswith("*"):
        return None
    words = WORD.findall(fold(tok.value[:-1]))
    if len(words) != 1 or len(words[0]) > BROAD_PREFIX:
        return None
    return f"{tok.text} matches any word starting {words[0]!r}; write more of it"
