"""The rule language: parse -> compile -> match. No I/O; imports nothing else of newswatch.

    >>> from newswatch.rules import compile_rules
    >>> matcher = compile_rules([("tps", '"temporary protected status" honduras')])
    >>> [m.rule for m in matcher.match({"title": "Honduras and Temporary Protected Status"})]
    ['tps']

The syntax is documented in docs/rules.md.
"""

import logging

from .compiler import CompiledRule, check_rules, compile_rule, compile_rules
from .errors import RuleSyntaxError
from .folding import fold
from .matcher import Match, Matcher, match_item
from .snippets import mark_hits
from .warnings import RuleWarning, check_query, query_warnings

__all__ = [
    "fold",
    "RuleSyntaxError",
    "Match",
    "CompiledRule",
    "compile_rule",
    "compile_rules",
    "check_rules",
    "Matcher",
    "match_item",
    "mark_hits",
    "RuleWarning",
    "check_query",
    "query_warnings",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
