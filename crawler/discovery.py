"""What the spider takes from one feed, sitemap or section page: pure decisions, no I/O.

`read_listing` parses a source and decides, for each link, the story's URL (the
redirect wrapper removed, tracking dropped: crawler.urls.story_url), whose article it
is (crawler.attribution) and whether it is inside the window, and puts the links in
order, newest first. The spider claims and fetches what it says; `atalaia discover`
prints it. Both agree because both call this.

Newest first, everywhere: links by their publication date, else `lastmod`, else the
date in their URL; links with no date at all come after, in document order. Sitemap
index children likewise, and with no date at all, the last ones of the index (indexes
grow at the end). A child sitemap older than the window is not followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from atalaia.article import ArticleLink
from crawler.attribution import Place, attribute
from crawler.catalogue import Catalogue, Outlet
from crawler.extraction.feeds import read_feed
from crawler.extraction.sections import parse_section
from crawler.extraction.sitemaps import SitemapRef, parse_sitemap
from crawler.extraction.url_dates import date_in_url
from crawler.extraction.xmldoc import NotXML, UnsafeXML, local_name, parse_xml
from crawler.urls import canonical_url, story_url

Kind = Literal["feed", "sitemap", "sitemap-index", "section"]
SourceKind = Literal["feed", "sitemap", "section"]
_FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})


@dataclass(frozen=True, slots=True)
class FoundLink:
    """One link of a listing, and what the crawl makes of it."""

    url: str  # the story's URL: what is fetched, and the story's address
    listed_as: str  # the URL as the source wrote it (a wrapper, with tracking...)
    title: str
    published_at: datetime | None
    place: Place
    outlet: Outlet | None  # whose article (own or attributed); the owner when disabled
    in_window: bool
    when: datetime | None  # the date that orders it: published, lastmod or in its URL
    also_listed_as: tuple[str, ...] = ()  # the same story listed again (wrapped, say)

    @property
    def takeable(self) -> bool:
        """Whether the crawl claims and fetches it (if it has not seen it yet)."""
        return self.place in (Place.OWN, Place.ATTRIBUTED) and self.in_window


@dataclass(frozen=True)
class Listing:
    """A feed, sitemap, sitemap index or section page, read."""

    url: str
    kind: Kind
    entries: int = 0  # items, <url>s, child sitemaps, or matching anchors
    without_link: int = 0  # items with no usable link
    links: list[FoundLink] = field(default_factory=list)  # newest first
    children: list[SitemapRef] = field(default_factory=list)  # to follow, newest first
    old_children: int = 0  # index children older than the window: not followed
    more_children: int = 0  # index children past the per-pass count: not followed now
    undated_children: int = 0  # index children without lastmod

    @property
    def takeable(self) -> list[FoundLink]:
        return [link for link in self.links if link.takeable]

    def count(self, place: Place) -> int:
        return sum(1 for link in self.links if link.place is place)

    @property
    def out_of_window(self) -> int:
        return sum(1 for link in self.links if not link.in_window and link.outlet is not None)

    def emptiness(self) -> str | None:
        """Why this source gives the crawl nothing, or None when it gives something."""
        if self.kind == "sitemap-index":
            if self.children:
                return None
            if self.old_children:
                return f"all {self.old_children} child sitemaps are older than the window"
            return "the sitemap index lists no sitemap"
        if self.takeable:
            return None
        noun = {"feed": "items", "sitemap": "entries", "section": "article links"}[self.kind]
        if self.entries == 0:
            return f"no {noun}" + (" match the article pattern" if self.kind == "section" else "")
        if not self.links:
            return f"{self.entries} {noun}, none with a link"
        total = len(self.links)
        offsite, disabled = self.count(Place.OFFSITE), self.count(Place.DISABLED)
        old = self.out_of_window
        newest = max((link.when for link in self.links if link.when), default=None)
        since = f" (the newest {newest:%Y-%m-%d})" if newest else ""
        if offsite == total:
            return f"all {total} links are offsite (no outlet of the catalogue owns their host)"
        if old == total:
            return f"all {total} links are older than the window{since}"
        reasons = [
            f"{number} {what}"
            for number, what in (
                (offsite, "offsite"),
                (disabled, "of disabled outlets"),
                (old, "older than the window" + since),
            )
            if number
        ]
        return f"nothing to take from {total} links: " + ", ".join(reasons)


def read_listing(
    body: bytes,
    url: str,
    kind: SourceKind | Literal["auto"],
    *,
    outlet: Outlet,
    catalogue: Catalogue | None,
    now: datetime,
    window: timedelta | None,
    children: int = 3,
    pattern: str | None = None,
    declared_charset: str | None = None,
) -> Listing:
    """Read one source of `outlet` (see module docstring).

    `window`: how far back sitemap links and child sitemaps are followed (None: no
    limit). `children`: how many child sitemaps of an index to follow. `pattern`: the
    article-path regex of a section page. Raises ExtractionError for a document that is
    not what it should be.
    """
    if kind == "auto":
        kind = detect_kind(body, declared_charset)
    if kind == "feed":
        feed = read_feed(body, url, declared_charset=declared_charset, timezone=outlet.timezone)
        links = place_links(feed.links, outlet, catalogue, cutoff=None)
        return Listing(url, "feed", feed.items, feed.without_link, links)
    if kind == "section":
        found = parse_section(body, url, pattern or ARTICLE_PATH, declared_charset=declared_charset)
        links = place_links(found, outlet, catalogue, cutoff=None)
        return Listing(url, "section", len(found), 0, links)
    cutoff = now - window if window is not None else None
    sitemap = parse_sitemap(body, url, outlet.timezone, declared_charset=declared_charset)
    if sitemap.kind == "index":
        chosen, old, more = choose_children(sitemap.sitemaps, children, cutoff)
        return Listing(
            url, "sitemap-index", len(sitemap.sitemaps), children=chosen, old_children=old,
            more_children=more,
            undated_children=sum(1 for ref in sitemap.sitemaps if ref.lastmod is None),
        )  # fmt: skip
    links = place_links(sitemap.links, outlet, catalogue, cutoff=cutoff)
    return Listing(url, "sitemap", len(sitemap.links), 0, links)


# A generic article path, for a section page read with no pattern: a date in the path,
# a long id, or a slug of four words or more.
ARTICLE_PATH = r"/(?:19|20)\d\d/\d\d?/|\d{6,}|/[^/]*[a-z0-9]+(?:-[a-z0-9]+){3,}[^/]*/?$"


def detect_kind(body: bytes, declared_charset: str | None = None) -> SourceKind:
    """Whether `body` is a feed, a sitemap (or index) or, failing both, an HTML page."""
    try:
        root = parse_xml(body, declared_charset)
    except NotXML:
        return "section"
    except UnsafeXML:
        return "feed"  # refused when read as one, with the reason
    name = local_name(root)
    if name in _SITEMAP_ROOTS:
        return "sitemap"
    if name in _FEED_ROOTS:
        return "feed"
    return "section"


def place_links(
    links: Iterable[ArticleLink],
    outlet: Outlet,
    catalogue: Catalogue | None,
    *,
    cutoff: datetime | None,
) -> list[FoundLink]:
    """Each link's story URL, owner and window, newest first, each story once."""
    found: dict[str, FoundLink] = {}
    for link in links:
        listed = link.extra.get("listed_as", link.url)
        url = story_url(link.url)
        attribution = attribute(url, outlet, catalogue)
        owner = attribution.owner
        if owner is not None and owner.tracking_parameters:
            url = story_url(url, owner.tracking_parameters)
        when = link.published_at or _lastmod(link) or date_in_url(url, day_only=True)
        key = canonical_url(url)
        if key in found:  # the same story listed twice (wrapped and plain, say)
            first = found[key]
            found[key] = replace(first, also_listed_as=(*first.also_listed_as, listed))
            continue
        found[key] = FoundLink(
            url=url, listed_as=listed, title=link.title, published_at=link.published_at,
            place=attribution.place, outlet=owner, in_window=_within(when, cutoff), when=when,
        )  # fmt: skip
    return newest_first(found.values())


def newest_first(links: Iterable[FoundLink]) -> list[FoundLink]:
    """Dated links newest first, then the undated ones in their document order."""
    ordered = list(links)
    dated = [link for link in ordered if link.when is not None]
    dated.sort(key=lambda link: _aware(link.when), reverse=True)
    return dated + [link for link in ordered if link.when is None]


def choose_children(
    refs: Sequence[SitemapRef], count: int, cutoff: datetime | None
) -> tuple[list[SitemapRef], int, int]:
    """The child sitemaps to follow, newest first: (chosen, older than the window, left).

    A child's date is its `lastmod`, else the date its URL names; children with no
    date come after the dated ones, the last of the index first.
    """
    dated: list[tuple[datetime, SitemapRef]] = []
    undated: list[SitemapRef] = []
    old = 0
    for ref in refs:
        when = ref.lastmod or date_in_url(ref.url)
        if when is None:
            undated.append(ref)
        elif _within(when, cutoff):
            dated.append((_aware(when), ref))
        else:
            old += 1
    dated.sort(key=lambda pair: pair[0], reverse=True)
    candidates = [ref for _, ref in dated] + undated[::-1]
    return candidates[:count], old, max(0, len(candidates) - count)


def _lastmod(link: ArticleLink) -> datetime | None:
    text = link.extra.get("lastmod")
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _within(when: datetime | None, cutoff: datetime | None) -> bool:
    return when is None or cutoff is None or _aware(when) >= _aware(cutoff)


def _aware(when: datetime | None) -> datetime:
    assert when is not None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def verdicts(listing: Listing, states: Sequence[str] | None, max_links: int) -> list[str]:
    """What a crawl pass would do with each link of `listing`, in its order.

    `states` is what dedupe knows of each takeable link, in order (see
    SeenUrls.states), or None when it cannot be asked. A link is "new" (fetched),
    "later" (new, past the per-source cap: the next pass), "seen" (done before),
    "in progress" (claimed by a crawler now), "retry" (failed or left unfinished
    before: fetched again, like a new one), "unknown" (no dedupe to ask), "offsite",
    "disabled" (owned by a disabled outlet) or "out of window".
    """
    known = iter(states) if states is not None else None
    new = 0
    result = []
    for link in listing.links:
        if link.place is Place.OFFSITE:
            result.append("offsite")
        elif link.place is Place.DISABLED:
            result.append("disabled")
        elif not link.in_window:
            result.append("out of window")
        elif known is None:
            result.append("unknown")
        else:
            state = next(known)
            if state in ("new", "retry"):
                new += 1
                result.append(state if new <= max_links else "later")
            else:
                result.append({"done": "seen", "claimed": "in progress"}.get(state, state))
    return result
