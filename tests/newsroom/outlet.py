"""One fake outlet: its articles, its listings, and what it answers to each request.

`FakeOutlet.respond` decides *what* to answer (status, headers, bytes, faults that change
content); the server in `server.py` decides *when* (latency, slow, hang) and writes it.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from . import dates, feeds, pages
from .chrome import build_chrome
from .model import (
    FakeArticle,
    Fault,
    FaultKind,
    LazyText,
    NonArticle,
    NonArticleKind,
    OutletSpec,
    Style,
    Trap,
)
from .text import TOPICS, WATCHLIST_TOPICS, Story
from .urls import (
    AMP_PREFIX,
    GLOBO_DAILY,
    LAYOUTS,
    PRIVATE_PREFIX,
    SECTION_SLUGS,
    article_path,
    non_article_path,
    slugify,
)

UTM = "?utm_source=rss&utm_medium=feed"
FEED_SIZE = 50
SECTION_PAGE_SIZE = 50
RouteKind = Literal["xml", "section", "article", "amp", "page", "robots"]

_NON_ARTICLE_TITLES = {
    NonArticleKind.VIDEO_HUB: "Vídeos: os destaques da semana",
    NonArticleKind.TAG_PAGE: "Eleições: tudo sobre o tema",
    NonArticleKind.NOT_FOUND: "Matéria removida a pedido do autor",
    NonArticleKind.SOFT_404: "Página em manutenção",
    NonArticleKind.DISALLOWED: "Relatório interno da redação",
}


@dataclass(slots=True)
class Response:
    """What to send: `stream` (if set) yields exactly `length` bytes instead of `body`."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    stream: Iterator[bytes] | None = None
    length: int = -1

    def __post_init__(self) -> None:
        if self.length < 0:
            self.length = len(self.body)


@dataclass(slots=True)
class _Item:
    """A link in the outlet's listings, with the URL each kind of listing shows."""

    title: str
    summary: str
    published_at: datetime
    modified_at: datetime
    authors: tuple[str, ...]
    section: str
    section_slug: str
    guid: str
    feed_urls: tuple[str, ...]
    sitemap_url: str | None
    section_urls: tuple[str, ...]
    article: FakeArticle | None = None
    non_article: NonArticle | None = None


@dataclass(frozen=True, slots=True)
class _Route:
    kind: RouteKind
    article: FakeArticle | None = None
    non_article: NonArticle | None = None
    name: str = ""  # which listing or page


@dataclass(slots=True)
class _Cached:
    version: int
    response: Response = field(default_factory=lambda: Response(200, []))


class FakeOutlet:
    """One fake outlet on its own port. Built by `Newsroom`; read its attributes in tests."""

    def __init__(self, spec: OutletSpec, base_url: str, *, seed: int) -> None:
        self.spec = spec
        self.base_url = base_url
        self.zone = ZoneInfo(spec.timezone)
        self.layout = LAYOUTS[spec.style]
        self.site = pages.Site(spec, base_url, build_chrome(spec, base_url, seed))
        self.fault: Fault | None = None
        self.validators = True  # False: no ETag / Last-Modified, never a 304
        self.encoding = "iso-8859-1" if spec.style is Style.LEGACY else "utf-8"
        self._seed = seed
        self._lock = threading.Lock()
        self._items: list[_Item] = []  # oldest first
        self._routes: dict[str, _Route] = {}
        self._articles: list[FakeArticle] = []
        self._non_articles: list[NonArticle] = []
        self._related: list[pages.Link] = []
        self._version = 0
        self._changed_at: datetime | None = None
        self._cache: dict[str, _Cached] = {}
        self._documents: dict[str, tuple[str, bytes]] = {}

    def serve(self, path: str, body: bytes, content_type: str) -> str:
        """Serve `body` at `path` (a document a test wrote), before any other route."""
        with self._lock:
            self._documents[urlsplit(path).path] = (content_type, body)
        return self.base_url + path

    # --- what tests read -------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def articles(self) -> list[FakeArticle]:
        """Every article, oldest first."""
        with self._lock:
            return list(self._articles)

    @property
    def non_articles(self) -> list[NonArticle]:
        with self._lock:
            return list(self._non_articles)

    @property
    def feed_urls(self) -> list[str]:
        return [self.base_url + path for path in self.layout.feeds]

    @property
    def sitemap_urls(self) -> list[str]:
        return [self.base_url + path for path in self.layout.sitemaps]

    @property
    def section_urls(self) -> list[tuple[str, str]]:
        """(URL, article pattern) of each section page."""
        return [(self.base_url + path, pattern) for path, pattern in self.layout.sections]

    def listed_articles(self) -> list[FakeArticle]:
        """The articles linked from the current feeds, sitemaps and section pages."""
        with self._lock:
            items = list(self._items)
        listed: dict[str, FakeArticle] = {}
        if self.layout.sitemaps:
            chosen = items
        elif self.layout.feeds:
            chosen = items[-FEED_SIZE:]
        else:
            chosen = []
            for slug in SECTION_SLUGS:
                chosen += [i for i in items if i.section_slug == slug][-SECTION_PAGE_SIZE:]
        for item in chosen:
            if item.article is not None:
                listed[item.article.canonical_url] = item.article
        return sorted(listed.values(), key=lambda a: a.published_at)

    def catalogue_entry(self) -> dict[str, Any]:
        """This outlet as an entry of seeds/outlets.yaml."""
        entry: dict[str, Any] = {
            "id": self.spec.id,
            "name": self.spec.name,
            "country": self.spec.country,
            "language": self.spec.language,
            "timezone": self.spec.timezone,
            "homepage": self.base_url + "/",
            "allow_private_network": True,
        }
        if self.layout.feeds:
            entry["feeds"] = self.feed_urls
        if self.layout.sitemaps:
            entry["sitemaps"] = self.sitemap_urls
        if self.layout.sections:
            entry["sections"] = [{"url": u, "articles": p} for u, p in self.section_urls]
        entry["every"] = "5m"
        entry["enabled"] = True
        return entry

    # --- building ------------------------------------------------------------------------

    def traps_for(self, n: int, published_at: datetime) -> frozenset[Trap]:
        """The traps the n-th article of this outlet carries, by style."""
        match self.spec.style:
            case Style.WORDPRESS:
                return frozenset({Trap.BOILERPLATE_IN_CONTENT})
            case Style.ARCXP:
                return frozenset({Trap.JSONLD_UTC_LABELLED_LOCAL}) if n % 3 == 1 else frozenset()
            case Style.GLOBO:
                traps = {Trap.OG_TITLE_DIFFERS}
                if n % 2 == 0:
                    traps.add(Trap.LOCAL_LABELLED_UTC)
                return frozenset(traps)
            case Style.LEGACY:
                return frozenset(
                    {Trap.NO_MACHINE_DATE, Trap.HEADLINE_IN_H2, Trap.LATIN1_UNDECLARED}
                )
            case Style.ATOM:
                offset = published_at.utcoffset()
                if offset:
                    return frozenset({Trap.LOCAL_LABELLED_UTC})
                return frozenset()
            case Style.SECTION:
                return frozenset()
        return frozenset()  # pragma: no cover

    def make_article(
        self,
        story: Story,
        *,
        serial: int,
        n: int,
        published_at: datetime,
        variant: int = 0,
        story_id: str = "",
        extra_traps: frozenset[Trap] = frozenset(),
        closing: str = "",
        duplicate: bool = False,
        body: tuple[str, ...] | None = None,
    ) -> FakeArticle:
        """A FakeArticle for `story`, dressed the way this outlet dresses its articles."""
        local = published_at.astimezone(self.zone)
        title = story.headlines[variant % len(story.headlines)]
        og_title = title
        traps = self.traps_for(n, local) | extra_traps
        if Trap.OG_TITLE_DIFFERS in traps:
            og_title = story.headlines[(variant + 2) % len(story.headlines)]
        elif self.spec.style is Style.WORDPRESS:
            og_title = f"{title} | {self.spec.name}"
        slug = slugify(title)
        path = article_path(self.spec.style, story.topic.slug, slug, local, serial)
        if path in self._routes:
            path = article_path(self.spec.style, story.topic.slug, f"{slug}-{n}", local, serial)
        clean = self.base_url + path
        urls: tuple[str, ...] = (clean,)
        linked = clean
        if duplicate:
            traps |= {Trap.DUPLICATE_URLS}
            amp = self.base_url + AMP_PREFIX + path
            urls = (clean + UTM, clean, amp)
            linked = clean + UTM if self.layout.feeds else clean
        rng = random.Random(f"{self._seed}:{self.spec.id}:mod:{serial}")
        modified = local + timedelta(minutes=rng.choice((0, 0, 3, 12, 47)))
        sentence = story.sentence
        if body is not None:
            text = LazyText.of(body)
            sentence = re.split(r"(?<=[.!?])\s", body[0])[0] if body else ""
        else:
            text = LazyText(lambda: story.paragraphs() + ((closing,) if closing else ()))
        return FakeArticle(
            outlet_id=self.spec.id,
            url=linked,
            canonical_url=clean,
            title=title,
            og_title=og_title,
            lead=story.lead,
            sentence=sentence,
            authors=story.authors,
            published_at=local,
            modified_at=modified,
            language=self.spec.language,
            section=story.topic.section,
            topic=story.topic.key,
            story_id=story_id or f"{self.spec.id}:{serial}",
            traps=traps,
            urls=urls,
            tags=story.tags,
            _body=text,
        )

    def add_article(self, article: FakeArticle, guid: int) -> None:
        """Make `article` appear in the listings and serve its page (and AMP variant)."""
        duplicate = Trap.DUPLICATE_URLS in article.traps
        clean = article.canonical_url
        amp = self.base_url + AMP_PREFIX + article.path
        feed_urls: tuple[str, ...] = (clean,)
        section_urls: tuple[str, ...] = (clean,)
        if duplicate:
            feed_urls = (clean + UTM,)
            if not self.layout.sitemaps and not self.layout.sections:
                feed_urls += (amp,)
            section_urls = (clean, amp)
        item = _Item(
            title=article.title,
            summary=article.lead,
            published_at=article.published_at,
            modified_at=article.modified_at,
            authors=article.authors,
            section=article.section,
            section_slug=TOPICS[article.topic].slug if article.topic in TOPICS else "internacional",
            guid=str(guid),
            feed_urls=feed_urls,
            sitemap_url=clean,
            section_urls=section_urls,
            article=article,
        )
        with self._lock:
            self._articles.append(article)
            self._articles.sort(key=lambda a: a.published_at)
            self._routes[article.path] = _Route("article", article=article)
            self._routes[AMP_PREFIX + article.path] = _Route("amp", article=article)
            self._insert(item)
            if article.topic not in WATCHLIST_TOPICS:
                self._related = [(article.title, article.canonical_url), *self._related[:7]]

    def add_non_articles(self, newest: datetime) -> None:
        """The video hub, tag page, 404 and soft-404 (and, on WordPress, the robots trap)."""
        kinds = [NonArticleKind.VIDEO_HUB, NonArticleKind.TAG_PAGE, NonArticleKind.NOT_FOUND,
                 NonArticleKind.SOFT_404]  # fmt: skip
        if self.spec.style is Style.WORDPRESS:
            kinds.append(NonArticleKind.DISALLOWED)
        for i, kind in enumerate(kinds):
            when = (newest - timedelta(minutes=4 + 9 * i)).astimezone(self.zone)
            path = non_article_path(self.spec.style, kind, when)
            url = self.base_url + path
            status = 404 if kind is NonArticleKind.NOT_FOUND else 200
            thing = NonArticle(self.spec.id, url, kind, status)
            private = kind is NonArticleKind.DISALLOWED
            item = _Item(
                title=_NON_ARTICLE_TITLES[kind], summary=_NON_ARTICLE_TITLES[kind],
                published_at=when, modified_at=when, authors=(), section="Notícias",
                section_slug="internacional", guid=f"9{i}{len(self._items)}", feed_urls=(url,),
                sitemap_url=None if private else url, section_urls=(url,), non_article=thing,
            )  # fmt: skip
            with self._lock:
                self._non_articles.append(thing)
                self._routes[path] = _Route("page", non_article=thing)
                self._insert(item)

    def _insert(self, item: _Item) -> None:
        self._items.append(item)
        if len(self._items) > 1 and item.published_at < self._items[-2].published_at:
            self._items.sort(key=lambda i: i.published_at)
        self._version += 1
        latest = max(item.published_at, item.modified_at)
        if self._changed_at is None or latest > self._changed_at:
            self._changed_at = latest
        else:  # an older date published now still changes the listings
            self._changed_at += timedelta(seconds=1)

    # --- answering -----------------------------------------------------------------------

    def respond(self, method: str, target: str, headers: dict[str, str]) -> Response:
        """The answer to one request (`target` is the path with query)."""
        if self.validators:
            return self._respond(target, headers)
        response = self._respond(target, {})
        plain = [(k, v) for k, v in response.headers if k not in ("ETag", "Last-Modified")]
        return replace(response, headers=plain)

    def _respond(self, target: str, headers: dict[str, str]) -> Response:
        fault = self.fault
        if fault is not None and fault.kind is FaultKind.ERROR500:
            return self._encoded(500, "text/html", pages.error_page(500))
        path = urlsplit(target).path
        with self._lock:
            document = self._documents.get(path)
        if document is not None:
            return _conditional(_document(*document), headers)
        route = self._route(path)
        if route is None:
            return self._encoded(404, self._html_type(), pages.not_found_page(self.site))
        if fault is not None and route.kind in ("xml", "section"):
            if fault.kind is FaultKind.REDIRECT_LOOP:
                return self._redirect_loop(target)
            if fault.kind is FaultKind.GARBAGE and route.kind == "xml":
                return self._garbage(target)
        if fault is not None and fault.kind is FaultKind.HUGE and route.kind == "article":
            return _huge(fault.size, self._html_type())
        response = self._render(route, path)
        return _conditional(response, headers)

    def _route(self, path: str) -> _Route | None:
        with self._lock:
            route = self._routes.get(path)
        if route is not None:
            return route
        if path == "/robots.txt":
            return _Route("robots")
        if path in {p.split("?")[0] for p in self.layout.feeds + self.layout.sitemaps}:
            return _Route("xml", name=path)
        if path in {p for p, _ in self.layout.sections}:
            return _Route("section", name=path)
        if self.spec.style is Style.GLOBO and GLOBO_DAILY.match(path):
            return _Route("xml", name=path)
        if path == "/":
            return _Route("page", name="home")
        return None

    def _render(self, route: _Route, path: str) -> Response:
        if route.kind in ("xml", "section", "robots") or route.name == "home":
            with self._lock:
                cached = self._cache.get(path)
                version = self._version
            if cached is not None and cached.version == version:
                return cached.response
            response = self._render_listing(route, path)
            with self._lock:
                self._cache[path] = _Cached(version, response)
            return response
        if route.article is not None:
            article = route.article
            if route.kind == "amp":
                text = pages.amp_page(self.site, article)
            else:
                text = pages.article_page(self.site, article, self._related_for(article))
            return self._encoded(200, self._html_type(), text, article.modified_at)
        assert route.non_article is not None
        return self._render_non_article(route.non_article)

    def _related_for(self, article: FakeArticle) -> list[pages.Link]:
        with self._lock:
            related = list(self._related)
        return [link for link in related if link[1] != article.canonical_url][:5]

    def _render_non_article(self, thing: NonArticle) -> Response:
        related = self._related_for_listing()
        match thing.kind:
            case NonArticleKind.VIDEO_HUB:
                text = pages.video_hub(self.site, [(t, u) for t, u, _ in related] * 3)
            case NonArticleKind.TAG_PAGE:
                text = pages.listing_page(self.site, "Eleições", related, self._nav_links())
            case NonArticleKind.NOT_FOUND:
                return self._encoded(404, self._html_type(), pages.not_found_page(self.site))
            case NonArticleKind.SOFT_404:
                text = pages.not_found_page(self.site)
            case NonArticleKind.DISALLOWED:
                text = pages.listing_page(self.site, "Área restrita", related, [])
        return self._encoded(200, self._html_type(), text)

    def _related_for_listing(self) -> list[tuple[str, str, str]]:
        with self._lock:
            articles = self._articles[-12:]
        return [(a.title, a.canonical_url, a.lead) for a in reversed(articles)]

    def _nav_links(self) -> list[pages.Link]:
        names = pages.section_names()
        base = self.base_url
        links = [(name, f"{base}/{slug}/") for slug, name in names.items()]
        links += [(f"Tag: {t}", f"{base}/tag/{slugify(t)}/") for t in ("Eleições", "Clima", "Copa")]
        links += [(f"Colunista {i}", f"{base}/autor/colunista-{i}/") for i in range(1, 9)]
        links += [("Vídeos", f"{base}/videos/"), ("Podcasts", f"{base}/podcasts/")]
        links += [(f"Página {i}", f"{base}/internacional/?page={i}") for i in range(2, 5)]
        return links

    def _render_listing(self, route: _Route, path: str) -> Response:
        with self._lock:
            items = list(self._items)
            changed = self._changed_at or datetime(2000, 1, 1, tzinfo=self.zone)
        if route.kind == "robots":
            return self._encoded(200, "text/plain", self._robots(), changed)
        if route.name == "home":
            text = pages.listing_page(self.site, self.spec.name, self._related_for_listing(),
                                      self._nav_links())  # fmt: skip
            return self._encoded(200, self._html_type(), text, changed)
        if route.kind == "section":
            return self._encoded(200, self._html_type(), self._section_page(path, items), changed)
        text, content_type = self._xml(path, items, changed)
        return self._encoded(200, content_type, text, changed)

    def _robots(self) -> str:
        lines = ["User-agent: *", "Disallow: /busca/", "Disallow: /login/"]
        if self.spec.style is Style.WORDPRESS:
            lines += [f"Disallow: {PRIVATE_PREFIX}", "Disallow: /wp-admin/",
                      "Allow: /wp-admin/admin-ajax.php"]  # fmt: skip
        lines += [f"Sitemap: {url}" for url in self.sitemap_urls]
        return "\n".join(lines) + "\n"

    def _xml(self, path: str, items: list[_Item], changed: datetime) -> tuple[str, str]:
        channel = feeds.Channel(
            name=self.spec.name, base_url=self.base_url, self_url=self.base_url + path,
            language=self.spec.language, updated=changed,
        )  # fmt: skip
        style = self.spec.style
        newest = list(reversed(items))
        if path in {p.split("?")[0] for p in self.layout.feeds}:
            entries = [e for item in newest[:FEED_SIZE] for e in _entries(item, item.feed_urls)]
            match style:
                case Style.WORDPRESS:
                    return feeds.wordpress_rss(
                        channel, entries
                    ), "application/rss+xml; charset=UTF-8"
                case Style.LEGACY:
                    return feeds.legacy_rss(channel, entries), "text/xml"
                case Style.ATOM:
                    return feeds.atom(channel, entries), "application/atom+xml; charset=utf-8"
                case _:
                    return feeds.arc_rss(channel, entries), "text/xml; charset=utf-8"
        mapped = [i for i in newest if i.sitemap_url is not None]
        if path.endswith("/sitemap.xml"):
            return self._sitemap_index(mapped), "application/xml; charset=utf-8"
        day = GLOBO_DAILY.match(path)
        if day is not None:
            wanted = "-".join(day.groups())
            daily = [i for i in mapped if i.published_at.date().isoformat() == wanted]
            entries = [e for item in daily for e in _entries(item, (item.sitemap_url or "",))]
            return feeds.urlset(entries), "application/xml; charset=utf-8"
        entries = [e for item in mapped for e in _entries(item, (item.sitemap_url or "",))]
        return feeds.news_sitemap(channel, entries), "application/xml; charset=utf-8"

    def _sitemap_index(self, items: list[_Item]) -> str:
        days: dict[str, datetime] = {}
        for item in items:
            key = item.published_at.strftime("%Y/%m/%d")
            days[key] = max(days.get(key, item.modified_at), item.modified_at)
        sitemaps = [(f"{self.base_url}/sitemap/site/{day}_1.xml", lastmod)
                    for day, lastmod in sorted(days.items(), reverse=True)]  # fmt: skip
        return feeds.sitemap_index(sitemaps)

    def _section_page(self, path: str, items: list[_Item]) -> str:
        slug = path.strip("/")
        mine = [i for i in reversed(items) if i.section_slug == slug][:SECTION_PAGE_SIZE]
        teasers = [(i.title, url, i.summary) for i in mine for url in i.section_urls]
        others = [i for i in reversed(items) if i.section_slug != slug][:10]
        extra = [(i.title, url) for i in others for url in i.section_urls[:1]]
        heading = pages.section_names().get(slug, slug.capitalize())
        return pages.listing_page(self.site, heading, teasers, extra + self._nav_links())

    # --- encoding, validators and faults ---------------------------------------------------

    def _html_type(self) -> str:
        return "text/html" if self.spec.style is Style.LEGACY else "text/html; charset=utf-8"

    def _encoded(
        self, status: int, content_type: str, text: str, modified: datetime | None = None
    ) -> Response:
        body = text.encode(self.encoding, errors="xmlcharrefreplace")
        headers = [("Content-Type", content_type)]
        if status == 200:
            headers.append(("ETag", '"' + hashlib.sha1(body).hexdigest()[:24] + '"'))
            if modified is not None:
                headers.append(("Last-Modified", dates.http_date(modified)))
        return Response(status, headers, body)

    def _redirect_loop(self, target: str) -> Response:
        if "loop=1" in target:
            location = target.replace("?loop=1", "").replace("&loop=1", "")
        else:
            location = target + ("&" if "?" in target else "?") + "loop=1"
        return Response(
            302, [("Location", self.base_url + location), ("Content-Type", "text/html")]
        )

    def _garbage(self, target: str) -> Response:
        rng = random.Random(f"{self._seed}:garbage:{target}")
        body = b"\x00\xff\xfe" + bytes(rng.randrange(256) for _ in range(4096))
        content_type = "text/xml" if self.spec.style is Style.LEGACY else "application/xml"
        return Response(200, [("Content-Type", content_type)], body)


def _entries(item: _Item, urls: Sequence[str]) -> list[feeds.Entry]:
    return [
        feeds.Entry(
            url=url,
            title=item.title,
            summary=item.summary,
            published_at=item.published_at,
            modified_at=item.modified_at,
            authors=item.authors,
            section=item.section,
            guid=item.guid if k == 0 else f"{item.guid}-{k}",
        )
        for k, url in enumerate(urls)
    ]


def _document(content_type: str, body: bytes) -> Response:
    etag = '"' + hashlib.sha1(body).hexdigest()[:24] + '"'
    return Response(200, [("Content-Type", content_type), ("ETag", etag)], body)


def _conditional(response: Response, headers: dict[str, str]) -> Response:
    """304 when the request's validators match (If-None-Match wins over If-Modified-Since)."""
    if response.status != 200:
        return response
    own = dict(response.headers)
    etag, last_modified = own.get("ETag"), own.get("Last-Modified")
    lowered = {k.lower(): v for k, v in headers.items()}
    if_none_match = lowered.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        if etag is not None and (etag in tags or "*" in tags):
            return _not_modified(response)
        return response
    since = lowered.get("if-modified-since")
    if since and last_modified:
        try:
            if parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since):
                return _not_modified(response)
        except (TypeError, ValueError):
            return response  # an unparsable date is ignored, as RFC 9110 says
    return response


def _not_modified(response: Response) -> Response:
    keep = [(k, v) for k, v in response.headers if k in ("ETag", "Last-Modified")]
    return Response(304, keep)


_CHUNK = (b"<p>" + b"conteudo " * 7000 + b"</p>\n")[:65536]


def _huge(size: int, content_type: str) -> Response:
    """`size` bytes of HTML, generated chunk by chunk (never held in memory at once)."""

    def chunks() -> Iterator[bytes]:
        head = b"<!DOCTYPE html><html><head><title>Enorme</title></head><body>"
        sent = min(len(head), size)
        yield head[:sent]
        while sent < size:
            piece = _CHUNK[: size - sent]
            sent += len(piece)
            yield piece

    return Response(200, [("Content-Type", content_type)], stream=chunks(), length=size)
