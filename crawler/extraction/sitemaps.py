"""News sitemaps (`<urlset>`) and sitemap indexes (`<sitemapindex>`)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin

from lxml import etree  # type: ignore[import-untyped]

from atalaia.article import ArticleLink
from crawler.extraction.dates import parse_date_or_none
from crawler.extraction.errors import SitemapError
from crawler.extraction.linkset import unique_by_url
from crawler.extraction.xmldoc import (
    BadXML,
    child_text,
    children,
    local_name,
    parse_xml,
)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed


@dataclass(frozen=True, slots=True)
class SitemapRef:
    """A child sitemap listed in a sitemap index."""

    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: article links (urlset) or child sitemaps (index)."""

    kind: Literal["urlset", "index"]
    links: list[ArticleLink] = field(default_factory=list)
    sitemaps: list[SitemapRef] = field(default_factory=list)


def parse_sitemap(
    body: bytes, base_url: str, timezone: str = "UTC", *, declared_charset: str | None = None
) -> Sitemap:
    """Read a urlset or sitemap index; gzip-compressed bodies are accepted.

    In a urlset, each link's `published_at` is its `news:publication_date`, its
    title the `news:title`, and `extra["lastmod"]` the ISO `lastmod` if given.
    Raises `SitemapError` for anything else.
    """
    body = _gunzip(body, base_url)
    try:
        root = parse_xml(body, declared_charset)
    except BadXML as error:
        raise SitemapError(base_url, error.why) from error
    kind = local_name(root)
    if kind == "urlset":
        links = (_url_entry(entry, base_url, timezone) for entry in children(root, "url"))
        return Sitemap("urlset", links=unique_by_url(link for link in links if link is not None))
    if kind == "sitemapindex":
        refs: list[SitemapRef] = []
        for entry in children(root, "sitemap"):
            loc = child_text(entry, "loc")
            if loc:
                lastmod = parse_date_or_none(child_text(entry, "lastmod"), timezone)
                refs.append(SitemapRef(urljoin(base_url, loc), lastmod))
        return Sitemap("index", sitemaps=refs)
    raise SitemapError(base_url, f"root element <{kind or '?'}> is not urlset or sitemapindex")


def _url_entry(entry: etree._Element, base_url: str, timezone: str) -> ArticleLink | None:
    loc = child_text(entry, "loc")
    if not loc:
        return None
    url = urljoin(base_url, loc)
    if not url.startswith(("http://", "https://")):
        return None
    news = next(children(entry, "news"), None)
    title, published = "", None
    extra: dict[str, str] = {}
    if news is not None:
        title = child_text(news, "title")
        published = parse_date_or_none(child_text(news, "publication_date"), timezone)
        keywords = child_text(news, "keywords")
        if keywords:
            extra["keywords"] = keywords
    lastmod = parse_date_or_none(child_text(entry, "lastmod"), timezone)
    if lastmod is not None:
        extra["lastmod"] = lastmod.isoformat()
    return ArticleLink(url=url, title=title, published_at=published, extra=extra)


def _gunzip(body: bytes, url: str) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error as error:
        raise SitemapError(url, f"bad gzip: {error}") from error
    if decompressor.unconsumed_tail:
        raise SitemapError(url, f"larger than {MAX_SITEMAP_BYTES} bytes uncompressed")
    return data
