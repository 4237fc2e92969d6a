"""Decide whether a page is an article at all.

Homepages, section and listing pages, video hubs and error pages are refused
with a short reason instead of being turned into an invented article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from crawler.extraction.jsonld import ARTICLE_TYPES, JsonLd
from crawler.extraction.metatags import MetaTags

_ERROR_TEXT = re.compile(
    r"\b(?:404|410|500|503)\b|p[áa]gina n[ãa]o (?:encontrada|existe)|page not found|"
    r"not found|conte[úu]do n[ãa]o encontrado|erro interno|p[áa]gina indispon[íi]vel|"
    r"service unavailable|internal server error",
    re.IGNORECASE,
)
_LISTING_TYPES = frozenset({"collectionpage", "searchresultspage", "profilepage", "itemlist"})
_MIN_TEXT_WITHOUT_DATE = 500
_MAX_LISTING_TEXT = 1500
_MIN_LISTING_LINKS = 12


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the page says about itself, gathered by the extractor."""

    title: str
    headline: str
    body_length: int
    has_date: bool


def metadata_refusal(root: HtmlElement, meta: MetaTags, jsonld: JsonLd) -> str | None:
    """Why the page's own metadata says it is not an article (checked before the
    costly body extraction), or None."""
    if _declares_article(root, meta, jsonld):
        return None
    og_type = meta.first("og:type").lower()
    if og_type and og_type != "article":
        return f"og:type {og_type} without article metadata"
    if jsonld.types & _LISTING_TYPES:
        return "JSON-LD says " + ", ".join(sorted(jsonld.types & _LISTING_TYPES))
    return None


def refusal_reason(
    root: HtmlElement, meta: MetaTags, jsonld: JsonLd, signals: PageSignals
) -> str | None:
    """Why the page is not an article, or None if it is one."""
    page_title = " ".join(filter(None, (signals.title, _first_h1(root))))
    if _ERROR_TEXT.search(page_title) and signals.body_length < _MAX_LISTING_TEXT:
        return "error page"
    declared = metadata_refusal(root, meta, jsonld)
    if declared is not None:
        return declared
    if (
        not _declares_article(root, meta, jsonld)
        and signals.body_length < _MAX_LISTING_TEXT
        and _headline_links(root) >= _MIN_LISTING_LINKS
    ):
        return "listing: many headline links, little running text"
    if not signals.headline:
        return "no headline"
    if not signals.has_date and signals.body_length < _MIN_TEXT_WITHOUT_DATE:
        return "no date and little text"
    return None


def _declares_article(root: HtmlElement, meta: MetaTags, jsonld: JsonLd) -> bool:
    return (
        bool(jsonld.types & ARTICLE_TYPES)
        or meta.first("og:type").lower() == "article"
        or _has_article_microdata(root)
    )


def _first_h1(root: HtmlElement) -> str:
    h1 = root.find(".//h1")
    return h1.text_content().strip()[:200] if h1 is not None else ""


def _has_article_microdata(root: HtmlElement) -> bool:
    for element in root.iterfind(".//*[@itemtype]"):
        kind = (element.get("itemtype") or "").rsplit("/", 1)[-1].lower()
        if kind in ARTICLE_TYPES:
            return True
    return False


def _headline_links(root: HtmlElement) -> int:
    count = 0
    for tag in ("h2", "h3", "h4"):
        for heading in root.iter(tag):
            if heading.find(".//a[@href]") is not None or (
                heading.getparent() is not None and (heading.getparent().tag == "a")
            ):
                count += 1
    return count
