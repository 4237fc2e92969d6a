"""One pass over the page: its visible lines, and the parts an article header is made of.

The walk gives every element a position (its index in document order) and cuts
the visible text into lines the way a browser breaks it: at block elements and
`<br>`. Each line knows whether it is the text of one link and whether it sits in
page furniture (menus, footers, sidebars). Headline, dates and page kind are
decided from these lines, so they hold on CMSs that use no telling class names.

Headings, date elements, standfirsts and bylines found by their markup are kept
as `Spot`s with their position, so later steps can pick the ones nearest the real
headline rather than the first on the page (related-article teasers carry dates
and headings too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

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
_SPOT_TAGS = frozenset({"h1", "h2", "time"})
_TEASER_DEPTH = 4
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "head", "meta", "link", "select",
     "button", "iframe", "object", "title"}
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
     "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "section", "article",
     "header", "footer", "nav", "aside", "main", "figure", "figcaption", "blockquote", "pre",
     "form", "fieldset", "address", "hr", "br", "center", "details", "summary", "option",
     "frame", "iframe", "img", "input", "textarea"}
)  # fmt: skip
_FURNITURE_TAGS = frozenset({"nav", "footer", "aside"})
_MAX_DATE_TEXT = 120
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Spot:
    """A visible element and its position in document order."""

    position: int
    element: HtmlElement
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    """One visual line of text: what lies between two block boundaries.

    `block` is the element that opened the line (None for text that follows the
    end of a block); `link` is the target when the whole line is one link's text.
    """

    index: int
    position: int
    text: str
    block: HtmlElement | None
    link: str | None
    furniture: bool


@dataclass(slots=True)
class Landmarks:
    headings: list[Spot] = field(default_factory=list)
    datelines: list[Spot] = field(default_factory=list)
    leads: list[Spot] = field(default_factory=list)
    bylines: list[Spot] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    def line_at(self, position: int) -> Line | None:
        """The first line that starts at or after `position`."""
        low, high = 0, len(self.lines)
        while low < high:
            middle = (low + high) // 2
            if self.lines[middle].position < position:
                low = middle + 1
            else:
                high = middle
        return self.lines[low] if low < len(self.lines) else None


def find_landmarks(root: HtmlElement) -> Landmarks:
    found = Landmarks()
    body = root.find("body")
    if body is None:
        return found
    _LineCutter(found).walk(body)
    return found


class _LineCutter:
    """Walks the tree once, collecting spots and cutting the text into lines.

    The parser keeps trees at most 256 levels deep, so the recursion is bounded.
    """

    def __init__(self, found: Landmarks) -> None:
        self.found = found
        self.position = 1  # the body is 0
        self.parts: list[str] = []
        self.link_chars = 0
        self.text_chars = 0
        self.hrefs: set[str] = set()
        self.line_position = 0
        self.line_block: HtmlElement | None = None
        self.line_furniture = False
        self.furniture = 0
        self.links: list[str] = []

    def walk(self, body: HtmlElement) -> None:
        if body.text:
            self._add(body.text)
        self._children(body)
        self._flush(None, self.position)

    def _children(self, parent: HtmlElement) -> None:
        for element in parent:
            tag = element.tag
            if not isinstance(tag, str) or tag in _SKIP_TAGS:
                if isinstance(tag, str):
                    self.position += 1
                if element.tail:
                    self._add(element.tail)
                continue
            position = self.position
            self.position += 1
            block = tag in _BLOCK_TAGS
            if block:
                self._flush(element, position)
            furniture = tag in _FURNITURE_TAGS
            if furniture:
                self.furniture += 1
                self.line_furniture = True
            link = tag == "a"
            if link:
                self.links.append((element.get("href") or "").strip())
            self._spot(position, element, tag)
            if element.text:
                self._add(element.text)
            if len(element):
                self._children(element)
            if link:
                self.links.pop()
            if furniture:
                self.furniture -= 1
            if block:
                self._flush(None, self.position)
            if element.tail:
                self._add(element.tail)

    def _add(self, text: str) -> None:
        length = len(text.strip())
        if not length:
            self.parts.append(" ")
            return
        self.parts.append(text)
        self.text_chars += length
        if self.links:
            self.link_chars += length
            self.hrefs.add(self.links[-1])

    def _flush(self, block: HtmlElement | None, position: int) -> None:
        if self.text_chars:
            text = _SPACE.sub(" ", "".join(self.parts)).strip()
            link = None
            if len(self.hrefs) == 1 and self.link_chars >= 0.9 * self.text_chars:
                link = next(iter(self.hrefs))
            lines = self.found.lines
            lines.append(
                Line(len(lines), self.line_position, text, self.line_block, link,
                     self.line_furniture)
            )  # fmt: skip
            self.parts.clear()
            self.link_chars = self.text_chars = 0
            self.hrefs.clear()
        elif self.parts:
            self.parts.clear()
        self.line_position, self.line_block = position, block
        self.line_furniture = self.furniture > 0

    def _spot(self, position: int, element: HtmlElement, tag: str) -> None:
        itemprop = element.get("itemprop")
        css = element.get("class")
        kinds = _class_kinds(css) if css else _NO_KINDS
        if not itemprop and tag not in _SPOT_TAGS and not kinds:
            return
        found = self.found
        itemprop = (itemprop or "").lower()
        if tag in ("h1", "h2") or itemprop == "headline":
            _add(found.headings, position, element, limit=400)
        is_date = tag == "time" or itemprop in ("datepublished", "datecreated") or "date" in kinds
        if is_date and not _in_teaser(element):
            _add(found.datelines, position, element, limit=_MAX_DATE_TEXT)
        if itemprop in ("alternativeheadline", "description") or "lead" in kinds:
            _add(found.leads, position, element, limit=1000)
        is_author = itemprop in ("author", "creator") or "author" in kinds
        if is_author and not _in_teaser(element):
            _add(found.bylines, position, element, limit=200)


_NO_KINDS: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def _class_kinds(css: str) -> frozenset[str]:
    """What a class attribute marks: "date", "lead", "author", "teaser" (pages repeat
    their class names, so each is read once)."""
    css = css.lower()
    kinds = {
        kind
        for kind, pattern in (
            ("date", _DATE_CLASS), ("lead", _LEAD_CLASS), ("author", _AUTHOR_CLASS),
        )
        if pattern.search(css)
    }  # fmt: skip
    return frozenset(kinds)


@lru_cache(maxsize=4096)
def _is_teaser_class(css: str) -> bool:
    return bool(_TEASER_CLASS.search(css.lower()))


def _in_teaser(element: HtmlElement) -> bool:
    """Whether the element belongs to a teaser of another article (related links, cards)."""
    node: HtmlElement | None = element
    for _ in range(_TEASER_DEPTH):
        if node is None:
            return False
        css = node.get("class")
        if css and _is_teaser_class(css):
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
