"""Article links on a section (listing) page, chosen by a URL-path pattern.

A teaser's anchor often wraps more than the headline: a kicker ("Política"), the
headline, a summary. The title of a link is its headline's text: a heading element
inside the anchor, or an element named as the title; failing both, the anchor's text
without its kicker and summary (told by their class names, or by structure: a short
first line before a longer one).
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from atalaia.article import ArticleLink
from crawler.extraction.htmldoc import EmptyDocument, parse_html, squash, text_of

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TITLE_PART = re.compile(r"(?:^|[-_])(?:title|titulo|headline|manchete|heading|hed)(?:$|[-_])")
_ASIDE_PART = re.compile(
    r"kicker|chapeu|eyebrow|overline|antetitulo|pretitle|supertitle|(?:^|[-_])hat(?:$|[-_])|"
    r"rubric|label|(?:^|[-_])tag|categor|editoria|cartola|selo|section|"
    r"summary|resumo|(?:^|[-_])lead|standfirst|(?:^|[-_])dek|excerpt|subtitle|descri|"
    r"linha-fina|(?:^|[-_])olho|sutia|byline|author|(?:^|[-_])date|time|meta"
)
_ASIDE_TAGS = frozenset({"time", "small", "figcaption", "script", "style", "noscript", "button"})
_KICKER_WORDS = 3
# Ranks of a title, best last: anchor text, text without kicker, a named or heading element.
_PLAIN, _STRUCTURE, _HEADLINE = 0, 1, 2


def parse_section(
    html: bytes | str,
    base_url: str,
    pattern: str | re.Pattern[str],
    *,
    declared_charset: str | None = None,
) -> list[ArticleLink]:
    """Absolute links whose URL path matches `pattern` (`re.search`), in page order, once each.

    Teasers often link one article from an image, a kicker and a headline: the title
    kept is the best headline found among its anchors (see module docstring).
    """
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    try:
        root = parse_html(html, declared_charset)
    except EmptyDocument:
        return []
    base = root.find(".//base[@href]")
    page_url = urljoin(base_url, base.get("href", "")) if base is not None else base_url
    titles: dict[str, tuple[int, str]] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urldefrag(urljoin(page_url, href)).url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not regex.search(parts.path):
            continue
        rank, title = headline_of(anchor)
        if not title:
            rank, title = _PLAIN, (anchor.get("title") or "").strip()
        best = titles.get(url)
        if best is None or (rank, len(title)) > (best[0], len(best[1])):
            titles[url] = (rank, title)
    return [ArticleLink(url=url, title=title) for url, (_, title) in titles.items()]


def headline_of(anchor: HtmlElement) -> tuple[int, str]:
    """The headline text of a teaser's anchor, and how sure it is (a rank, higher better)."""
    if _inside_heading(anchor):
        return _HEADLINE, text_of(anchor)
    for node in anchor.iterdescendants():
        if not isinstance(node.tag, str):
            continue
        if node.tag in _HEADINGS or _has_part(node, _TITLE_PART):
            text = text_of(node)
            if text:
                return _HEADLINE, text
    lines = _lines(anchor)
    if len(lines) >= 2 and not (anchor.text or "").strip():
        longest = max(len(line.split()) for line in lines)
        while len(lines) > 1 and len(lines[0].split()) <= _KICKER_WORDS < longest:
            lines = lines[1:]
        return _STRUCTURE, lines[0]
    text = squash(" ".join(lines))
    return (_STRUCTURE if text != text_of(anchor) else _PLAIN), text


def _inside_heading(anchor: HtmlElement) -> bool:
    parent = anchor.getparent()
    return (
        parent is not None
        and parent.tag in _HEADINGS
        and squash(text_of(parent)) == squash(text_of(anchor))
    )


def _lines(anchor: HtmlElement) -> list[str]:
    """The anchor's text, one entry per child element (asides left out) and loose text."""
    lines = []
    if (anchor.text or "").strip():
        lines.append(squash(anchor.text))
    for child in anchor:
        aside = not isinstance(child.tag, str) or child.tag in _ASIDE_TAGS
        if not aside and not _has_part(child, _ASIDE_PART):
            text = text_of(child)
            if text:
                lines.append(text)
        if (child.tail or "").strip():
            lines.append(squash(child.tail))
    return lines


def _has_part(element: HtmlElement, pattern: re.Pattern[str]) -> bool:
    """Whether one of the element's classes (its BEM element part: `c-card__kicker` is
    a kicker, not a card) matches `pattern`."""
    for name in (element.get("class") or "").lower().split():
        part = name.split("__")[-1].split("--")[0]
        if pattern.search(part):
            return True
    return False
