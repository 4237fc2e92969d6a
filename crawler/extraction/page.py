"""Turn an article page into an `Article`, or refuse it with `NotAnArticle`.

Sources: JSON-LD, meta tags, the visible page (its lines of text, headings, date
lines, standfirst, byline), the address, the listing that linked the page, then
trafilatura for the running text. The HTML is parsed once; every step reads the
same tree. Each field is chosen by agreement between independent signals (see
`headline`, `published`, `pagekind`), not by rules for particular sites.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from atalaia.article import Article, NotAnArticle
from crawler.extraction.authors import clean_authors
from crawler.extraction.body import extract_body, tidy_body
from crawler.extraction.headline import Headline, SiteNames, choose_headline
from crawler.extraction.htmldoc import EmptyDocument, parse_html, squash
from crawler.extraction.jsonld import JsonLd, read_jsonld, texts
from crawler.extraction.landmarks import Landmarks, Spot, find_landmarks, nearest
from crawler.extraction.language import choose_language
from crawler.extraction.lead import choose_lead
from crawler.extraction.metatags import MetaTags, read_meta
from crawler.extraction.pagekind import (
    EMPTY_PAGE,
    PageSignals,
    address_refusal,
    emptiness_refusal,
    layout_refusal,
)
from crawler.extraction.published import DateSignals, choose_dates
from crawler.extraction.textfix import repair_text
from crawler.urls import absolute, unarchive


def extract_article(
    html: bytes | str,
    url: str,
    *,
    outlet: str = "",
    timezone: str = "UTC",
    language: str = "",
    declared_charset: str | None = None,
    listed_at: datetime | None = None,
    now: datetime | None = None,
    hubs: Sequence[str] = (),
) -> Article:
    """The article on the page at `url`.

    `timezone` (IANA) is the outlet's: it is given to dates written without an
    offset, and UTC dates are expressed in it. `language` is the outlet's default,
    used when the page does not say. `listed_at` is the date the feed or sitemap
    gave the link (a further date candidate); `now` is when the page was fetched
    (for dates written "há 2 horas"); `hubs` are the outlet's homepage and section
    addresses. Raises `NotAnArticle` for homepages, section and listing pages,
    error pages and empty documents.
    """
    try:
        root = parse_html(html, declared_charset)
    except EmptyDocument as error:
        raise NotAnArticle(url, f"{EMPTY_PAGE}: {error}") from error
    meta = read_meta(root)
    jsonld = read_jsonld(root)
    canonical = _canonical(url, meta, jsonld)
    _refuse(url, address_refusal(url, hubs))  # before the costly work
    marks = find_landmarks(root)
    site_names = _site_names(outlet, meta, jsonld)
    section = _section(meta, jsonld)
    headline = choose_headline(
        marks.lines,
        marks.headings,
        _metadata_titles(root, meta, jsonld),
        SiteNames.of(site_names, canonical or url),
        url=url,
        labels=[section],
    )
    signals = DateSignals(
        url=canonical or url,
        timezone=timezone,
        headline_line=headline.line,
        headline_position=headline.position,
        listed_at=listed_at,
        now=now,
    )
    dates = choose_dates(root, jsonld, meta, marks, signals)
    page = PageSignals(
        headline=headline.text,
        headline_line=headline.line,
        title=_page_title(root),
        h1=_first_h1(marks),
    )
    _refuse(url, layout_refusal(root, meta, jsonld, marks.lines, page))
    body = extract_body(root, url)
    lead = choose_lead(
        marks.leads, headline.position, headline.text, _descriptions(meta, jsonld), body
    )
    body = tidy_body(body, drop=[headline.text, lead])
    text_length = len(body) + len(lead)
    has_date = dates.published is not None
    _refuse(url, emptiness_refusal(page, text_length=text_length, has_date=has_date))
    return Article(
        url=url,
        outlet=outlet,
        title=headline.text,
        canonical_url=canonical,
        lead=repair_text(lead),
        body=repair_text(body),
        authors=tuple(repair_text(a) for a in _authors(meta, jsonld, marks, headline, site_names)),
        published_at=dates.published,
        updated_at=dates.updated,
        published_source=dates.source,
        published_precision=dates.precision,
        language=_language(root, meta, jsonld, language),
        section=repair_text(section),
        tags=tuple(repair_text(t) for t in _tags(meta, jsonld)),
        image=_image(url, meta, jsonld),
    )


def _refuse(url: str, reason: str | None) -> None:
    """NotAnArticle with `reason`, when there is one."""
    if reason is not None:
        raise NotAnArticle(url, reason)


def _site_names(outlet: str, meta: MetaTags, jsonld: JsonLd) -> list[str]:
    """What the site calls itself (to tell its name from a headline)."""
    return [
        outlet,
        meta.first("og:site_name", "application-name", "apple-mobile-web-app-title"),
        *texts(jsonld.resolve(jsonld.article.get("publisher"))),
        *_website_names(jsonld),
    ]


def _language(root: HtmlElement, meta: MetaTags, jsonld: JsonLd, default: str) -> str:
    return choose_language(
        *texts(jsonld.article.get("inLanguage")),
        root.get("lang") or "",
        meta.first("og:locale", "content-language", "language"),
        default,
    )


def _website_names(jsonld: JsonLd) -> list[str]:
    return [
        name
        for node in jsonld.nodes_by_id.values()
        if str(node.get("@type", "")).lower()
        in ("website", "organization", "newsmediaorganization")
        for name in texts(node.get("name"))
    ]


def _first_h1(marks: Landmarks) -> str:
    return next((s.text for s in marks.headings if s.element.tag == "h1"), "")


def _metadata_titles(root: HtmlElement, meta: MetaTags, jsonld: JsonLd) -> list[tuple[str, float]]:
    """The titles the page gives itself, with how much each is trusted."""
    titles = [(t, 1.5) for t in texts(jsonld.article.get("headline"))[:1]]
    titles += [
        (meta.first("og:title"), 1.0),
        (meta.first("twitter:title"), 0.5),
        (meta.first("parsely-title", "dc.title", "title", "headline"), 0.5),
        (_page_title(root), 1.0),
    ]
    return [(title, weight) for title, weight in titles if title.strip()]


def _page_title(root: HtmlElement) -> str:
    title = root.find(".//title")
    return squash(title.text_content()) if title is not None else ""


def _descriptions(meta: MetaTags, jsonld: JsonLd) -> list[str]:
    return [
        *texts(jsonld.article.get("description")),
        meta.first("og:description"),
        meta.first("description", "twitter:description"),
    ]


def _canonical(url: str, meta: MetaTags, jsonld: JsonLd) -> str:
    main = jsonld.article.get("mainEntityOfPage")
    candidates = [
        meta.link("canonical"),
        meta.first("og:url"),
        *texts(jsonld.article.get("url")),
        *texts(main, "@id"),
    ]
    for candidate in candidates:
        resolved = absolute(candidate, url)
        if resolved:
            return resolved
    return unarchive(url)


def _section(meta: MetaTags, jsonld: JsonLd) -> str:
    raw = meta.first("article:section", "parsely-section", "section")
    if not raw:
        sections = texts(jsonld.article.get("articleSection"))
        raw = sections[0] if sections else ""
    return squash(raw.split(",")[0]) if raw else ""


def _tags(meta: MetaTags, jsonld: JsonLd) -> tuple[str, ...]:
    raw = meta.all("article:tag") or texts(jsonld.article.get("keywords"))
    if not raw:
        raw = [meta.first("news_keywords", "parsely-tags")]
    tags: list[str] = []
    for value in raw:
        for tag in value.split(","):
            tag = squash(tag)
            if tag and tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
    return tuple(tags)


def _image(url: str, meta: MetaTags, jsonld: JsonLd) -> str:
    candidates = [
        meta.first("og:image", "og:image:url", "og:image:secure_url"),
        *texts(jsonld.article.get("image"), "url"),
        meta.first("twitter:image", "twitter:image:src"),
    ]
    for candidate in candidates:
        resolved = absolute(candidate, url)
        if resolved:
            return resolved
    return ""


def _authors(
    meta: MetaTags, jsonld: JsonLd, marks: Landmarks, headline: Headline, outlets: list[str]
) -> tuple[str, ...]:
    """Authors from the most trusted source that names someone other than the outlet."""
    author = jsonld.article.get("author")
    authors = author if isinstance(author, list) else [author] if author else []
    from_ld = [name for a in authors for name in texts(jsonld.resolve(a))]
    byline = _byline(marks.bylines, headline)
    from_meta = [
        v
        for v in (meta.all("author") or meta.all("parsely-author") or meta.all("article:author"))
        if not v.startswith(("http://", "https://"))
    ]
    for source in (from_ld, byline, from_meta):
        names = clean_authors(source, outlets)
        if names:
            return names
    return ()


def _byline(bylines: list[Spot], headline: Headline) -> list[str]:
    if headline.position is None:
        return []
    spots = nearest(bylines, headline.position, before=100, after=600)
    names = [
        s.text
        for s in spots
        if (s.element.get("itemprop") or "").lower() in ("author", "creator")
        or s.element.tag in ("a", "address", "span", "p", "strong", "div")
    ]
    return names[:2]
