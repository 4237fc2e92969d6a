"""Matching articles against many watchlists at once.

`compile_watchlists` parses every watchlist's terms, query and exclusions, puts
every literal (word, phrase, prefix) of all of them into one Aho-Corasick
automaton, and remembers which literals can make each watchlist match. For an
article, `Matcher.match` then:

1. tokenizes and folds the title, lead and body (alerts.normalize);
2. finds every literal of every watchlist in one pass (alerts.literals);
3. evaluates only the watchlists that one of the found literals can trigger,
   plus those that can match without any (a pure `NOT` query);
4. for each match, reports which terms hit in which field, with a snippet.

So the cost per article grows with what the article mentions, hardly with the
number of watchlists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from alerts.alert import Hit
from alerts.evaluate import ALL_FIELDS, Compiler, Found, Rule, TermRule, Witness, any_of, triggers
from alerts.literals import LiteralIndex
from alerts.normalize import TokenizedText, tokenize
from alerts.query import FIELDS, Node, QueryError, parse_query, parse_term
from alerts.snippets import SNIPPET_WIDTH, Snippet, snippet_around
from atalaia.article import Article
from atalaia.errors import AtalaiaError, Location, format_location

__all__ = [
    "Hit",
    "Matcher",
    "RuleError",
    "WatchlistMatch",
    "WatchlistRule",
    "compile_watchlists",
]


@dataclass(frozen=True, slots=True)
class WatchlistRule:
    """What a watchlist looks for: the matching part of a `watchlists.yaml` entry.

    Exactly one of `terms` (any of them: each a word, a phrase or a query) and
    `query` (one boolean query) is given. The watchlist matches when a term (or
    the query) does, no `exclude` entry does, and, when `outlets` is given, the
    article comes from one of them.
    """

    id: str
    name: str
    terms: tuple[str, ...] | None = None
    query: str | None = None
    exclude: tuple[str, ...] = ()
    outlets: tuple[str, ...] | None = None


class RuleError(AtalaiaError):
    """A watchlist that cannot be compiled.

    `location` says where in the entry: ("terms", 2), ("query",), ("exclude", 0), or
    ("terms",) for the entry as a whole. `query_error` is the parse error, when that
    is the cause (its `column` is within that entry's text).
    """

    def __init__(
        self, rule_id: str, location: Location, message: str, query_error: QueryError | None = None
    ) -> None:
        super().__init__(f"watchlist {rule_id!r}, {format_location(location)}: {message}")
        self.rule_id = rule_id
        self.location = location
        self.message = message
        self.query_error = query_error


class WatchlistMatch(NamedTuple):
    """A watchlist that matched an article, and the hits that made it match.

    A query that matched only by what is absent (`NOT guerra`) has no hits.
    (A named tuple: a busy article matches hundreds of watchlists, and a tuple
    is made faster than a frozen dataclass.)
    """

    id: str
    name: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class _Watchlist:
    rule: WatchlistRule
    terms: tuple[Rule, ...]
    excludes: tuple[Rule, ...]
    outlets: frozenset[str] | None
    # The terms again when all are plain terms looked for anywhere: found
    # literals trigger the watchlist only when one of them is in the article,
    # and then the terms hold.
    plain: tuple[TermRule, ...] | None
    # The plain terms once more when there is nothing else to check (no
    # exclusions, no outlet filter): the watchlist matches when one is found.
    names: tuple[TermRule, ...] | None

    def holds(self, found: Found, outlet: str) -> bool:
        """Whether the watchlist matches, given it was triggered by `found`."""
        if self.outlets is not None and outlet not in self.outlets:
            return False
        if self.plain is None:
            for term in self.terms:
                if term.holds(found):
                    break
            else:
                return False
        return not any(exclude.holds(found) for exclude in self.excludes)

    def hits(self, found: Found, hits: _Hits) -> tuple[Hit, ...]:
        """What made the watchlist match: the first hit of each term in each field.

        Called only once `holds` said yes, so a watchlist that does not match
        costs no hit and no snippet.
        """
        terms = self.terms
        if self.plain is not None and len(terms) > 1:
            # Usually one of the names is mentioned: its hits are the watchlist's.
            present = found.fields
            terms = tuple([term for term in self.plain if term.literal in present])
        if len(terms) == 1 and isinstance(terms[0], TermRule):
            return hits.of_term(terms[0], found)
        return tuple(map(hits.hit, _first_per_term_and_field(self._witnesses(terms, found))))

    @staticmethod
    def _witnesses(terms: tuple[Rule, ...], found: Found) -> list[Witness]:
        if len(terms) == 1:
            return terms[0].witnesses(found)
        # A term that does not hold has no witnesses to show; a plain term has
        # none unless it was found, so it needs no separate check.
        return [
            witness
            for term in terms
            if isinstance(term, TermRule) or term.holds(found)
            for witness in term.witnesses(found)
        ]


class _Hits:
    """The hits of one article, each built once whichever watchlists show it.

    Snippets are cut only here, so only for the watchlists that match.
    """

    __slots__ = ("_by_term", "_by_witness", "_fields", "_snippets", "_width")

    def __init__(self, fields: tuple[TokenizedText, ...], width: int) -> None:
        self._fields = fields
        self._width = width
        self._by_witness: dict[Witness, Hit] = {}
        self._by_term: dict[TermRule, tuple[Hit, ...]] = {}
        self._snippets: dict[tuple[int, int, int], Snippet] = {}

    def of_term(self, term: TermRule, found: Found) -> tuple[Hit, ...]:
        """The first hit of `term` in each field, in field order."""
        shown = self._by_term.get(term)
        if shown is None:
            shown = self._by_term[term] = tuple(map(self.hit, found.firsts(term)))
        return shown

    def hit(self, witness: Witness) -> Hit:
        hit = self._by_witness.get(witness)
        if hit is None:
            term, field, start, end = witness
            snippet = self._snippets.get((field, start, end))
            if snippet is None:
                snippet = snippet_around(self._fields[field], start, end - 1, self._width)
                self._snippets[(field, start, end)] = snippet
            hit = Hit(term, FIELDS[field], snippet.text, snippet.start, snippet.end)
            self._by_witness[witness] = hit
        return hit


class Matcher:
    """Many watchlists compiled together; see `compile_watchlists`."""

    def __init__(
        self,
        watchlists: Sequence[_Watchlist],
        index: LiteralIndex,
        snippet_width: int = SNIPPET_WIDTH,
    ) -> None:
        self._watchlists = tuple(watchlists)
        self._index = index
        self._snippet_width = snippet_width
        self._labels = tuple((w.rule.id, w.rule.name) for w in self._watchlists)
        by_literal: dict[int, list[int]] = {}
        by_name: dict[int, dict[TermRule, dict[int, None]]] = {}
        always: list[int] = []
        for position, watchlist in enumerate(self._watchlists):
            if watchlist.names is not None:
                for term in watchlist.names:
                    by_name.setdefault(term.literal, {}).setdefault(term, {})[position] = None
                continue
            needed = any_of(triggers(term) for term in watchlist.terms)
            if needed is None:
                always.append(position)
                continue
            for literal in needed:
                by_literal.setdefault(literal, []).append(position)
        self._triggered_by = {literal: tuple(found) for literal, found in by_literal.items()}
        self._named_by = {
            literal: tuple((term, tuple(positions)) for term, positions in terms.items())
            for literal, terms in by_name.items()
        }
        self._always = tuple(always)

    def __len__(self) -> int:
        return len(self._watchlists)

    @property
    def rules(self) -> tuple[WatchlistRule, ...]:
        return tuple(watchlist.rule for watchlist in self._watchlists)

    def match(self, article: Article) -> list[WatchlistMatch]:
        """The watchlists that `article` matches, in the order they were given.

        First which watchlists match, then their hits: a watchlist that does not
        match costs no hit and no snippet. A list of names (no exclusions, no
        outlet filter) matches whenever one of its names is found and shows that
        name's hits, so those are decided a whole group at a time; the others
        are evaluated one by one.
        """
        fields = (tokenize(article.title), tokenize(article.lead), tokenize(article.body))
        found = Found(self._index.scan(fields))
        hits = _Hits(fields, self._snippet_width)
        shown: dict[int, tuple[Hit, ...]] = {}
        naming_more: set[int] = set()  # lists with more than one of their names found
        candidates = set(self._always)
        triggered_by, named_by = self._triggered_by, self._named_by
        for literal in found.occurrences:
            candidates.update(triggered_by.get(literal, ()))
            for term, positions in named_by.get(literal, ()):
                if not shown.keys().isdisjoint(positions):
                    naming_more.update(shown.keys() & positions)
                shown.update(dict.fromkeys(positions, hits.of_term(term, found)))
        watchlists = self._watchlists
        for position in naming_more:
            shown[position] = watchlists[position].hits(found, hits)
        for position in candidates:
            watchlist = watchlists[position]
            if watchlist.holds(found, article.outlet):
                shown[position] = watchlist.hits(found, hits)
        labels = self._labels
        return [WatchlistMatch(*labels[position], shown[position]) for position in sorted(shown)]


def _first_per_term_and_field(witnesses: list[Witness]) -> list[Witness]:
    """The first hit of each term in each field, in reading order."""
    if len(witnesses) <= 1:
        return witnesses
    shown: list[Witness] = []
    seen: set[tuple[str, int]] = set()
    for witness in sorted(witnesses, key=_READING_ORDER):
        if witness[:2] not in seen:
            seen.add(witness[:2])
            shown.append(witness)
    return shown


# Field, first word, end word, then the term as written.
_READING_ORDER = itemgetter(1, 2, 3, 0)


def compile_watchlists(
    rules: Sequence[WatchlistRule], snippet_width: int = SNIPPET_WIDTH
) -> Matcher:
    """Compile `rules` into one matcher; raise `RuleError` on the first bad one."""
    index = LiteralIndex()
    compiler = Compiler(index)
    watchlists = [_compile(rule, compiler) for rule in rules]
    index.freeze()
    return Matcher(watchlists, index, snippet_width)


def _compile(rule: WatchlistRule, compiler: Compiler) -> _Watchlist:
    if (rule.terms is None) == (rule.query is None):
        raise RuleError(rule.id, ("terms",), "give either terms or query, not both or neither")
    terms: tuple[Rule, ...]
    if rule.query is not None:
        terms = (_lower(rule, ("query",), rule.query, compiler, parse_query),)
    else:
        assert rule.terms is not None
        if not rule.terms:
            raise RuleError(rule.id, ("terms",), "no terms")
        terms = tuple(
            _lower(rule, ("terms", i), entry, compiler, parse_term)
            for i, entry in enumerate(rule.terms)
        )
    excludes = tuple(
        _lower(rule, ("exclude", i), entry, compiler, parse_term)
        for i, entry in enumerate(rule.exclude)
    )
    outlets = frozenset(rule.outlets) if rule.outlets is not None else None
    plain = tuple(term for term in terms if isinstance(term, TermRule) and term.mask == ALL_FIELDS)
    if len(plain) < len(terms):
        return _Watchlist(rule, terms, excludes, outlets, None, None)
    names = plain if outlets is None and not excludes else None
    return _Watchlist(rule, terms, excludes, outlets, plain, names)


def _lower(
    rule: WatchlistRule,
    location: Location,
    text: str,
    compiler: Compiler,
    parse: Callable[[str], Node],
) -> Rule:
    try:
        node = parse(text)
    except QueryError as error:
        raise RuleError(rule.id, location, str(error), error) from error
    return compiler.lower(node)
