"""Snippets: the sentence around a hit, cut from the text as it was written."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from alerts.normalize import TokenizedText, decode_entities

__all__ = ["SNIPPET_WIDTH", "Snippet", "snippet_around"]

SNIPPET_WIDTH = 200
ELLIPSIS = "…"

# What separates two sentences: end punctuation (maybe followed by closing quotes
# or brackets) and then a space, or a line break.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)\]]*\s|\n")
_OPENING = re.compile(r"\S*$")
_CLOSING = re.compile(r"^\S*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short text with the hit at `text[start:end]`."""

    text: str
    start: int
    end: int


def snippet_around(
    text: TokenizedText, first: int, last: int, width: int = SNIPPET_WIDTH
) -> Snippet:
    """The sentence holding words `first` to `last` (inclusive) of `text`.

    A sentence longer than `width` characters is cut at word boundaries around
    the hit, as evenly as it allows, and the cut ends are marked with "…".
    Whitespace runs become single spaces and HTML entities are decoded.
    """
    original, starts, ends = text.original, text.starts, text.ends
    hit_start, hit_end = starts[first], ends[last]
    budget = max(width - (hit_end - hit_start), 0)

    # The sentence, as far as the snippet could reach on either side.
    reach_start, reach_end = max(hit_start - budget, 0), min(hit_end + budget, len(original))
    sentence_start, opens = reach_start, reach_start == 0
    # (From a little earlier, to see a break that straddles the reach.)
    for found in _SENTENCE_BREAK.finditer(original, max(reach_start - 4, 0), hit_start):
        sentence_start, opens = found.end(), True
    sentence_end, closes = reach_end, reach_end == len(original)
    found_end = _SENTENCE_BREAK.search(original, hit_end, reach_end)
    if found_end is not None:
        sentence_end, closes = found_end.end() - 1, True
    lowest = bisect_left(starts, sentence_start)
    highest = max(bisect_right(ends, sentence_end) - 1, last)

    # Share the room between both sides; a side that needs less leaves it to the other.
    room_left, room_right = hit_start - starts[min(lowest, first)], ends[highest] - hit_end
    give_left = min(room_left, max(budget // 2, budget - room_right))
    give_right = min(room_right, budget - give_left)
    left = min(max(bisect_left(starts, hit_start - give_left), lowest), first)
    right = max(min(bisect_right(ends, hit_end + give_right) - 1, highest), last)
    cut_left = left > lowest or not opens
    cut_right = right < highest or not closes

    begin, finish = starts[left], ends[right]
    if not cut_left:  # keep an opening quote or bracket glued to the first word
        gap_start = ends[left - 1] if left > 0 else 0
        begin -= len(_OPENING.search(original, gap_start, begin).group())  # type: ignore[union-attr]
    if not cut_right:  # and the closing punctuation glued to the last word
        gap_end = starts[right + 1] if right + 1 < len(starts) else len(original)
        finish += len(_CLOSING.match(original[finish:gap_end]).group())  # type: ignore[union-attr]

    before = _clean(original[begin:hit_start]).lstrip()
    hit = _clean(original[hit_start:hit_end])
    after = _clean(original[hit_end:finish]).rstrip()
    if cut_left:
        before = ELLIPSIS + before
    if cut_right:
        after += ELLIPSIS
    return Snippet(before + hit + after, len(before), len(before) + len(hit))


def _clean(text: str) -> str:
    return _SPACES.sub(" ", decode_entities(text))
