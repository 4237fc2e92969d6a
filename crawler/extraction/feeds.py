"""Article links from RSS 2.0, RSS 0.91, RSS 1.0 (RDF) and Atom feeds.

A FeedBurner item links through `feeds.feedburner.com/~r/...`; its real address is
in `feedburner:origLink` (or, failing that, a guid that is a URL on another host),
and that is the link taken.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree  # type: ignore[import-untyped]

from atalaia.article import ArticleLink
from crawler.extraction.dates import parse_date_or_none
from crawler.extraction.errors import FeedError
from crawler.extraction.linkset import unique_by_url
from crawler.extraction.xmldoc import (
    BadXML,
    child_text,
    children,
    local_name,
    parse_xml,
)

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_FEED_PROXIES = frozenset({"feeds.feedburner.com", "feedproxy.google.com", "feeds2.feedburner.com"})


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: its article links, and how many items it had, with or without one."""

    links: list[ArticleLink] = field(default_factory=list)
    items: int = 0
    without_link: int = 0


def parse_feed(
    body: bytes,
    base_url: str,
    *,
    declared_charset: str | None = None,
    timezone: str = "UTC",
) -> list[ArticleLink]:
    """The article links in a feed, in feed order, without repeats (see `read_feed`)."""
    return read_feed(body, base_url, declared_charset=declared_charset, timezone=timezone).links


def read_feed(
    body: bytes,
    base_url: str,
    *,
    declared_charset: str | None = None,
    timezone: str = "UTC",
) -> Feed:
    """The article links in a feed, in feed order, without repeats, and its item count.

    Relative links are resolved against `base_url`; dates without an offset are
    read in the outlet's `timezone`. An empty but valid feed has no links; anything
    that is not a feed raises `FeedError`.
    """
    try:
        root = parse_xml(body, declared_charset)
    except BadXML as error:
        raise FeedError(base_url, error.why) from error
    kind = local_name(root)
    if kind == "rss":
        channel = next(children(root, "channel"), None)
        if channel is None:
            raise FeedError(base_url, "RSS without <channel>")
        entries = [_rss_item(item, base_url, timezone) for item in children(channel, "item")]
    elif kind == "rdf":
        entries = [_rss_item(item, base_url, timezone) for item in children(root, "item")]
    elif kind == "feed":
        entries = [_atom_entry(entry, base_url, timezone) for entry in children(root, "entry")]
    else:
        raise FeedError(base_url, f"root element <{kind or '?'}> is not rss, rdf or feed")
    links = [link for link in entries if link is not None]
    return Feed(unique_by_url(links), items=len(entries), without_link=len(entries) - len(links))


def _rss_item(item: etree._Element, base_url: str, timezone: str) -> ArticleLink | None:
    href = child_text(item, "link")
    guid_element = next(children(item, "guid"), None)
    guid = "".join(guid_element.itertext()).strip() if guid_element is not None else ""
    if not href and guid and guid_element is not None:
        permalink = (guid_element.get("isPermaLink") or "true").strip().lower() != "false"
        if permalink and _looks_like_url(guid):
            href = guid
    if not href:
        href = (item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about") or "").strip()
    listed = href
    href = _behind_proxy(href, child_text(item, "origlink"), guid)
    if not href:
        return None
    published = _first_date(timezone, child_text(item, "pubdate", "date", "published", "issued"))
    extra = {"guid": guid} if guid else {}
    if listed and listed != href:
        extra["listed_as"] = listed
    summary = _plain(child_text(item, "description", "encoded"))
    if summary:
        extra["summary"] = summary
    return _link(href, base_url, _plain(child_text(item, "title")), published, extra)


def _atom_entry(entry: etree._Element, base_url: str, timezone: str) -> ArticleLink | None:
    href = ""
    for link in children(entry, "link"):
        rel = (link.get("rel") or "alternate").strip().lower()
        if rel == "alternate" and link.get("href"):
            href = link.get("href", "").strip()
            break
    entry_id = child_text(entry, "id")
    if not href and _looks_like_url(entry_id):
        href = entry_id
    listed = href
    href = _behind_proxy(href, child_text(entry, "origlink"), entry_id)
    if not href:
        return None
    published = _first_date(timezone, child_text(entry, "published", "issued", "updated"))
    extra = {"guid": entry_id} if entry_id else {}
    if listed and listed != href:
        extra["listed_as"] = listed
    summary = _plain(child_text(entry, "summary", "content"))
    if summary:
        extra["summary"] = summary
    return _link(href, base_url, _plain(child_text(entry, "title")), published, extra)


def _link(
    href: str, base_url: str, title: str, published: datetime | None, extra: dict[str, str]
) -> ArticleLink | None:
    url = urljoin(base_url, href.strip())
    if not url.startswith(("http://", "https://")):
        return None
    return ArticleLink(url=url, title=title, published_at=published, extra=extra)


def _behind_proxy(href: str, orig_link: str, guid: str) -> str:
    """The article's own address when `href` goes through FeedBurner."""
    if orig_link.startswith(("http://", "https://")):
        return orig_link
    if not href.startswith(("http://", "https://")):
        return href
    host = (urlsplit(href).hostname or "").lower()
    if host in _FEED_PROXIES and guid.startswith(("http://", "https://")):
        guid_host = (urlsplit(guid).hostname or "").lower()
        if guid_host and guid_host not in _FEED_PROXIES:
            return guid
    return href


def _first_date(timezone: str, text: str) -> datetime | None:
    return parse_date_or_none(text, timezone)


def _plain(text: str) -> str:
    """Feed text without markup or entities, on one line."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _looks_like_url(text: str) -> bool:
    return text.startswith(("http://", "https://", "/"))
