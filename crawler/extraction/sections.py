"""Article links on a section (listing) page, chosen by a URL-path pattern."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from atalaia.article import ArticleLink
from crawler.extraction.htmldoc import EmptyDocument, parse_html, text_of


def parse_section(
    html: bytes | str,
    base_url: str,
    pattern: str | re.Pattern[str],
    *,
    declared_charset: str | None = None,
) -> list[ArticleLink]:
    """Absolute links whose URL path matches `pattern` (`re.search`), in page order, once each.

    The title of each link is its longest anchor text on the page (teasers often
    link the same article from an image and from a headline).
    """
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    try:
        root = parse_html(html, declared_charset)
    except EmptyDocument:
        return []
    base = root.find(".//base[@href]")
    page_url = urljoin(base_url, base.get("href", "")) if base is not None else base_url
    titles: dict[str, str] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urldefrag(urljoin(page_url, href)).url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not regex.search(parts.path):
            continue
        title = text_of(anchor) or (anchor.get("title") or "").strip()
        if len(title) > len(titles.get(url, "")) or url not in titles:
            titles[url] = title
    return [ArticleLink(url=url, title=title) for url, title in titles.items()]
