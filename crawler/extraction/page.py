"""Turn an article page into an `Article`, or refuse it with `NotAnArticle`.

Sources, most trusted first: JSON-LD, meta tags, the visible page (headings,
date line, standfirst, byline), then trafilatura for the running text. The HTML
is parsed once; every step reads the same tree.
"""

from __future__ import annotations

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from atalaia.article import Article, NotAnArticle
from crawler.extraction.authors import clean_authors
from crawler.extraction.body import extract_body, tidy_body
from crawler.extraction.headline import Headline, choose_headline
from crawler.extraction.htmldoc import EmptyDocument, parse_html, squash
from crawler.extraction.jsonld import JsonLd, read_jsonld, texts
from crawler.extraction.landmarks import Landmarks, Spot, find_landmarks, nearest
from crawler.extraction.language import choose_language
from crawler.extraction.lead import choose_lead
from crawler.extraction.metatags import MetaTags, read_meta
from crawler.extraction.pagekind import PageSignals, metadata_refusal, refusal_reason
from crawler.extraction.published import choose_dates
from crawler.extraction.urls import absolute, unarchive


def extract_article(
    html: bytes | str,
    url: str,
    *,
    outlet: str = "",
    timezone: str = "UTC",
    language: str = "",
    declared_charset: str | None = None,
) -> Article:
    """The article on the page at `url`.

    `timezone` (IANA) is the outlet's: it is given to dates written without an
    offset and the dates are expressed in it. `language` is the outlet's default,
    used when the page does not say. Raises `NotAnArticle` for homepages,
    section pages, video hubs, error pages and empty documents.
    """
    try:
        root = parse_html(html, declared_charset)
    except EmptyDocument as error:
        raise NotAnArticle(url, str(error)) from error
    meta = read_meta(root)
    jsonld = read_jsonld(root)
    declared = metadata_refusal(root, meta, jsonld)
    if declared is not None:  # refuse before the costly body extraction
        raise NotAnArticle(url, declared)
    marks = find_landmarks(root)
    article = jsonld.article
    site_names = [
        outlet,
        meta.first("og:site_name", "application-name", "apple-mobile-web-app-title"),
        *texts(jsonld.resolve(article.get("publisher"))),
    ]
    section = _section(meta, jsonld)
    headline = choose_headline(
        marks.headings, _metadata_titles(root, meta, jsonld), [*site_names, section]
    )
    anchor = headline.spot.position if headline.spot else None
    dates = choose_dates(jsonld, meta, marks.datelines, anchor, timezone)
    body = extract_body(root, url)
    lead = choose_lead(marks.leads, anchor, headline.text, _descriptions(meta, jsonld), body)
    body = tidy_body(body, drop=[headline.text, lead])
    reason = refusal_reason(
        root,
        meta,
        jsonld,
        PageSignals(
            title=_page_title(root),
            headline=headline.text,
            body_length=len(body),
            has_date=dates.published is not None,
        ),
    )
    if reason is not None:
        raise NotAnArticle(url, reason)
    return Article(
        url=url,
        outlet=outlet,
        title=headline.text,
        canonical_url=_canonical(url, meta, jsonld),
        lead=lead,
        body=body,
        authors=_authors(meta, jsonld, marks, headline, site_names),
        published_at=dates.published,
        updated_at=dates.updated,
        language=choose_language(
            *texts(article.get("inLanguage")),
            root.get("lang") or "",
            meta.first("og:locale", "content-language", "language"),
            language,
        ),
        section=section,
        tags=_tags(meta, jsonld),
        image=_image(url, meta, jsonld),
    )


def _metadata_titles(root: HtmlElement, meta: MetaTags, jsonld: JsonLd) -> list[str]:
    return [
        *texts(jsonld.article.get("headline")),
        meta.first("og:title"),
        meta.first("twitter:title"),
        meta.first("parsely-title", "title", "dc.title"),
        _page_title(root),
    ]


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
    byline = _byline(marks.bylines, headline.spot)
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


def _byline(bylines: list[Spot], headline: Spot | None) -> list[str]:
    if headline is None:
        return []
    spots = nearest(bylines, headline.position, before=100, after=600)
    names = [
        s.text
        for s in spots
        if (s.element.get("itemprop") or "").lower() in ("author", "creator")
        or s.element.tag in ("a", "address", "span", "p", "strong", "div")
    ]
    return names[:2]
