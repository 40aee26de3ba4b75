"""Lexer: a query string to tokens, each with its 1-based column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .errors import RuleSyntaxError

__all__ = ["Kind", "Token", "tokenize", "TEXT_FIELDS", "FILTERS"]

#: Fields a text term can be restricted to, in the order matches report them.
TEXT_FIELDS = ("title", "summary", "body")
#: Filters on an item's metadata.
FILTERS = ("source", "lang", "site")


class Kind(Enum):
    LPAREN = "("
    RPAREN = ")"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"  # also a leading "-"
    NEAR = "NEAR"
    FIELD = "field"  # title: summary: body:
    FILTER = "filter"  # source:x lang:x site:x
    TERM = "term"  # word, "phrase", prefix*, =Exact
    ALIAS = "alias"  # @name
    END = "end"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str  # as written in the query
    column: int  # 1-based
    value: str = ""  # field or filter name, filter value, alias name, or the term's text without = and quotes
    distance: int = 0  # NEAR/n
    unit: str = "word"  # NEAR/s: "sentence", NEAR/p: "paragraph"
    quoted: bool = False
    exact: bool = False  # =TPS


# A bare run ends at whitespace, a parenthesis or a quote.
_BARE = re.compile(r'[^\s()"]+')
_FIELD = re.compile(r"([^\W\d_]+):")
_ALIAS = re.compile(r"[\w-]+")
_OPERATORS = {"AND": Kind.AND, "OR": Kind.OR, "NOT": Kind.NOT}
# "NEAR /5", "NEAR/ 5", "NEAR 5": a distance written apart from its NEAR.
_SPACED_DISTANCE = re.compile(r"\s*/?\s*(\d+|[sp])(?=[\s()]|$)", re.I)
# The unit letter may be either case: the upper-case NEAR already marks the operator.
_SCOPES = {"s": "sentence", "S": "sentence", "p": "paragraph", "P": "paragraph"}


def tokenize(query: str, rule: str | None = None) -> list[Token]:
    """Split ``query`` into tokens; the last one is always ``END``.

    Raises :class:`RuleSyntaxError` for an unclosed quote, a malformed
    ``NEAR/n``, an unknown ``field:`` and similar problems of single tokens.
    """

    def fail(message: str, index: int) -> RuleSyntaxError:
        return RuleSyntaxError(message, query, index + 1, rule)

    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(Token(Kind.LPAREN if ch == "(" else Kind.RPAREN, ch, i + 1))
            i += 1
        elif ch == "-":
            if i + 1 >= n or query[i + 1].isspace() or query[i + 1] == ")":
                raise fail("'-' must be directly followed by what to exclude, as in -football", i)
            tokens.append(Token(Kind.NOT, "-", i + 1))
            i += 1
        elif ch == '"':
            tok, i = _quoted(query, i, i, exact=False, fail=fail)
            tokens.append(tok)
        elif ch == "=":
            if i + 1 < n and query[i + 1] == '"':
                tok, i = _quoted(query, i, i + 1, exact=True, fail=fail)
                tokens.append(tok)
                continue
            m = _BARE.match(query, i + 1)
            if not m:
                raise fail("'=' must be directly followed by a word or phrase to match in exact case, as in =TPS", i)
            tokens.append(Token(Kind.TERM, query[i:m.end()], i + 1, value=m.group(), exact=True))
            i = m.end()
        elif ch == "@":
            m = _ALIAS.match(query, i + 1)
            if not m:
                raise fail("'@' must be directly followed by an alias name, as in @officials", i)
            tokens.append(Token(Kind.ALIAS, query[i:m.end()], i + 1, value=m.group()))
            i = m.end()
        else:
            m = _BARE.match(query, i)
            assert m is not None  # ch is none of the characters _BARE excludes
            word = m.group()
            if word in _OPERATORS:
                tokens.append(Token(_OPERATORS[word], word, i + 1))
                i = m.end()
            elif word in ("NEAR", "NEAR/") and (gap := _SPACED_DISTANCE.match(query, m.end())):
                raise fail(f"did you mean NEAR/{gap.group(1)}? Write the distance right after NEAR/, "
                           "with no space", i)
            elif word == "NEAR" or word.startswith("NEAR/"):
                tokens.append(_near(word, i, fail))
                i = m.end()
            elif f := _FIELD.match(word):
                tok, i = _field(query, i, f.group(1), fail)
                tokens.append(tok)
            else:
                tokens.append(Token(Kind.TERM, word, i + 1, value=word))
                i = m.end()
    tokens.append(Token(Kind.END, "", n + 1))
    return tokens


def _quoted(query: str, start: int, quote: int, exact: bool, fail) -> tuple[Token, int]:
    close = query.find('"', quote + 1)
    if close < 0:
        raise fail('unbalanced quote: this " is never closed', quote)
    end = close + 1
    if end < len(query) and query[end] == "*":
        end += 1
    text = query[start:end]
    return Token(Kind.TERM, text, start + 1, value=query[quote + 1:close] + ("*" if text.endswith("*") else ""),
                 quoted=True, exact=exact), end


def _near(word: str, i: int, fail) -> Token:
    if word == "NEAR":
        raise fail("NEAR needs a distance in words, as in NEAR/5", i)
    digits = word[5:]
    if digits in _SCOPES:
        return Token(Kind.NEAR, word, i + 1, unit=_SCOPES[digits])
    if not digits.isdigit() or not digits.isascii():
        raise fail(f"NEAR/ needs a whole number of words or s or p, as in NEAR/5, NEAR/s (sentence), "
                   f"NEAR/p (paragraph); not {digits!r}", i + 5)
    distance = int(digits)
    if distance < 1:
        raise fail("NEAR/0 is not allowed: use a distance of at least 1, or a \"quoted phrase\" for adjacent words",
                   i + 5)
    return Token(Kind.NEAR, word, i + 1, distance=distance)


def _field(query: str, i: int, name: str, fail) -> tuple[Token, int]:
    key = name.lower()
    after = i + len(name) + 1
    if key in TEXT_FIELDS:
        return Token(Kind.FIELD, query[i:after], i + 1, value=key), after
    if key not in FILTERS:
        raise fail(f"unknown field {name + ':'!r}; valid fields are title:, summary:, body: and the filters "
                   "source:, lang:, site:. To search for text containing ':', put it in quotes", i)
    if after < len(query) and query[after] == '"':
        close = query.find('"', after + 1)
        if close < 0:
            raise fail('unbalanced quote: this " is never closed', after)
        value, end = query[after + 1:close], close + 1
    else:
        m = _BARE.match(query, after)
        value, end = (m.group(), m.end()) if m else ("", after)
    if not value.strip():
        example = {"source": "source:insightcrime", "lang": "lang:es", "site": "site:wola.org"}[key]
        raise fail(f"{key}: needs a value right after the colon, as in {example}", i)
    return Token(Kind.FILTER, query[i:end], i + 1, value=f"{key}:{value}"), end
