"""The matcher: all rules compiled into one automaton, matched against items.

For each item: fold each text field once, run ONE Aho-Corasick pass over
its word text to collect the ids of the terms it contains, take the rules
triggered by those ids, and evaluate only those. Explanations (terms,
fields, snippet) are built only for rules that matched.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, combinations
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import ahocorasick

from .document import Document, FieldText, term_key
from .lexer import TEXT_FIELDS
from .native import hits as _hits
from .parser import And, Filter, Near, Node, Not, Or, Term, terms_of
from .predicates import Predicate, build_predicate, cover_tree, guess_cost, necessary_atoms, trigger
from .snippets import evidence

if TYPE_CHECKING:
    from .compiler import CompiledRule

__all__ = ["Match", "Matcher", "match_item"]

# Fields the snippet comes from, ties going to the first: the summary (usually the lede)
# and body put a hit in context; a title is shown next to the snippet anyway.
_SNIPPET_FIELDS = ("summary", "body", "title")
# Term frequencies are counted on every 8th item; rules are re-planned after
# 50, 500, 5000... sampled items.
_SAMPLE_EVERY = 8
_second = itemgetter(1)  # of an (end, atom) pair the automaton yields
_FIRST_PLAN = 50
# For each set of fields terms fired in: those fields in TEXT_FIELDS order, and in snippet order.
_FIELD_ORDERS = {frozenset(c): (tuple(f for f in TEXT_FIELDS if f in c), tuple(f for f in _SNIPPET_FIELDS if f in c))
                 for n in range(len(TEXT_FIELDS) + 1) for c in combinations(TEXT_FIELDS, n)}


@dataclass(frozen=True)
class Match:
    """Why an item matched a rule.

    ``terms``: the query terms that fired, as written (``'deport*'``,
    ``'"temporary protected status"'``, ``'=TPS'``, ``'@officials (JOH)'``);
    ``fields``: where they fired; ``snippet``: about 30 words where the terms
    that decided are densest (a second window when one can't show them all),
    hits marked «…».
    """

    rule: str
    terms: tuple[str, ...]
    fields: tuple[str, ...]
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``{"rule", "terms", "fields", "snippet"}``."""
        return {"rule": self.rule, "terms": list(self.terms), "fields": list(self.fields), "snippet": self.snippet}


class Matcher:
    """Compiled rules ready to match items; build it with :func:`compile_rules`.

    ``rules`` maps each rule's name to its :class:`CompiledRule`, in the order given.
    """

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules: dict[str, CompiledRule] = {r.name: r for r in rules}
        self._rules = list(self.rules.values())
        keys: dict[str, int] = {}
        self._atoms: dict[Term, int] = {}
        for rule in self._rules:
            for term in terms_of(rule.node):
                self._atoms[term] = keys.setdefault(term_key(term), len(keys))
        self._automaton: Any = None
        # what turns a key's end into its word's span (FieldText.shapes)
        self._shapes = [2 * (len(key) - 2) + (not key.endswith(" ")) for key in keys]
        if keys:
            self._automaton = ahocorasick.Automaton()
            for key, atom in keys.items():
                self._automaton.add_word(key, atom)
            self._automaton.make_automaton()
        # each rule's predicate is compiled the first time the rule is a candidate: with 100,000
        # rules, compiling them all would take most of the start-up, for rules an item rarely triggers
        self._predicates: list[Predicate | None] = [None] * len(self._rules)
        # each rule's plain words for explanations (see _plain_terms), also found on first use
        self._plain: list[tuple[tuple[Term, int, bool], ...] | None] = [None] * len(self._rules)
        # each rule's terms by the part of its top AND they are in (for snippets), found on first use
        self._conjuncts: list[dict[Term, int] | None] = [None] * len(self._rules)
        self._order = {term: i for rule in self._rules for i, term in enumerate(terms_of(rule.node))}  # query order
        # Each rule is triggered by its rarest part: guessed from the terms' shapes
        # at first, then measured on a sample of the items seen.
        self._covers = [cover_tree(r.node, self._atoms) for r in self._rules]
        # what a candidate must have hit before its predicate is worth a call, and a mark for each
        # rule while candidates are gathered (both read by the C part)
        self._necessary = [tuple(necessary_atoms(r.node, self._atoms)) for r in self._rules]
        self._marks = bytearray(len(self._rules))
        self._guess = [100.0] * len(keys)
        for term, atom in self._atoms.items():
            self._guess[atom] = min(self._guess[atom], guess_cost(term))
        self._df = [0] * len(keys)
        self._seen = 0
        self._sampled = 0
        self._next_plan = _FIRST_PLAN
        self._plan(self._guess)

    def __getstate__(self) -> dict[str, Any]:
        """What pickling keeps: everything but the compiled predicates (code objects), rebuilt on use."""
        state = self.__dict__.copy()
        state["_predicates"] = state["_plain"] = state["_conjuncts"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._predicates = [None] * len(self._rules)
        self._plain = [None] * len(self._rules)
        self._conjuncts = [None] * len(self._rules)

    def _predicate(self, index: int) -> Predicate:
        rule = self._rules[index]
        predicate = self._predicates[index] = build_predicate(rule.node, self._atoms, rule.name)
        return predicate

    def _plan(self, cost: Sequence[float]) -> None:
        triggered: dict[int, list[int]] = {}
        always: list[int] = []
        with no_gc():  # 100,000 rules: the collector would walk them all, several times
            for index, tree in enumerate(self._covers):
                if tree is None:
                    always.append(index)  # e.g. "source:x -tps": no term is required
                    continue
                for atom in (tree,) if type(tree) is int else trigger(tree, cost)[0]:
                    rules = triggered.get(atom)
                    if rules is None:
                        triggered[atom] = [index]
                    else:
                        rules.append(index)
            self._triggered: list[tuple[int, ...]] = [()] * len(self._df)
            for atom, rules in triggered.items():
                self._triggered[atom] = tuple(rules)
        self._always = tuple(always)

    def _learn(self, hit: set[int]) -> None:
        df = self._df
        for atom in hit:
            df[atom] += 1
        self._sampled += 1
        if self._sampled >= self._next_plan:
            self._next_plan *= 10
            n = self._sampled
            # measured frequency first; the guess only breaks ties
            self._plan([(f + 0.5) / n + g * 1e-6 for f, g in zip(df, self._guess, strict=True)])

    def __repr__(self) -> str:
        return f"<Matcher {len(self._rules)} rules, {len(self._triggered)} distinct terms>"

    def match(self, item: Mapping[str, Any]) -> list[Match]:
        """The rules ``item`` matches, in rule order, each explained.

        ``item`` may have ``title``, ``summary``, ``body`` (text), ``url``,
        ``source`` and ``lang``; any of them may be missing or None.
        """
        fields: dict[str, FieldText] = {}
        hits: dict[str, set[int]] = {}
        automaton = self._automaton
        for name in TEXT_FIELDS:
            text = item.get(name)
            if isinstance(text, str) and text:
                field = fields[name] = FieldText(text)
                if automaton:  # the end offsets are kept: a word's positions need no second search
                    found = field.keys = list(automaton.iter(field.words))
                    field.shapes = self._shapes
                    hits[name] = set(map(_second, found))
                else:
                    hits[name] = set()
            else:
                hits[name] = set()
        T, S, B = hits["title"], hits["summary"], hits["body"]
        U = T | S | B
        self._seen += 1
        if not self._seen % _SAMPLE_EVERY:
            self._learn(U)
        candidates: list[int] | set[int]
        if _hits is not None:  # in C: each triggered rule once, if it hit what it needs
            chosen = _hits.candidates(self._triggered, U, self._necessary, self._marks)
            chosen += self._always
            candidates = chosen
        else:
            candidates = set(chain.from_iterable(map(self._triggered.__getitem__, U)))
            candidates.update(self._always)
        if not candidates:
            return []
        doc = Document(item, fields, hits)
        predicates, build = self._predicates, self._predicate
        matched = [i for i in candidates if (predicates[i] or build(i))(T, S, B, U, doc)]
        matched.sort()  # rule order; only the few that matched are sorted
        return [self._explain(i, doc) for i in matched]

    def match_many(self, items: Iterable[Mapping[str, Any]]) -> Iterator[list[Match]]:
        """``match`` for each of ``items``, lazily."""
        match = self.match
        for item in items:
            yield match(item)

    # -- explanations -------------------------------------------------------

    def _explain(self, index: int, doc: Document) -> Match:
        rule = self._rules[index]
        plain = self._plain[index]
        if plain is None:
            plain = self._plain[index] = _plain_terms(rule.node, self._atoms)
        fired: list[tuple[Term, str, tuple[int, int] | None]] = []
        if plain:  # every term present fired: no need to walk the rule
            hits, atoms = doc.hits, self._atoms
            fired = [(t, f, None) for t, atom, word in plain for f in doc.fields
                     if atom in hits[f] and f in t.fields and (word or doc.spans(t, f, atoms))]
            terms = [t for t, _, _ in fired]
        else:
            ok = self._fired(rule.node, doc, fired)
            assert ok, f"rule {rule.name!r}: predicate and explanation disagree"
            terms = sorted({t for t, _, _ in fired}, key=self._order.__getitem__)
        seen = frozenset([f for _, f, _ in fired])
        fields, names = _FIELD_ORDERS[seen]
        conjuncts = self._conjuncts[index]
        if conjuncts is None:
            conjuncts = self._conjuncts[index] = _conjuncts(rule.node)
        ids: dict[str, int] = {}  # a deciding term's number, by its text: what the reader tells apart
        atoms = self._atoms

        def hits_of(name: str) -> list[tuple[int, int, int, int]]:
            # positions only for the fields looked at: a NEAR knows its spans, a term finds them now
            field, out = doc.fields[name], []
            for t, f, span in fired:
                if f == name:
                    term, part = ids.setdefault(t.text, len(ids)), conjuncts.get(t, 0)
                    if span:
                        out.append((span[0], span[1], term, part))
                    else:
                        out += [(a, b, term, part) for a, b in field.occurrences(t, atoms[t])]
            return out

        wanted = len({conjuncts.get(t, 0) for t, _, _ in fired})
        text = evidence(doc.fields, hits_of, names, wanted) if names else ""
        return Match(rule.name, tuple(dict.fromkeys([t.text for t in terms])), fields, text)

    def _fired(self, node: Node, doc: Document, out: list[tuple[Term, str, tuple[int, int] | None]]) -> bool:
        """Whether ``node`` matches; if so, add the terms that make it match to ``out``.

        Each as (term, field, span), span None meaning all of the term's occurrences in the field.
        """
        found: list[tuple[Term, str, tuple[int, int] | None]]
        if isinstance(node, Term):
            atoms = self._atoms
            if len(node.tokens) == 1 and not node.exact:  # the key is the word: its hits are enough
                atom, hits = atoms[node], doc.hits
                found = [(node, f, None) for f in doc.fields if f in node.fields and atom in hits[f]]
            else:
                found = [(node, f, None) for f in doc.fields if doc.spans(node, f, atoms)]
            out += found
            return bool(found)
        if isinstance(node, And):
            mark = len(out)
            for child in node.children:
                if not self._fired(child, doc, out):
                    del out[mark:]
                    return False
            return True
        if isinstance(node, Or):
            return sum(self._fired(c, doc, out) for c in node.children) > 0
        if isinstance(node, Not):
            return not self._fired(node.child, doc, [])
        if isinstance(node, Near):
            found = [(t, f, (a, b)) for f in doc.fields for _, _, leaves in doc.spans(node, f, self._atoms)
                     for t, a, b in leaves]
            out += found
            return bool(found)
        if isinstance(node, Filter):
            if node.kind == "source":
                return doc.source == node.value
            return getattr(doc, f"{node.kind}_is")(node.value)
        raise TypeError(node)


def _plain_terms(node: Node, atoms: Mapping[Term, int]) -> tuple[tuple[Term, int, bool], ...]:
    """The rule's terms in query order, with their ids and whether each is a plain word (present
    wherever its key was hit), if the rule is made only of terms, their ORs, NOTs and filters
    under one AND, so that when it matches every term present fired; else ()."""
    children = node.children if type(node) is And else (node,)
    positive: list[Term] = []
    for child in children:
        if type(child) is Term:
            positive.append(child)
        elif type(child) is Or and all(type(c) is Term for c in child.children):
            positive += child.children  # type: ignore[arg-type]
        elif type(child) not in (Not, Filter):
            return ()
    order = {id(t): i for i, t in enumerate(terms_of(node))}
    positive.sort(key=lambda t: order[id(t)])
    return tuple((t, atoms[t], len(t.tokens) == 1 and not t.exact) for t in positive)


def _conjuncts(node: Node) -> dict[Term, int]:
    """Each term of the rule by the part of its top AND it is in: a window that shows one term of
    each part shows why the rule matched ("Jimmy Morales" OR Morales is one part)."""
    children = node.children if type(node) is And else (node,)
    out: dict[Term, int] = {}
    for i, child in enumerate(children):
        for term in terms_of(child):
            out.setdefault(term, i)
    return out


@contextmanager
def no_gc() -> Iterator[None]:
    """Python's cyclic collector off for a while: while many rules' objects are made, it would walk
    every one of them again and again, for no garbage (at 100,000 rules, longer than the work)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def match_item(rule_or_matcher: CompiledRule | Matcher, item: Mapping[str, Any]) -> list[Match]:
    """Match one item against a :class:`Matcher` or a single :class:`CompiledRule`."""
    if isinstance(rule_or_matcher, Matcher):
        return rule_or_matcher.match(item)
    return rule_or_matcher.matcher().match(item)
