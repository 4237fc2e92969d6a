"""Queries lowered onto literal ids, and evaluated against what one scan found.

`Compiler.lower` turns a parsed query into these nodes: each term becomes a literal id
(shared by every watchlist that uses the same words) with the mask of the fields
it may be found in, so evaluating a query is set lookups, not text search.
`triggers` tells which literals a query needs, so that the matcher only evaluates
the watchlists whose literals appeared in the article.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from alerts.literals import LiteralIndex, Occurrence
from alerts.query import FIELDS, And, Field, Near, Node, Not, Term

__all__ = [
    "ALL_FIELDS",
    "FIELD_BITS",
    "Compiler",
    "Found",
    "Rule",
    "TermRule",
    "Witness",
    "any_of",
    "triggers",
]

FIELD_BITS = {name: 1 << index for index, name in enumerate(FIELDS)}
ALL_FIELDS = (1 << len(FIELDS)) - 1

# A hit that makes a query true: (term as written, field index, first word, end word).
Witness = tuple[str, int, int, int]
# A place that a positional node (term, OR of terms, NEAR) stands for, with why.
_Span = tuple[int, int, int, tuple[Witness, ...]]


class Found:
    """The literals found in one article: where, and in which fields."""

    __slots__ = ("_firsts", "fields", "occurrences")

    def __init__(self, occurrences: dict[int, list[Occurrence]]) -> None:
        self.occurrences = occurrences
        self.fields: dict[int, int] = {}
        for literal, places in occurrences.items():
            mask = 0
            for field, _first, _end in places:
                mask |= 1 << field
            self.fields[literal] = mask
        self._firsts: dict[TermRule, list[Witness]] = {}

    def firsts(self, term: TermRule) -> list[Witness]:
        """The first occurrence of `term` in each field it may be found in."""
        witnesses = self._firsts.get(term)
        if witnesses is None:
            witnesses = []
            places = self.occurrences.get(term.literal, ())
            # Places come in text order, field by field: look at the first
            # place in each field and skip to the next field.
            at = 0
            while at < len(places):
                field, first, end = places[at]
                if (1 << field) & term.mask:
                    witnesses.append((term.source, field, first, end))
                at = bisect_left(places, (field + 1,), at)
            self._firsts[term] = witnesses
        return witnesses


@dataclass(frozen=True, slots=True, eq=False)
class TermRule:
    """A term; `Compiler` makes one per distinct (literal, fields, source)."""

    literal: int
    mask: int
    source: str

    def holds(self, found: Found) -> bool:
        return bool(found.fields.get(self.literal, 0) & self.mask)

    def spans(self, found: Found) -> list[_Span]:
        return [
            (field, first, end, ((self.source, field, first, end),))
            for field, first, end in found.occurrences.get(self.literal, ())
            if (1 << field) & self.mask
        ]

    def witnesses(self, found: Found) -> list[Witness]:
        return found.firsts(self)


@dataclass(frozen=True, slots=True)
class _Not:
    child: Rule

    def holds(self, found: Found) -> bool:
        return not self.child.holds(found)

    def spans(self, found: Found) -> list[_Span]:
        raise TypeError("NOT has no position")  # the parser rejects NOT under NEAR

    def witnesses(self, found: Found) -> list[Witness]:
        return []


@dataclass(frozen=True, slots=True)
class _All:
    children: tuple[Rule, ...]

    def holds(self, found: Found) -> bool:
        return all(child.holds(found) for child in self.children)

    def spans(self, found: Found) -> list[_Span]:
        raise TypeError("AND has no position")  # the parser rejects AND under NEAR

    def witnesses(self, found: Found) -> list[Witness]:
        return [w for child in self.children for w in child.witnesses(found)]


@dataclass(frozen=True, slots=True)
class _Any:
    children: tuple[Rule, ...]

    def holds(self, found: Found) -> bool:
        return any(child.holds(found) for child in self.children)

    def spans(self, found: Found) -> list[_Span]:
        return [span for child in self.children for span in child.spans(found)]

    def witnesses(self, found: Found) -> list[Witness]:
        return [w for child in self.children if child.holds(found) for w in child.witnesses(found)]


@dataclass(frozen=True, slots=True)
class _Near:
    """Both sides, at separate places at most `distance` words apart."""

    left: Rule
    right: Rule
    distance: int

    def holds(self, found: Found) -> bool:
        # Cheap presence checks first: most candidates fail here.
        return self.left.holds(found) and self.right.holds(found) and bool(self.spans(found))

    def spans(self, found: Found) -> list[_Span]:
        near: list[_Span] = []
        rights = self.right.spans(found)
        for field, first, end, why in self.left.spans(found):
            for r_field, r_first, r_end, r_why in rights:
                # Words between them; negative when they overlap, which does not count.
                if r_field == field and 0 <= max(r_first - end, first - r_end) <= self.distance:
                    near.append((field, min(first, r_first), max(end, r_end), why + r_why))
        return near

    def witnesses(self, found: Found) -> list[Witness]:
        return [witness for span in self.spans(found) for witness in span[3]]


Rule = TermRule | _Not | _All | _Any | _Near


class Compiler:
    """Lowers parsed queries, registering their terms in one `LiteralIndex`.

    Equal terms share one node, so what an article says about a term is worked
    out once for all the watchlists that use it.
    """

    def __init__(self, index: LiteralIndex) -> None:
        self.index = index
        self._terms: dict[tuple[int, int, str], TermRule] = {}

    def lower(self, node: Node, mask: int = ALL_FIELDS) -> Rule:
        """`node` with its terms as literal ids and its fields as masks."""
        if isinstance(node, Term):
            literal = self.index.add(node.words, node.prefix)
            key = (literal, mask, node.source)
            term = self._terms.get(key)
            if term is None:
                term = self._terms[key] = TermRule(literal, mask, node.source)
            return term
        if isinstance(node, Field):
            return self.lower(node.child, mask & FIELD_BITS[node.name])
        if isinstance(node, Not):
            return _Not(self.lower(node.child, mask))
        if isinstance(node, Near):
            return _Near(self.lower(node.left, mask), self.lower(node.right, mask), node.distance)
        children = tuple(self.lower(child, mask) for child in node.children)
        return _All(children) if isinstance(node, And) else _Any(children)


def triggers(rule: Rule) -> frozenset[int] | None:
    """Literals of which at least one must be in an article for `rule` to hold.

    None when the rule can hold with none of its literals present (`NOT a`), so
    it must be evaluated for every article.
    """
    if isinstance(rule, TermRule):
        return frozenset((rule.literal,))
    if isinstance(rule, _Not):
        return None
    if isinstance(rule, _Near):
        return _smallest((triggers(rule.left), triggers(rule.right)))
    if isinstance(rule, _All):
        return _smallest(triggers(child) for child in rule.children)
    return any_of(triggers(child) for child in rule.children)


def any_of(sets: Iterable[frozenset[int] | None]) -> frozenset[int] | None:
    """The triggers of an OR: all of its children's, or None if one has none."""
    union: set[int] = set()
    for literals in sets:
        if literals is None:
            return None
        union |= literals
    return frozenset(union)


def _smallest(sets: Iterable[frozenset[int] | None]) -> frozenset[int] | None:
    """The triggers of an AND: any one child's will do, so the fewest."""
    known = [literals for literals in sets if literals is not None]
    return min(known, key=len) if known else None
