"""Choose the real headline: the visible heading that agrees with the metadata titles.

`og:title` often carries " | Outlet" or " - Notícias" suffixes, and `<h1>` is
sometimes the section name (the headline then sits in an `<h2>`). The visible
heading that best matches a metadata title wins; without one, the cleanest
metadata title is used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from crawler.extraction.landmarks import Spot

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|•|·)\s+")
_GENERIC_SUFFIXES = frozenset(
    {"noticias", "notícias", "news", "ultimas noticias", "últimas notícias", "jornal", "portal"}
)
_DATE_LIKE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_AGREEMENT = 0.85


@dataclass(frozen=True, slots=True)
class Headline:
    text: str
    spot: Spot | None  # the visible heading, when one agreed with the metadata


def choose_headline(headings: list[Spot], titles: list[str], noise: list[str]) -> Headline:
    """`titles` are metadata titles in order of trust (JSON-LD, og:title, ..., <title>)."""
    cleaned = [clean_title(t, noise) for t in titles if t.strip()]
    candidates = [c for c in cleaned if c]
    best: tuple[float, int, Spot] | None = None
    for rank, spot in enumerate(headings[:60]):
        score = max((agreement(spot.text, title) for title in candidates), default=0.0)
        if score >= _AGREEMENT and (best is None or score > best[0]):
            best = (score, rank, spot)
            if score >= 1.0:
                break
    if best is not None:
        return Headline(best[2].text, best[2])
    if candidates:
        return Headline(candidates[0], None)
    h1s = [s for s in headings if s.element.tag == "h1" and len(s.text.split()) >= 3]
    return Headline(h1s[0].text, h1s[0]) if h1s else Headline("", None)


def agreement(visible: str, title: str) -> float:
    a, b = _norm(visible), _norm(title)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if b.startswith(a) and len(a) >= 0.5 * len(b):
        return 0.95
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < _AGREEMENT or matcher.quick_ratio() < _AGREEMENT:
        return 0.0
    return matcher.ratio()


def clean_title(title: str, noise: list[str]) -> str:
    """`title` without trailing " | Outlet", " - Notícias", " - 21/12/2018" segments.

    `noise` names what may be tacked on: the outlet, the site name, the section.
    """
    text = re.sub(r"\s+", " ", title).strip()
    names = {_norm(n) for n in noise if n.strip()}
    while True:
        separators = list(_SEPARATORS.finditer(text))
        if not separators:
            return text
        last, first = separators[-1], separators[0]
        if _is_suffix(text[last.end() :], names):
            text = text[: last.start()].strip()
        elif _norm(text[: first.start()]) in names:
            text = text[first.end() :].strip()
        else:
            return text


def _is_suffix(part: str, names: set[str]) -> bool:
    norm = _norm(part)
    if not norm or norm in _GENERIC_SUFFIXES or _DATE_LIKE.match(norm):
        return True
    return any(norm == n or (len(norm) >= 2 and (norm in n or n in norm)) for n in names)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\"'“”‘’«»]", "", text)
    return re.sub(r"\s+", " ", text).strip()
