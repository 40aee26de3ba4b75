"""The one exception of the rule language.

    ValueError
    └── RuleSyntaxError    a query that cannot be compiled: where (rule, column) and why

Every problem the parser finds is a ``RuleSyntaxError`` whose message says
what would be valid; ``caret()`` shows where.
"""

from __future__ import annotations

__all__ = ["RuleSyntaxError"]


class RuleSyntaxError(ValueError):
    """A rule query that cannot be compiled.

    Attributes: ``message`` (what is wrong and what would be valid), ``rule``
    (the rule's name, or None), ``query`` (the whole query) and ``column``
    (1-based position in ``query`` of the offending character).
    """

    def __init__(self, message: str, query: str = "", column: int = 1, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.query = query
        self.column = max(1, column)
        self.rule = rule

    def __str__(self) -> str:
        where = f'rule "{self.rule}": ' if self.rule is not None else ""
        return f"{where}column {self.column}: {self.message}"

    def __reduce__(self):  # keep the attributes when pickled (multiprocessing, caches)
        return (type(self), (self.message, self.query, self.column, self.rule))

    def caret(self) -> str:
        """Two lines: the query (the line of it holding the column), then a ``^`` under the column."""
        start = self.query.rfind("\n", 0, self.column - 1) + 1
        end = self.query.find("\n", start)
        line = self.query[start:] if end < 0 else self.query[start:end]
        return f"{line}\n{' ' * (self.column - 1 - start)}^"
