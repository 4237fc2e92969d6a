"""Every word, phrase and prefix of every watchlist, found in one pass.

The literals of all watchlists go into one Aho-Corasick automaton, keyed on their
folded words with a space on each side (`" coreia do norte "`); a prefix has no
trailing space (`" russ"`). The article's folded words are scanned the same way,
space-joined with a space at each end, so a key can only match whole words: the
automaton itself enforces the word boundaries (" russia " is not inside
" bielorrussia ", and " russ" only matches where a word starts).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate

import ahocorasick

from alerts.normalize import TokenizedText

__all__ = ["LiteralIndex", "Occurrence"]

# (field index, first word, end word exclusive) in the scanned fields.
Occurrence = tuple[int, int, int]

_PLUS_ONE = (1).__add__


class LiteralIndex:
    """Assigns ids to literals, then finds all of them in a text at once."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._automaton: ahocorasick.Automaton | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, words: tuple[str, ...], prefix: bool) -> int:
        """The id of the literal made of `words` (the last a prefix if `prefix`)."""
        if self._automaton is not None:
            raise RuntimeError("the literal index is frozen")
        key = " " + " ".join(words) + ("" if prefix else " ")
        literal = self._ids.get(key)
        if literal is None:
            literal = self._ids[key] = len(self._ids)
        return literal

    def freeze(self) -> None:
        """Build the automaton; no literal can be added afterwards."""
        automaton = ahocorasick.Automaton()
        for key, literal in self._ids.items():
            words = key.count(" ") - (1 if key.endswith(" ") else 0)
            automaton.add_word(key, (literal, words, len(key)))
        if self._ids:
            automaton.make_automaton()
        self._automaton = automaton

    def scan(self, fields: Sequence[TokenizedText]) -> dict[int, list[Occurrence]]:
        """Every occurrence of every literal in `fields`, by literal id.

        Occurrences of one literal come in text order.
        """
        if self._automaton is None:
            raise RuntimeError("freeze() the literal index before scanning")
        found: dict[int, list[Occurrence]] = {}
        if not self._ids:
            return found
        automaton = self._automaton
        for field, text in enumerate(fields):
            words = text.words
            if not words:
                continue
            haystack = " " + " ".join(words) + " "
            # Where each word starts in `haystack`: after its predecessors and a space each.
            starts = list(accumulate(map(_PLUS_ONE, map(len, words)), initial=1))
            for end, (literal, count, length) in automaton.iter(haystack):
                first = bisect_left(starts, end - length + 2)
                occurrence = (field, first, first + count)
                bucket = found.get(literal)
                if bucket is None:
                    found[literal] = [occurrence]
                else:
                    bucket.append(occurrence)
        return found
