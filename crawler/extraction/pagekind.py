"""Decide whether a page is an article: refuse only on strong evidence.

A page linked from an outlet's feed or sitemap is an article unless proven
otherwise. The evidence, each a kind of refusal counted per outlet:

- "homepage": the address (or the page's canonical address) is a site's root;
- "section page": it is one of the outlet's own section or hub pages;
- "listing": the page is mostly a list of headline links with little prose of
  its own (a video hub, a tag page, a homepage at another address);
- "soft 404": the page says it is an error ("Página não encontrada", "Erro 404")
  and has no article text;
- "empty page": no headline, or no text and no date at all.

`og:type website`, a number in the title ("Rússia ataca com 500 drones",
"BR-404") or a missing `<h1>` are not evidence. When in doubt, the article is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from crawler.extraction.jsonld import ARTICLE_TYPES, JsonLd
from crawler.extraction.landmarks import Line
from crawler.extraction.metatags import MetaTags

HOMEPAGE = "homepage"
SECTION_PAGE = "section page"
LISTING = "listing"
SOFT_404 = "soft 404"
EMPTY_PAGE = "empty page"
HTTP_ERROR = "http error"
REFUSAL_KINDS = (HOMEPAGE, SECTION_PAGE, LISTING, SOFT_404, EMPTY_PAGE, HTTP_ERROR)
"""The reasons a page is refused, as counted per outlet (a reason reads 'kind: detail')."""

_ERROR_PHRASE = re.compile(
    r"p[áa]gina n[ãa]o (?:encontrada|existe|localizada)|page not found|"
    r"conte[úu]do n[ãa]o (?:encontrado|dispon[íi]vel|existe)|"
    r"not[íi]cia n[ãa]o (?:encontrada|dispon[íi]vel)|p[áa]gina indispon[íi]vel|"
    r"\b(?:erro|error)\s*:?\s*(?:404|410|500|502|503)\b|\b(?:404|410)\s*(?:-|–|:)?\s*"
    r"(?:not found|n[ãa]o encontrad[ao]|p[áa]gina)|"
    r"internal server error|service unavailable|erro interno do servidor|"
    r"^\W*(?:404|410|500|502|503)\W*$|ops!? algo deu errado",
    re.IGNORECASE,
)
_LISTING_TYPES = frozenset({"collectionpage", "searchresultspage", "itemlist", "profilepage"})
_HEADLINE_LINK_WORDS = 4
_HEADLINE_LINK_CHARS = 20
_MAX_HEADLINE_LINK = 200
_OWN_REACH = 8  # lines under the headline where its own text is looked for
_OWN_TEXT = 150
_PROSE_LINE = 40  # a line this long, not a link, is running text
_TEASER_REACH = 2  # lines next to a headline link
_TEASER_TEXT = 300  # ... and shorter than this are its summary, not the page's prose
_MIN_LISTING_LINKS = 3
_MANY_LINKS = 5
_LISTING_PROSE = 250
_LISTING_SHARE = 0.2  # own prose below this share of the headline links' text
_ERROR_BODY = 600
_ERROR_OTHER_WORDS = 3
_EMPTY_TEXT = 100


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the extractor found on the page, for deciding what kind of page it is."""

    headline: str
    headline_line: int | None  # the index of the headline's line, when a line shows it
    title: str  # the page's <title>
    h1: str


@dataclass(frozen=True, slots=True)
class Structure:
    """How much of the page is headline links, and how much is its own prose."""

    headline_links: int
    link_text: int
    prose: int


def address_refusal(url: str, hubs: Iterable[str] = ()) -> str | None:
    """Why the page's address says it is no article (checked before any other work).

    Only the address the page was fetched from counts: a canonical link that
    points at the homepage is a common CMS mistake on real articles.
    """
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.path in ("", "/") and not parts.query:
        return f"{HOMEPAGE}: {url}"
    if _hub_key(url) in {_hub_key(hub) for hub in hubs if hub}:
        return f"{SECTION_PAGE}: {url}"
    return None


def layout_refusal(
    root: HtmlElement, meta: MetaTags, jsonld: JsonLd, lines: Sequence[Line], page: PageSignals
) -> str | None:
    """Why the page's layout says it is no article (an error page, a listing), or
    None. Needs only the page's lines: checked before the costly body extraction."""
    structure = measure(lines)
    error = _error_phrase(page)
    if error and structure.prose < _ERROR_BODY:
        return f"{SOFT_404}: the page says {error!r} and has no article text"
    declared = declares_article(root, meta, jsonld)
    listing_type = bool(jsonld.types & _LISTING_TYPES)
    if _own_text(lines, page) < _OWN_TEXT and _is_listing(
        structure, declared=declared, listing_type=listing_type
    ):
        return (
            f"{LISTING}: {structure.headline_links} headline links, "
            f"{structure.prose} characters of running text"
        )
    return None


def emptiness_refusal(page: PageSignals, *, text_length: int, has_date: bool) -> str | None:
    """Why the page is empty: no headline at all, or neither text nor a date."""
    if not page.headline:
        return f"{EMPTY_PAGE}: no headline"
    if not has_date and text_length < _EMPTY_TEXT:
        return f"{EMPTY_PAGE}: no date and no article text"
    return None


def refusal_kind(reason: str) -> str:
    """The kind of a refusal reason ('listing: 12 headline links...' -> 'listing')."""
    kind = reason.split(":", 1)[0].strip()
    return kind if kind in REFUSAL_KINDS else "other"


def measure(lines: Sequence[Line]) -> Structure:
    """Count the headline links (standalone links worded like a headline) and the
    page's own prose: lines of running text that are no link, out of menus and
    footers, and not the summary next to a headline link."""
    headline_links: dict[str, int] = {}
    teaser_text = _teaser_lines(lines)
    for line in lines:
        if _is_headline_link(line):
            assert line.link is not None
            headline_links.setdefault(line.link, len(line.text))
    prose = sum(
        len(line.text) for line in lines if _is_prose(line) and line.index not in teaser_text
    )
    return Structure(len(headline_links), sum(headline_links.values()), prose)


def _own_text(lines: Sequence[Line], page: PageSignals) -> int:
    """The running text right under the page's own headline (a real headline: a
    line that is no link, worded like one); 0 when there is none."""
    index = page.headline_line
    if index is None or index >= len(lines) or lines[index].link is not None:
        return 0
    if len([w for w in page.headline.split() if any(c.isalpha() for c in w)]) < 3:
        return 0
    teaser_text = _teaser_lines(lines[index : index + _OWN_REACH + 1])
    return sum(
        len(line.text)
        for line in lines[index + 1 : index + _OWN_REACH + 1]
        if _is_prose(line) and line.index not in teaser_text
    )


def _teaser_lines(lines: Sequence[Line]) -> set[int]:
    """Lines that are the summary of a teaser: just after a headline link, or just
    before one (a kicker), and short."""
    near: set[int] = set()
    for line in lines:
        if _is_headline_link(line):
            near.update(range(line.index + 1, line.index + _TEASER_REACH + 1))
            near.add(line.index - 1)
    return {line.index for line in lines if line.index in near and len(line.text) < _TEASER_TEXT}


def _is_prose(line: Line) -> bool:
    return not line.furniture and line.link is None and len(line.text) >= _PROSE_LINE


def _is_headline_link(line: Line) -> bool:
    """A standalone link worded like a headline (not a sentence, not a summary)."""
    text = line.text
    return (
        line.link is not None
        and not line.furniture
        and _HEADLINE_LINK_CHARS <= len(text) <= _MAX_HEADLINE_LINK
        and len(text.split()) >= _HEADLINE_LINK_WORDS
        and not text.endswith(".")
    )


def declares_article(root: HtmlElement, meta: MetaTags, jsonld: JsonLd) -> bool:
    """Whether the page's own metadata calls it an article."""
    return (
        bool(jsonld.types & ARTICLE_TYPES)
        or meta.first("og:type").lower() == "article"
        or _has_article_microdata(root)
    )


def _is_listing(structure: Structure, *, declared: bool, listing_type: bool) -> bool:
    """Mostly a list of headline links with little prose of its own.

    A page that declares itself an article is a listing only when it has no prose
    at all; other pages when their prose is short (a few teasers, or a JSON-LD
    CollectionPage) or small beside the text of their many headline links.
    """
    links, prose = structure.headline_links, structure.prose
    if links < _MIN_LISTING_LINKS:
        return False
    if declared:
        return links >= _MANY_LINKS and prose < _PROSE_LINE
    if prose < _PROSE_LINE:
        return True
    if prose < _LISTING_PROSE and (links >= _MANY_LINKS or listing_type):
        return True
    return links >= 3 * _MIN_LISTING_LINKS and prose < _LISTING_SHARE * structure.link_text


def _error_phrase(page: PageSignals) -> str:
    """The error message that the page's `<h1>`, title or headline is (not merely
    mentions: "Erro 404? Estudantes relatam falha no site" is a headline)."""
    for text in (page.h1, page.title, page.headline):
        matches = list(_ERROR_PHRASE.finditer(text[:200])) if text else []
        if not matches:
            continue
        rest = _ERROR_PHRASE.sub(" ", text[:200])
        if len(re.findall(r"\w+", rest)) <= _ERROR_OTHER_WORDS:  # "Ops!", "| Gazeta Central"
            return matches[0].group().strip()
    return ""


def _has_article_microdata(root: HtmlElement) -> bool:
    for element in root.iterfind(".//*[@itemtype]"):
        kind = (element.get("itemtype") or "").rsplit("/", 1)[-1].lower()
        if kind in ARTICLE_TYPES:
            return True
    return False


def _hub_key(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"
