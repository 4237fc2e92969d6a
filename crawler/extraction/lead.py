"""The lead (standfirst, subtitle): the sentence under the headline, not the first paragraph."""

from __future__ import annotations

import re
import unicodedata

from crawler.extraction.landmarks import Spot, nearest

_MIN_LEAD, _MAX_LEAD = 20, 700
_WINDOW_AFTER = 120
_MIN_SHARED_WORDS = 0.4
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*$")


def choose_lead(
    leads: list[Spot],
    headline_position: int | None,
    headline: str,
    descriptions: list[str],
    body: str,
) -> str:
    """The visible subtitle under the headline if there is one, else a metadata
    description that is not just the opening of the body."""
    texts = [re.sub(r"\s+", " ", d).strip() for d in descriptions]
    texts = [t for t in texts if len(t) >= _MIN_LEAD and _key(t) != _key(headline)]
    if headline_position is not None:
        for spot in nearest(leads, headline_position, before=0, after=_WINDOW_AFTER):
            if _MIN_LEAD <= len(spot.text) <= _MAX_LEAD and _key(spot.text) != _key(headline):
                return spot.text
    head_key = _key(headline)
    opening = [k for k in (_key(p) for p in body.split("\n\n")[:4]) if k and k != head_key]
    context = set(_words(headline + " " + body[:3000]))
    for text in texts:
        key = _key(_ELLIPSIS.sub("", text))
        if opening and key == opening[0]:
            return text  # shown as a standfirst, which the body extractor kept
        if key[:120] in "".join(opening):
            continue  # an excerpt of the opening paragraphs, not a standfirst
        words = _words(text)
        if words and sum(w in context for w in words) / len(words) < _MIN_SHARED_WORDS:
            continue  # a site-wide description ("Veja no UOL Carros notícias...")
        return text
    return ""


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w{5,}", text.casefold()) if not w.isdigit()]


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", folded)
