"""Parser: tokens to an AST, with every check that needs the whole query.

Grammar (NEAR binds tightest, then NOT, then AND, then OR)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*          # juxtaposition is AND
    unary   := ("NOT" | "-") unary | near
    near    := primary (NEAR primary)*         # NEAR/n, NEAR/s, NEAR/p; operands: terms, phrases, OR-groups, NEARs
    primary := "(" or ")" | field ":" primary | filter | term | "@" alias

Field scopes are pushed down onto the terms they cover, so evaluation only
ever sees ``Term.fields``; alias lists become an ``Or`` of terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import RuleSyntaxError
from .folding import WORD, fold
from .lexer import FILTERS, TEXT_FIELDS, Kind, Token, tokenize

__all__ = ["Node", "Term", "And", "Or", "Not", "Near", "Filter", "parse", "ALL_FIELDS", "terms_of"]

ALL_FIELDS = frozenset(TEXT_FIELDS)
MIN_PREFIX = 3
MAX_DEPTH = 60  # deeper nesting is surely a mistake, and keeps evaluation off Python's recursion limit


@dataclass(frozen=True, eq=False)
class Node:
    column: int


@dataclass(frozen=True, eq=False)
class Term(Node):
    """A word, a phrase or a prefix: consecutive words, the last one possibly a prefix.

    ``tokens`` are folded; ``exact`` holds the words as written (NFC) for ``=``
    terms, else is empty. ``text`` is the term as the user wrote it.
    """

    text: str
    tokens: tuple[str, ...]
    prefix: bool = False
    exact: tuple[str, ...] = ()
    fields: frozenset[str] = ALL_FIELDS


@dataclass(frozen=True, eq=False)
class And(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Or(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Not(Node):
    child: Node


@dataclass(frozen=True, eq=False)
class Near(Node):
    """``left NEAR/distance right``: at most ``distance`` words between a hit of each, either order,
    in one paragraph. With ``unit`` "sentence" (``NEAR/s``) or "paragraph" (``NEAR/p``) both hits
    are in one sentence or paragraph instead, and ``distance`` is 0."""

    left: Node
    right: Node
    distance: int
    unit: str = "word"


@dataclass(frozen=True, eq=False)
class Filter(Node):
    """``source:``, ``lang:`` or ``site:``; ``value`` is folded."""

    kind: str
    value: str
    text: str


_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*")
_STARTS_UNARY = {Kind.LPAREN, Kind.NOT, Kind.FIELD, Kind.FILTER, Kind.TERM, Kind.ALIAS}
_ENDS_OPERAND = {Kind.END, Kind.RPAREN, Kind.OR, Kind.AND}


def parse(query: str, rule: str | None = None, aliases: Mapping[str, Sequence[str]] | None = None) -> Node:
    """Parse ``query`` into an AST, or raise :class:`RuleSyntaxError` saying where and why."""
    return _Parser(query, rule, aliases or {}).parse()


def terms_of(node: Node) -> list[Term]:
    """Every term of ``node``, negated ones included, in query order."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, (And, Or)):
        return [t for c in node.children for t in terms_of(c)]
    if isinstance(node, Not):
        return terms_of(node.child)
    if isinstance(node, Near):
        return terms_of(node.left) + terms_of(node.right)
    return []


def matches_without_terms(node: Node) -> bool:
    """Whether ``node`` accepts an item that contains none of its terms and passes none of its filters."""
    if isinstance(node, (Term, Filter, Near)):
        return False
    if isinstance(node, Not):
        return not matches_without_terms(node.child)
    if isinstance(node, And):
        return all(matches_without_terms(c) for c in node.children)
    if isinstance(node, Or):
        return any(matches_without_terms(c) for c in node.children)
    raise TypeError(node)


class _Parser:
    def __init__(self, query: str, rule: str | None, aliases: Mapping[str, Sequence[str]]) -> None:
        self.query = query
        self.rule = rule
        self.aliases = aliases
        self.tokens: list[Token] = []
        self.pos = 0
        self.scope: Token | None = None  # the field: token whose operand is being parsed
        self.depth = 0

    def error(self, message: str, column: int) -> RuleSyntaxError:
        return RuleSyntaxError(message, self.query, column, self.rule)

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node:
        if not self.query.strip():
            raise self.error("empty query: write at least one word, as in honduras", 1)
        self.tokens = tokenize(self.query, self.rule)
        node = self.or_()
        tok = self.peek()
        if tok.kind is Kind.RPAREN:
            raise self.error("unbalanced parenthesis: this ) has no matching (", tok.column)
        assert tok.kind is Kind.END, tok
        if matches_without_terms(node):
            first_not = next((t for t in self.tokens if t.kind is Kind.NOT), self.tokens[0])
            raise self.error(
                "this rule would match nearly everything: it accepts any item that lacks the excluded terms. "
                "Add a word that must be present, as in honduras -football (NOT only narrows a match)",
                first_not.column)
        return node

    def operand_after(self, op: Token, what: str) -> None:
        if self.peek().kind in _ENDS_OPERAND or self.peek().kind is Kind.NEAR:
            raise self.error(f"{what} needs a word, phrase or group after it", op.column)

    def or_(self) -> Node:
        start = self.peek()
        children = [self.and_()]
        while self.peek().kind is Kind.OR:
            op = self.next()
            self.operand_after(op, "OR")
            children.append(self.and_())
        return children[0] if len(children) == 1 else Or(start.column, tuple(children))

    def and_(self) -> Node:
        start = self.peek()
        if start.kind in (Kind.AND, Kind.OR, Kind.NEAR):
            raise self.error(f"{start.text} needs a word, phrase or group before it", start.column)
        children = [self.unary()]
        while True:
            tok = self.peek()
            if tok.kind is Kind.AND:
                self.next()
                self.operand_after(tok, "AND")
            elif tok.kind not in _STARTS_UNARY:
                break
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(start.column, tuple(children))

    def unary(self) -> Node:
        if self.peek().kind is Kind.NOT:
            op = self.next()
            self.operand_after(op, "NOT" if op.text == "NOT" else "'-'")
            return Not(op.column, self.unary())
        return self.near()

    def near(self) -> Node:
        start = self.peek()
        left = self.primary()
        while self.peek().kind is Kind.NEAR:
            op = self.next()
            self.operand_after(op, op.text)
            right_start = self.peek()
            if right_start.kind is Kind.NOT:
                raise self.error(f"{op.text} cannot take a negation; exclude outside it: (a {op.text} b) -c",
                                 right_start.column)
            self.check_near_operand(start, left, op)
            right = self.primary()
            self.check_near_operand(right_start, right, op)
            if op.unit == "sentence":
                left, right = _in_one_sentence(left), _in_one_sentence(right)
            left = Near(start.column, left, right, op.distance, op.unit)
        return left

    def check_near_operand(self, start: Token, node: Node, op: Token) -> None:
        if start.kind is Kind.FIELD and self.scope is None:
            raise self.error(f"put the field in front of the whole NEAR, as in "
                             f"{start.value}:(a {op.text} b); both sides are always in the same field",
                             start.column)
        if start.kind is Kind.FILTER or _contains(node, Filter):
            filters = _filters(node)
            raise self.error(f"a filter cannot be used inside {op.text}; put it beside the group with AND: "
                             + _filter_hint(self.query, self.tokens, op, filters), filters[0].column)
        if not _nearable(node):
            raise self.error(f"{op.text} joins words, phrases and OR-groups of them; this side uses AND or NOT. "
                             f"Use a \"quoted phrase\" for consecutive words, or write (a {op.text} c) AND "
                             f"(b {op.text} c)", start.column)

    def primary(self) -> Node:
        tok = self.next()
        if tok.kind is Kind.LPAREN:
            if self.peek().kind is Kind.RPAREN:
                raise self.error("empty parentheses: put a word, phrase or group inside", tok.column)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"parentheses nested more than {MAX_DEPTH} deep", tok.column)
            node = self.or_()
            self.depth -= 1
            if self.peek().kind is not Kind.RPAREN:
                raise self.error("unbalanced parenthesis: this ( is never closed", tok.column)
            self.next()
            return node
        if tok.kind is Kind.TERM:
            return self.term(tok.value, tok.text, tok.column, tok.quoted, tok.exact)
        if tok.kind is Kind.ALIAS:
            return self.alias(tok)
        if tok.kind is Kind.FIELD:
            return self.scoped(tok)
        if tok.kind is Kind.FILTER:
            return self.filter(tok)
        if tok.kind is Kind.RPAREN:
            raise self.error("unbalanced parenthesis: this ) has no matching (", tok.column)
        if tok.kind is Kind.END:
            raise self.error("the query ends where a word, phrase or group was expected", tok.column)
        if tok.kind is Kind.NOT:
            raise self.error(f"{tok.text} cannot be used here; exclude outside the group, as in title:aid -title:cuts",
                             tok.column)
        raise self.error(f"{tok.text} needs a word, phrase or group before it", tok.column)

    def scoped(self, tok: Token) -> Node:
        if self.scope is not None:
            raise self.error(f"{tok.text} inside {self.scope.text}: a field scope cannot be nested in another",
                             tok.column)
        operand = self.peek()
        if operand.column != tok.column + len(tok.text) or operand.kind not in (
                Kind.TERM, Kind.ALIAS, Kind.LPAREN, Kind.FIELD, Kind.FILTER):
            raise self.error(f"{tok.text} needs a word, phrase or group right after the colon, as in "
                             f"{tok.value}:aid or {tok.value}:(aid OR assistance); to exclude, write -{tok.value}:aid",
                             tok.column)
        self.scope = tok
        try:
            return self.primary()
        finally:
            self.scope = None

    def filter(self, tok: Token) -> Filter:
        kind, raw = tok.value.split(":", 1)
        if self.scope is not None:
            raise self.error(f"{kind}: filters the item, not text; it cannot be used inside {self.scope.text}",
                             tok.column)
        value = fold(raw.strip())
        value_column = tok.column + len(kind) + 1
        if kind == "lang":
            value = value.replace("_", "-")
            if not _LANG.fullmatch(value):
                raise self.error(f"lang: takes a language code such as es, en or es-419, not {raw!r}", value_column)
        elif kind == "site":
            value = value.strip(".")
            if not _HOST.fullmatch(value):
                raise self.error(f"site: takes a host name such as wola.org (no scheme or path), not {raw!r}",
                                 value_column)
        assert kind in FILTERS
        return Filter(tok.column, kind, value, tok.text)

    def alias(self, tok: Token) -> Node:
        name = tok.value
        if name not in self.aliases:
            defined = ", ".join("@" + a for a in sorted(self.aliases))
            hint = f"defined aliases: {defined}" if defined else "no aliases are defined (add them under [aliases])"
            raise self.error(f"unknown alias {tok.text!r}; {hint}", tok.column)
        entries = self.aliases[name]
        if isinstance(entries, str) or not all(isinstance(e, str) for e in entries):
            raise self.error(f"alias {tok.text} must be a list of strings, as in {name} = [\"JOH\", \"Juan Orlando\"]",
                             tok.column)
        if not entries:
            raise self.error(f"alias {tok.text} is an empty list", tok.column)
        terms = []
        for entry in entries:
            entry = entry.strip()
            exact = entry.startswith("=")
            body = entry[1:] if exact else entry
            try:
                terms.append(self.term(body, f"{tok.text} ({entry})", tok.column, quoted=False, exact=exact,
                                       alias=True))
            except RuleSyntaxError as exc:
                raise self.error(f"in alias {tok.text}, entry {entry!r}: {exc.message}", tok.column) from None
        return terms[0] if len(terms) == 1 else Or(tok.column, tuple(terms))

    def term(self, body: str, text: str, column: int, quoted: bool, exact: bool, alias: bool = False) -> Term:
        prefix = body.endswith("*")
        if prefix:
            body = body[:-1]
        if not quoted and not alias and "*" in body:
            star = text.index("*")
            raise self.error("'*' can only end a word, as in deport*", column + star)
        tokens = tuple(WORD.findall(fold(body)))
        if not tokens:
            raise self.error(f"{text!r} has no letters or digits to search for", column)
        if prefix and not (body[-1:].isalnum() or body[-1:] == "_"):
            raise self.error("'*' must directly follow a letter or digit, as in deport*", column)
        if prefix and len(tokens[-1]) < MIN_PREFIX:
            raise self.error(f"a prefix needs at least {MIN_PREFIX} letters before the '*' (as in deport*); "
                             f"shorter ones match too many words", column)
        as_written: tuple[str, ...] = ()
        if exact:
            as_written = tuple(WORD.findall(unicodedata.normalize("NFC", body)))
            if len(as_written) != len(tokens) or any(fold(w) != t for w, t in zip(as_written, tokens, strict=True)):
                raise self.error(f"{text!r} cannot be matched in exact case: its characters change when "
                                 "folded; drop the '='", column)
        fields = frozenset({self.scope.value}) if self.scope is not None else ALL_FIELDS
        return Term(column, text, tokens, prefix, as_written, fields)


def _contains(node: Node, kind: type) -> bool:
    if isinstance(node, kind):
        return True
    if isinstance(node, (And, Or)):
        return any(_contains(c, kind) for c in node.children)
    if isinstance(node, Not):
        return _contains(node.child, kind)
    if isinstance(node, Near):
        return _contains(node.left, kind) or _contains(node.right, kind)
    return False


def _filters(node: Node) -> list[Filter]:
    if isinstance(node, Filter):
        return [node]
    if isinstance(node, (And, Or)):
        return [f for c in node.children for f in _filters(c)]
    if isinstance(node, Not):
        return _filters(node.child)
    if isinstance(node, Near):
        return _filters(node.left) + _filters(node.right)
    return []


def _filter_hint(query: str, tokens: list[Token], op: Token, filters: list[Filter]) -> str:
    """``lang:es AND (=EU NEAR/4 dona)`` for ``(=EU lang:es) NEAR/4 dona``: the filters moved out."""
    at = next(i for i, t in enumerate(tokens) if t is op)
    first = _operand_edge(tokens, at - 1, -1)
    last = _operand_edge(tokens, at + 1, 1)
    sides = [query[tokens[first].column - 1:op.column - 1],
             query[op.column + len(op.text) - 1:tokens[last].column - 1 + len(tokens[last].text)]]
    for f in filters:
        sides = [side.replace(f.text, " ", 1) for side in sides]
    tidy = []
    for side in sides:
        side = re.sub(r"\(\s*(?:(?:AND|OR)\s+)?", "(", re.sub(r"(?:\s+(?:AND|OR))?\s*\)", ")", side))
        side = " ".join(side.split())
        inner = side[1:-1]
        if side.startswith("(") and side.endswith(")") and " " not in inner and "(" not in inner:
            side = inner
        tidy.append(side)
    moved = " AND ".join(dict.fromkeys(f.text for f in filters))
    if not all(tidy):  # the filter was a whole side: nothing is left to be near
        return f"{moved} AND {tidy[0] or tidy[1]}"
    return f"{moved} AND ({tidy[0]} {op.text} {tidy[1]})"


def _operand_edge(tokens: list[Token], i: int, step: int) -> int:
    """The index of the token that ends (step 1) or starts (step -1) the operand at ``tokens[i]``."""
    if step > 0 and tokens[i].kind is Kind.FIELD:
        i += 1
    opening, closing = (Kind.LPAREN, Kind.RPAREN) if step > 0 else (Kind.RPAREN, Kind.LPAREN)
    if tokens[i].kind is opening:
        depth = 0
        while 0 <= i < len(tokens) - 1:
            depth += {opening: 1, closing: -1}.get(tokens[i].kind, 0)
            if depth == 0:
                break
            i += step
    if step < 0 and i > 0 and tokens[i - 1].kind is Kind.FIELD:
        i -= 1
    return max(0, min(i, len(tokens) - 2))


def _in_one_sentence(node: Node) -> Node:
    """``node`` as a side of a NEAR/s: a NEAR/p inside it becomes a NEAR/s.

    The same matches, since only a pair of hits in one sentence can be in the outer NEAR/s's
    sentence; and it lets a NEAR/p report one span per paragraph (see document._near).
    """
    if isinstance(node, Near):
        unit = "sentence" if node.unit == "paragraph" else node.unit
        return Near(node.column, _in_one_sentence(node.left), _in_one_sentence(node.right), node.distance, unit)
    if isinstance(node, Or):
        return Or(node.column, tuple(_in_one_sentence(c) for c in node.children))
    return node


def _nearable(node: Node) -> bool:
    if isinstance(node, (Term, Near)):
        return True
    if isinstance(node, Or):
        return all(_nearable(c) for c in node.children)
    return False
