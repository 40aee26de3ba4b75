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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .document import Document
from .lexer import TEXT_FIELDS
from .parser import ALL_FIELDS, And, Filter, Near, Node, Not, Or, Term

__all__ = ["Predicate", "build_predicate", "cover_tree", "trigger", "guess_cost", "CoverTree", "necessary_atoms"]

#: pred(title_hits, summary_hits, body_hits, all_hits, document) -> bool
Predicate = Callable[[set[int], set[int], set[int], set[int], Document], bool]

_HIT_SET = {"title": "T", "summary": "S", "body": "B"}

# Words too common to make a good trigger (English and Spanish function words).
_COMMON = frozenset("""
a an and are as at be by for from has have in is it its of on or said that the to was were will with
al con de del el en es la las los no para por que se su un una y
""".split())


def build_predicate(node: Node, atoms: Mapping[Term, int], label: str) -> Predicate:
    """Compile ``node`` into ``pred(T, S, B, U, doc)``; ``atoms`` gives each term's id.

    The term ids and filter values are parameters of the compiled code, so rules of one shape
    share it: compiling Python costs ~50 us, binding a shape's code to a rule's values ~2 us.
    """
    nodes: list[Node] = []
    values: list[object] = []

    def ref(n: Node) -> str:
        nodes.append(n)
        return f"N[{len(nodes) - 1}]"

    def param(value: object) -> str:
        values.append(value)
        return f"p{len(values) - 1}"

    def expr(n: Node) -> str:
        if isinstance(n, Term):
            a = param(atoms[n])
            seen = f"{a} in U" if n.fields == ALL_FIELDS else \
                "(" + " or ".join(f"{a} in {_HIT_SET[f]}" for f in TEXT_FIELDS if f in n.fields) + ")"
            # a phrase or exact-case term is only signalled by its key: confirm it
            return f"({seen} and D.found({ref(n)}, A))" if n.exact or len(n.tokens) > 1 else seen
        if isinstance(n, And):
            # cheap tests first: a set lookup costs far less than positions
            return "(" + " and ".join(sorted((expr(c) for c in n.children), key=_cost)) + ")"
        if isinstance(n, Or):
            return "(" + " or ".join(expr(c) for c in n.children) + ")"
        if isinstance(n, Not):
            return f"(not {expr(n.child)})"
        if isinstance(n, Near):
            # positions only in the fields where both sides were seen
            near = ref(n)
            found = [f"({seen} and D.near({near}, {f!r}, A))" for f in TEXT_FIELDS
                     if (seen := presence(n, f)) != "False"]
            return "(" + " or ".join(found) + ")" if found else "False"
        if isinstance(n, Filter):
            if n.kind == "source":
                return f"(D.source == {param(n.value)})"
            return f"D.{n.kind}_is({param(n.value)})"
        raise TypeError(f"cannot compile {type(n).__name__}")

    def presence(n: Node, field: str) -> str:
        """A necessary condition for ``n`` (a NEAR side) to occur in ``field``, from the hit sets alone."""
        if isinstance(n, Term):
            return f"{param(atoms[n])} in {_HIT_SET[field]}" if field in n.fields else "False"
        if isinstance(n, Near):
            parts = [presence(n.left, field), presence(n.right, field)]
            return "False" if "False" in parts else "(" + " and ".join(parts) + ")"
        if isinstance(n, Or):
            parts = [p for p in (presence(c, field) for c in n.children) if p != "False"]
            return "(" + " or ".join(parts) + ")" if parts else "False"
        return "True"  # no cheap condition known

    body = expr(node)
    make = _SHAPES.get(body)
    if make is None:
        names = "".join(f", p{i}" for i in range(len(values)))
        source = f"def make(N, A{names}):\n    return lambda T, S, B, U, D: {body}\n"
        namespace: dict[str, Any] = {}
        exec(compile(source, f"<rules shaped like {label}>", "exec"), namespace)  # noqa: S102 - source built from the AST only
        make = _SHAPES[body] = namespace["make"]
    return make(tuple(nodes), atoms, *values)  # type: ignore[no-any-return]


#: Compiled code of each rule shape seen: the function that binds it to a rule's values.
_SHAPES: dict[str, Callable[..., Predicate]] = {}


def _cost(source: str) -> int:
    """Rank of a compiled sub-expression: set lookups, then filters, then position checks."""
    return (source.count("D.found") + source.count("D.near")) * 2 + ("D." in source)


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


#: A rule's trigger options: an atom id, ("|", trees) needing all of them covered,
#: ("&", trees) needing any one, or None when no term is required.
CoverTree = int | tuple[str, tuple["CoverTree", ...]] | None


def cover_tree(node: Node, atoms: Mapping[Term, int]) -> CoverTree:
    """The trigger options of ``node``, computed once per rule so re-planning stays cheap."""
    if isinstance(node, Term):
        return atoms[node]
    if isinstance(node, Or):
        kids = tuple(cover_tree(c, atoms) for c in node.children)
        if any(k is None for k in kids):
            return None  # a branch that needs no term: nothing to trigger on
        return kids[0] if len(kids) == 1 else ("|", kids)
    if isinstance(node, (And, Near)):
        children = node.children if isinstance(node, And) else (node.left, node.right)
        kids = tuple(k for k in (cover_tree(c, atoms) for c in children) if k is not None)
        if not kids:
            return None
        return kids[0] if len(kids) == 1 else ("&", kids)
    return None  # NOT and filters need no term


def trigger(tree: CoverTree, cost: Sequence[float]) -> tuple[list[int], float]:
    """The cheapest set of atom ids, one of which an item must hit for the rule to match, and its cost.

    ``cost[atom]`` estimates how often an atom occurs; an AND (or NEAR) is
    triggered by its cheapest child, an OR by all of its children.
    """
    if isinstance(tree, int):
        return [tree], cost[tree]
    op, kids = tree  # type: ignore[misc]
    if op == "&" and all(type(k) is int for k in kids):  # the usual AND of terms: re-planning 100,000 rules
        atom = min(kids, key=cost.__getitem__)  # the first cheapest, as below
        return [atom], cost[atom]
    parts = [trigger(k, cost) for k in kids]
    if op == "&":
        return min(parts, key=lambda p: p[1])
    return [a for atoms, _ in parts for a in atoms], sum(c for _, c in parts)


def necessary_atoms(node: Node, atoms: Mapping[Term, int]) -> frozenset[int]:
    """The term ids an item must hit (in any field) for ``node`` to match: the rule's trigger
    brings it up as a candidate, these (checked in C, before any Python runs) keep most
    candidates of a dense item from costing a call of their predicate."""
    if isinstance(node, Term):
        return frozenset((atoms[node],))
    if isinstance(node, (And, Near)):
        children = node.children if isinstance(node, And) else (node.left, node.right)
        return frozenset().union(*(necessary_atoms(c, atoms) for c in children))
    if isinstance(node, Or):
        return frozenset.intersection(*(necessary_atoms(c, atoms) for c in node.children))
    return frozenset()  # NOT and filters need no term
