"""Portuguese-aware normalization: the text as matching sees it.

Matching compares *words*, not characters. A word is a run of letters and digits
(with any combining accents); everything else (spaces of every kind, hyphens and
dashes, apostrophes, punctuation) only separates words. Each word is folded:
Unicode compatibility-decomposed, case-folded and stripped of its accents, so that
"Rússia", "RUSSIA", "Ru\\u0301ssia" (decomposed) and "rússia" are the same word, and
"Coréia" equals "Coreia" and "ação" equals "acao". HTML entities are decoded
first ("R&uacute;ssia" is "Rússia").

`tokenize` keeps, for every word, its offsets in the *original* text, so a hit
found in the folded words can be shown in the text as it was written.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate

__all__ = ["TokenizedText", "fold", "normalize", "tokenize"]

# Letters and digits, plus the combining marks that decomposed (NFD) text puts
# after a letter; "_" is excluded because \w includes it.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f"
    "\u0900-\u0903\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_WORD = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
_MARK = re.compile(f"[{_MARKS}]")
_LETTERS = re.compile(r"([^\W_]+)")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_SPACE = re.compile(r"\s+")


def fold(word: str) -> str:
    """Fold one word: case-folded, compatibility-decomposed, accents removed.

    >>> fold("RÚSSIA"), fold("Coréia"), fold("Ação")
    ('russia', 'coreia', 'acao')
    """
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Compatibility decomposition can introduce spaces; a word never holds one.
    return _SPACE.sub("", kept)


class _FoldTable(dict[int, str]):
    """A `str.translate` table that folds word characters and blanks the rest.

    Folding is per character (case folding and compatibility decomposition are,
    and every accent dropped is a combining mark), so translating a text folds
    each of its words in one C-level pass; non-word characters become spaces.
    Entries are computed the first time a character is seen.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold(char) if _WORD.fullmatch(char) else " "
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()

# The fast path, for text in the Latin script (nearly all Portuguese news): the
# whole text is case-folded and decomposed in C, its accents dropped, and what
# is left is ASCII, where a table lookup is cheap. `_SLOW` finds a character for
# which that would not fold exactly as `_FOLD_TABLE` does; text with one takes
# the table path.
_ACCENTS = re.compile("[\u0300-\u036f]+")
_ASCII_TABLE = str.maketrans({chr(c): chr(c) if chr(c).isalnum() else " " for c in range(128)})
_FAST_BLOCKS = ((0x80, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20C0))


def _fast_fold(text: str) -> str:
    folded = _ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return folded.encode("ascii", "replace").decode("ascii").translate(_ASCII_TABLE)


def _fast_fold_is_exact(char: str) -> bool:
    fast = _fast_fold(char)
    return fast == _FOLD_TABLE[ord(char)] or (fast.isspace() and _FOLD_TABLE[ord(char)] == " ")


def _slow_chars() -> re.Pattern[str]:
    exact = [
        chr(code)
        for first, end in _FAST_BLOCKS
        for code in range(first, end)
        if _fast_fold_is_exact(chr(code))
    ]
    return re.compile("[^\x00-\x7f" + re.escape("".join(exact)) + "]")


_SLOW = _slow_chars()


def _fold_words(text: str) -> list[str]:
    if _SLOW.search(text) is None:
        return _fast_fold(text).split()
    return text.translate(_FOLD_TABLE).split()


class TokenizedText:
    """The folded words of a text, with where each one is in the original text.

    `words[i]` is the folded form of `original[starts[i]:ends[i]]` (after HTML
    entities are decoded; the offsets are those of the undecoded original).
    The offsets are only worked out when first asked for (for snippets).
    """

    __slots__ = ("_ends", "_starts", "original", "words")

    def __init__(self, original: str, words: list[str]) -> None:
        self.original = original
        self.words = words
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        return f"TokenizedText({self.original!r}, {self.words!r})"

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts, self._ends = _offsets(self.original, len(self.words))
        return self._starts

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._starts, self._ends = _offsets(self.original, len(self.words))
        return self._ends

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Original offsets covering words `first` to `last` (both included)."""
        return self.starts[first], self.ends[last]


def tokenize(text: str) -> TokenizedText:
    """Split `text` into folded words (offsets into `text` come on demand)."""
    return TokenizedText(text, _fold_words(decode_entities(text)))


def _offsets(text: str, count: int) -> tuple[list[int], list[int]]:
    """Where each of the `count` words of `text` starts and ends."""
    decoded, segments = _decode_entities(text)
    if segments is None and _MARK.search(decoded) is None:
        # Text without combining marks (nearly all): the words are the odd
        # pieces of a split, and the offsets the running sums of the lengths.
        edges = list(accumulate(map(len, _LETTERS.split(decoded))))
        if len(edges) == 2 * count + 1:
            return edges[0:-1:2], edges[1::2]
    runs = [found.span() for found in _WORD.finditer(decoded)]
    if len(runs) != count:  # some runs are stray combining marks, which fold to nothing
        runs = [(a, b) for a, b in runs if decoded[a:b].translate(_FOLD_TABLE).strip()]
    if segments is not None:
        runs = [(segments.original_start(a), segments.original_end(b)) for a, b in runs]
    return [start for start, _ in runs], [end for _, end in runs]


def normalize(text: str) -> str:
    """The folded words of `text` joined by single spaces."""
    return " ".join(tokenize(text).words)


def decode_entities(text: str) -> str:
    """`text` with HTML character references decoded."""
    return html.unescape(text) if "&" in text else text


class _Segments:
    """Maps offsets in entity-decoded text back to the undecoded original.

    The decoded text is a sequence of segments, each either copied verbatim from
    the original or the decoding of one entity. Offsets inside a verbatim segment
    shift by a constant; offsets inside an entity snap to the entity's edges.
    """

    def __init__(self) -> None:
        self.decoded_starts: list[int] = []
        self.rows: list[tuple[int, int, int, int, bool]] = []

    def add(self, decoded: tuple[int, int], original: tuple[int, int], verbatim: bool) -> None:
        self.decoded_starts.append(decoded[0])
        self.rows.append((decoded[0], decoded[1], original[0], original[1], verbatim))

    def original_start(self, offset: int) -> int:
        index = max(bisect_right(self.decoded_starts, offset) - 1, 0)
        dec_start, _dec_end, orig_start, _orig_end, verbatim = self.rows[index]
        return orig_start + (offset - dec_start) if verbatim else orig_start

    def original_end(self, offset: int) -> int:
        index = max(bisect_right(self.decoded_starts, offset - 1) - 1, 0)
        dec_start, _dec_end, orig_start, orig_end, verbatim = self.rows[index]
        return orig_start + (offset - dec_start) if verbatim else orig_end


def _decode_entities(text: str) -> tuple[str, _Segments | None]:
    if "&" not in text:
        return text, None
    segments = _Segments()
    pieces: list[str] = []
    decoded_length = 0
    copied_to = 0
    for entity in _ENTITY.finditer(text):
        replacement = html.unescape(entity.group())
        if replacement == entity.group():
            continue  # not an entity after all: stays in the verbatim run
        start, end = entity.span()
        if start > copied_to:
            verbatim = text[copied_to:start]
            segments.add((decoded_length, decoded_length + len(verbatim)), (copied_to, start), True)
            pieces.append(verbatim)
            decoded_length += len(verbatim)
        segments.add((decoded_length, decoded_length + len(replacement)), (start, end), False)
        pieces.append(replacement)
        decoded_length += len(replacement)
        copied_to = end
    if copied_to == 0 and not pieces:
        return text, None
    rest = text[copied_to:]
    segments.add((decoded_length, decoded_length + len(rest)), (copied_to, len(text)), True)
    pieces.append(rest)
    return "".join(pieces), segments
