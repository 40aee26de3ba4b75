"""Turn a rule's AST into a fast predicate and choose the terms that trigger it.

A predicate is a plain Python boolean expression over the sets of term keys
each field hit, compiled once per rule: evaluating it costs a fraction of a
microsecond, so checking the candidate rules of an item stays cheap. Only
phrases, NEAR and exact-case terms call back into the document for positions.

A rule's *trigger* is a set of term ids such that the rule cannot match
unless one of them was seen; the matcher evaluates a rule only for items
that hit a trigger. For an AND the rarest child's trigger is enough: first
guessed from the term's shape, later measured on the items seen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .document import Document
from .lexer import TEXT_FIELDS
from .parser import ALL_FIELDS, And, Filter, Near, Node, Not, Or, Term

__all__ = ["Predicate", "build_predicate", "trigger", "guess_cost"]

#: pred(title_hits, summary_hits, body_hits, all_hits, document) -> bool
Predicate = Callable[[set[int], set[int], set[int], set[int], Document], bool]

_HIT_SET = {"title": "T", "summary": "S", "body": "B"}

# Words too common to make a good trigger (English and Spanish function words).
_COMMON = frozenset("""
a an and are as at be by for from has have in is it its of on or said that the to was were will with
al con de del el en es la las los no para por que se su un una y
""".split())


def build_predicate(node: Node, atoms: Mapping[Term, int], label: str) -> Predicate:
    """Compile ``node`` into ``pred(T, S, B, U, doc)``; ``atoms`` gives each term's id."""
    nodes: list[Node] = []

    def ref(n: Node) -> str:
        nodes.append(n)
        return f"N[{len(nodes) - 1}]"

    def expr(n: Node) -> str:
        if isinstance(n, Term):
            a = atoms[n]
            seen = f"{a} in U" if n.fields == ALL_FIELDS else \
                "(" + " or ".join(f"{a} in {_HIT_SET[f]}" for f in TEXT_FIELDS if f in n.fields) + ")"
            # a phrase or exact-case term is only signalled by its key: confirm it
            return f"({seen} and D.found({ref(n)}, A))" if n.exact or len(n.tokens) > 1 else seen
        if isinstance(n, And):
            return "(" + " and ".join(expr(c) for c in n.children) + ")"
        if isinstance(n, Or):
            return "(" + " or ".join(expr(c) for c in n.children) + ")"
        if isinstance(n, Not):
            return f"(not {expr(n.child)})"
        if isinstance(n, Near):
            return f"D.found({ref(n)}, A)"
        if isinstance(n, Filter):
            if n.kind == "source":
                return f"(D.source == {n.value!r})"
            return f"D.{n.kind}_is({n.value!r})"
        raise TypeError(f"cannot compile {type(n).__name__}")

    source = f"lambda T, S, B, U, D: {expr(node)}"
    code = compile(source, f"<rule {label}>", "eval")
    return eval(code, {"N": tuple(nodes), "A": atoms})  # noqa: S307 - source built above from the AST only


def guess_cost(term: Term) -> float:
    """A guess at how often a term occurs, before any item was seen: lower is rarer.

    Phrases are rare, short prefixes and function words common.
    """
    if len(term.tokens) > 1:
        return 0.5 + 0.5 * all(t in _COMMON for t in term.tokens)
    word = term.tokens[0]
    if term.prefix:
        return {3: 40.0, 4: 10.0}.get(len(word), 3.0)
    if word in _COMMON:
        return 100.0
    return 1.0 if len(word) >= 6 else 2.0 if len(word) >= 4 else 8.0


def trigger(node: Node, atoms: Mapping[Term, int], cost: Callable[[Term], float]) -> tuple[set[int], float] | None:
    """Term ids one of which an item must hit for ``node`` to match, and their summed cost.

    None when the node needs no term (NOT, filters). ``cost(term)`` estimates
    how often a term occurs; an AND (or NEAR) is triggered by its cheapest child.
    """
    if isinstance(node, Term):
        return {atoms[node]}, cost(node)
    if isinstance(node, Or):
        parts = [trigger(c, atoms, cost) for c in node.children]
        if any(p is None for p in parts):
            return None
        return set().union(*(p[0] for p in parts)), sum(p[1] for p in parts)  # type: ignore[index]
    if isinstance(node, (And, Near)):
        children = node.children if isinstance(node, And) else (node.left, node.right)
        parts = [p for p in (trigger(c, atoms, cost) for c in children) if p is not None]
        return min(parts, key=lambda p: p[1]) if parts else None
    return None  # NOT and filters need no term
