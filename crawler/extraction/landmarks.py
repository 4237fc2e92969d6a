"""One pass over the page to find the visible parts an article header is made of.

Headings, date lines, standfirsts and bylines are collected with their position
in document order, so later steps can pick the ones nearest the real headline
rather than the first one on the page (related-article teasers carry dates and
headings too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from crawler.extraction.htmldoc import has_hidden_parts, text_of, visible_text_of

_DATE_CLASS = re.compile(r"date|time|data|dateline|publica|hora|fecha")
_LEAD_CLASS = re.compile(
    r"sub-?title|standfirst|linha-?fina|bigode|article__lead|story__blurb|\blead\b|"
    r"dek\b|summary|sutia|olho"
)
_AUTHOR_CLASS = re.compile(r"author|byline|autor|assinatura|signature")
_TEASER_CLASS = re.compile(
    r"thumb|related|relacionad|teaser|card|recommend|mais-lidas|most-read|headline__|"
    r"c-headline|chamada|widget|sidebar|comment"
)
_TEASER_DEPTH = 4
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "meta", "link"})
_MAX_DATE_TEXT = 120


@dataclass(frozen=True, slots=True)
class Spot:
    """A visible element and its position in document order."""

    position: int
    element: HtmlElement
    text: str


@dataclass(slots=True)
class Landmarks:
    headings: list[Spot] = field(default_factory=list)
    datelines: list[Spot] = field(default_factory=list)
    leads: list[Spot] = field(default_factory=list)
    bylines: list[Spot] = field(default_factory=list)


def find_landmarks(root: HtmlElement) -> Landmarks:
    found = Landmarks()
    body = root.find("body")
    if body is None:
        return found
    for position, element in enumerate(body.iter()):
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        itemprop = (element.get("itemprop") or "").lower()
        css = (element.get("class") or "").lower()
        if tag in ("h1", "h2") or itemprop == "headline":
            _add(found.headings, position, element, limit=400)
        is_date = tag == "time" or itemprop in ("datepublished", "datecreated")
        if (is_date or (css and _DATE_CLASS.search(css))) and not _in_teaser(element):
            _add(found.datelines, position, element, limit=_MAX_DATE_TEXT)
        if itemprop in ("alternativeheadline", "description") or (css and _LEAD_CLASS.search(css)):
            _add(found.leads, position, element, limit=1000)
        is_author = itemprop in ("author", "creator") or (css and _AUTHOR_CLASS.search(css))
        if is_author and not _in_teaser(element):
            _add(found.bylines, position, element, limit=200)
    return found


def _in_teaser(element: HtmlElement) -> bool:
    """Whether the element belongs to a teaser of another article (related links, cards)."""
    node: HtmlElement | None = element
    for _ in range(_TEASER_DEPTH):
        if node is None:
            return False
        if _TEASER_CLASS.search((node.get("class") or "").lower()):
            return True
        node = node.getparent()
    return False


def _add(spots: list[Spot], position: int, element: HtmlElement, *, limit: int) -> None:
    text = text_of(element)
    if text and len(text) <= limit and has_hidden_parts(element):
        text = visible_text_of(element)
    if text and len(text) <= limit:
        spots.append(Spot(position, element, text))


def nearest(spots: list[Spot], position: int, *, before: int, after: int) -> list[Spot]:
    """Spots within the window around `position`, nearest first (after wins ties)."""
    window = [s for s in spots if -before <= s.position - position <= after]
    return sorted(window, key=lambda s: (abs(s.position - position), s.position < position))
