"""The one spider: crawls any outlet of the catalogue through its feeds, sitemaps and sections.

It only crawls. Link discovery and article extraction are the pure functions of
`crawler.extraction`; dedupe lives in `crawler.dedupe`. Article links are claimed in
Redis before any fetch, so an article already seen (by this or another crawler
process) is never requested again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from atalaia.article import Article, NotAnArticle
from atalaia.errors import AtalaiaError
from crawler.attribution import Place
from crawler.catalogue import Catalogue, Outlet, load_catalogue
from crawler.discovery import FoundLink, Listing, SourceKind, read_listing
from crawler.egress.policy import EgressRefused
from crawler.extraction.errors import ExtractionError
from crawler.extraction.pagekind import HTTP_ERROR, refusal_kind
from crawler.extraction_pool import default_workers, extract_in_pool
from crawler.failures import describe_failure
from crawler.items import ExtractedArticle
from crawler.redis_outage import noting_redis_outage
from crawler.request_outlet import META_KEY as OUTLET_META
from crawler.request_outlet import outlet_of
from crawler.services import CrawlContext, CrawlServices, context_for, services_for
from crawler.source_health import SourcePass, SourceWarning, record_source_passes

NOT_MODIFIED = 304
SOURCE = "atalaia_source"  # request meta: the configured source a listing serves

logger = logging.getLogger(__name__)


class OutletSpider(scrapy.Spider):
    """Crawl one outlet: `scrapy crawl outlet -a outlet=ID` (or given an `Outlet`)."""

    name = "outlet"

    def __init__(
        self, outlet: Outlet | str, catalogue: Catalogue | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.outlet_arg = outlet
        self.catalogue = catalogue

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletSpider:
        spider: OutletSpider = super().from_crawler(crawler, *args, **kwargs)
        context = context_for(crawler)
        if spider.catalogue is None:
            spider.catalogue = _catalogue(context, spider.outlet_arg)
        outlet = spider.outlet_arg
        if isinstance(outlet, str):
            outlet = spider.catalogue.select([outlet])[0]
        spider.outlet = outlet
        spider.claimed = {}
        spider.source_passes = {}
        crawler.signals.connect(spider.release_claims, signal=signals.spider_closed)
        crawler.signals.connect(spider.record_sources, signal=signals.spider_closed)
        settings = context.settings
        spider.sitemap_window = settings.sitemap_window
        spider.sitemap_children = settings.sitemap_children
        spider.max_links = settings.max_links_per_source
        spider.extraction_attempts = settings.extraction_attempts
        workers = crawler.settings.get("ATALAIA_EXTRACTION_WORKERS")
        spider.extraction_workers = default_workers() if workers is None else int(workers)
        return spider

    outlet: Outlet
    catalogue: Catalogue | None
    sitemap_window: float
    sitemap_children: int
    max_links: int
    claimed: dict[str, set[str]]  # per outlet id (articles attributed to others too)
    source_passes: dict[str, SourcePass]  # per configured source URL
    extraction_workers: int
    extraction_attempts: int

    @property
    def services(self) -> CrawlServices:
        return services_for(self.crawler)

    def count(self, name: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"atalaia/{name}", value)

    def count_refusal(self, kind: str) -> None:
        """Count a page refused as not an article, in all and by its kind of reason."""
        self.count("non_articles")
        self.count(f"non_articles/{kind}")

    def note_error(self, message: str, *, log: bool = True) -> None:
        """Count an error of this outlet, keep its message for the summary and log it
        (one WARNING line, unless it was logged already)."""
        self.count("errors")
        assert self.crawler.stats is not None
        messages = self.crawler.stats.get_value("atalaia/error_messages") or []
        if len(messages) < 20:
            self.crawler.stats.set_value("atalaia/error_messages", [*messages, message])
        if log:
            self.logger.warning("%s: %s", self.outlet.id, message)

    # Discovery ------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        now = time.time()
        due = self.services.seen_urls.due(self.outlet.id, now)
        claimed = self.services.seen_urls.claim(self.outlet.id, due, now)
        self._hold(self.outlet.id, claimed)
        for url in claimed:
            yield self._article_request(url, self.outlet)
        for url in self.outlet.feeds:
            yield self._discovery_request(url, self.parse_feed)
        for url in self.outlet.sitemaps:
            yield self._discovery_request(url, self.parse_sitemap)
        for section in self.outlet.sections:
            yield self._discovery_request(section.url, self.parse_section, pattern=section.articles)

    def _discovery_request(
        self, url: str, callback: Any, source: str | None = None, **meta: Any
    ) -> scrapy.Request:
        """A request for a feed, sitemap or section page; `source` is the configured URL
        it serves (a child sitemap's index), under which its yield is recorded."""
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            headers=self.services.validators.request_headers(url),
            dont_filter=True,
            priority=10,
            meta={"handle_httpstatus_list": [NOT_MODIFIED], SOURCE: source or url, **meta},
        )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        listing = self._listing(response, "feed")
        if listing is not None:
            self.count("items_without_link", listing.without_link)
            yield from self._claim_and_request(listing, response)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        listing = self._listing(response, "sitemap")
        if listing is None:
            return
        if listing.kind != "sitemap-index":
            yield from self._claim_and_request(listing, response)
            return
        self.count("old_sitemaps_skipped", listing.old_children)
        self._source_pass(response).note(listing)
        for ref in listing.children:
            yield self._discovery_request(ref.url, self.parse_sitemap, source=_source(response))
        # An index whose children all carry a lastmod changes when one of them does; one
        # without (a monthly index: the current month grows, the index stays the same)
        # is read every pass, or its newest child would never be read again.
        if listing.undated_children == 0:
            self._remember_validators(response)

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        listing = self._listing(response, "section", "sections_fetched")
        if listing is not None:
            yield from self._claim_and_request(listing, response)

    def _listing(
        self, response: Response, kind: SourceKind, fetched: str = "feeds_fetched"
    ) -> Listing | None:
        """The source read (see crawler.discovery); None when unchanged or unreadable."""
        if response.status == NOT_MODIFIED:
            self.count("not_modified")
            self._source_pass(response).unchanged = True
            return None
        self.count(fetched)
        try:
            return read_listing(
                response.body,
                response.url,
                kind,
                outlet=self.outlet,
                catalogue=self.catalogue,
                now=datetime.now(UTC),
                window=timedelta(seconds=self.sitemap_window),
                children=self.sitemap_children,
                pattern=response.meta.get("pattern"),
                declared_charset=_declared_charset(response),
            )
        except ExtractionError as exc:
            self.note_error(str(exc))
            self._source_pass(response).refused = str(exc)
            return None

    def _claim_and_request(self, listing: Listing, source: Response) -> Iterator[scrapy.Request]:
        """Claim the listing's new links, newest first, up to the per-source cap, and
        fetch them. Links already seen do not use up the cap."""
        self._source_pass(source).note(listing)
        self.count("offsite", listing.count(Place.OFFSITE) + listing.count(Place.DISABLED))
        self.count("out_of_window", listing.out_of_window)
        takeable = listing.takeable
        self.count("links_found", len(takeable))
        claimed, tried = self._claim_newest(takeable)
        self.count("links_seen_before", tried - len(claimed))
        self.count("links_over_cap", len(takeable) - tried)
        self.count("attributed", sum(1 for link in claimed if link.place is Place.ATTRIBUTED))
        # Validators are kept only now: every new link is claimed and pending, so a
        # crash from here on loses nothing even though the feed will answer 304. With
        # new links left past the cap, they are not kept: the next pass reads it again.
        if tried == len(takeable):
            self._remember_validators(source)
        for rank, link in enumerate(claimed):
            assert link.outlet is not None
            yield self._article_request(link.url, link.outlet, link.published_at, -rank)

    def _claim_newest(self, links: Sequence[FoundLink]) -> tuple[list[FoundLink], int]:
        """Claim `links` (newest first) in batches until `max_links` are new or none are
        left: (the claimed links in order, how many were tried)."""
        claimed: list[FoundLink] = []
        tried = 0
        while tried < len(links) and len(claimed) < self.max_links:
            batch = links[tried : tried + self.max_links - len(claimed)]
            tried += len(batch)
            by_outlet: dict[str, list[FoundLink]] = {}
            for link in batch:
                assert link.outlet is not None
                by_outlet.setdefault(link.outlet.id, []).append(link)
            won: set[str] = set()
            for outlet_id, group in by_outlet.items():
                urls = self.services.seen_urls.claim(
                    outlet_id, [link.url for link in group], time.time()
                )
                self._hold(outlet_id, urls)
                won.update(urls)
            claimed += [link for link in batch if link.url in won]
        return claimed, tried

    def _hold(self, outlet_id: str, urls: Iterable[str]) -> None:
        self.claimed.setdefault(outlet_id, set()).update(urls)

    def _source_pass(self, response: Response) -> SourcePass:
        return self.source_passes.setdefault(_source(response), SourcePass())

    def _remember_validators(self, response: Response) -> None:
        self.services.validators.remember(
            response.url,
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
        )

    def release_claims(self, reason: str) -> None:
        """At close, what this crawl claimed but did not finish is due again at once."""
        released = 0
        try:
            for outlet_id, urls in self.claimed.items():
                released += self.services.seen_urls.release(outlet_id, sorted(urls), time.time())
        except redis.RedisError as exc:
            self.logger.warning(
                "%s: could not release claims (%s); they expire after their lease",
                self.outlet.id,
                exc,
            )
            return
        if released:
            self.logger.info("%s: %d unfinished articles left for the next pass (%s)",
                             self.outlet.id, released, reason)  # fmt: skip

    def record_sources(self, reason: str) -> None:
        """At close, keep what each source gave this pass, and warn about those that gave
        nothing (a source unchanged since an empty pass gave nothing again)."""
        outcomes: dict[str, str | None] = {}
        unchanged = []
        refused = set()
        for url, source_pass in self.source_passes.items():
            state, why = source_pass.outcome()
            if state == "unchanged":
                unchanged.append(url)
            elif state in ("yielded", "empty"):
                outcomes[url] = why
            if source_pass.refused:
                refused.add(url)  # an error already, counted as such
        try:
            empty = record_source_passes(
                self.services.client, self.services.keys, self.outlet.id, outcomes,
                time.time(), self.services.seen_urls.ttl, unchanged,
            )  # fmt: skip
        except redis.RedisError as exc:
            self.logger.warning("%s: could not record its sources' yield (%s)", self.outlet.id, exc)
            empty = {
                url: SourceWarning(url, why, 1, time.time())
                for url, why in outcomes.items()
                if why is not None
            }
        for url, warning in empty.items():
            if url not in refused:
                self.count("empty_sources")
                passes = (
                    f", {warning.empty_passes} passes in a row" if warning.empty_passes > 1 else ""
                )
                self.note_warning(f"{url}: gave nothing ({warning.reason}{passes})")

    def note_warning(self, message: str) -> None:
        """Keep a warning of this outlet's pass for the summary (counted by the caller)."""
        assert self.crawler.stats is not None
        messages = self.crawler.stats.get_value("atalaia/warning_messages") or []
        if len(messages) < 20:
            self.crawler.stats.set_value("atalaia/warning_messages", [*messages, message])
        self.logger.warning("%s: %s", self.outlet.id, message)

    def _article_request(
        self, url: str, outlet: Outlet, listed_at: datetime | None = None, priority: int = 0
    ) -> scrapy.Request:
        meta: dict[str, Any] = {"atalaia_listed_at": listed_at.isoformat() if listed_at else None}
        if outlet.id != self.outlet.id:
            meta[OUTLET_META] = outlet
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=True,
            priority=priority,
            meta=meta,
        )

    def discovery_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None:
            source = str(request.meta.get(SOURCE) or request.url)
            self.source_passes.setdefault(source, SourcePass()).failed = True
        message = f"{_failed_url(failure)}: {describe_failure(failure)}"
        # A refused address was logged (once per host) by the egress middleware.
        self.note_error(message, log=not isinstance(failure.value, EgressRefused))

    # Articles -----------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[ExtractedArticle]:
        self.count("articles_fetched")
        outlet = outlet_of(response.request, self)  # another outlet's, when attributed
        try:
            extracted = await extract_in_pool(
                response.body,
                response.url,
                outlet=outlet.id,
                timezone=outlet.timezone,
                language=outlet.language,
                declared_charset=_declared_charset(response),
                workers=self.extraction_workers,
                listed_at=_listed_at(response),
                now=datetime.now(UTC),
                hubs=[outlet.homepage, *(section.url for section in outlet.sections)],
            )
        except NotAnArticle as exc:
            self.count_refusal(refusal_kind(exc.reason))
            self.logger.info("%s: %s", outlet.id, exc)
            self.services.seen_urls.done(outlet.id, _requested_url(response), time.time())
            return
        except Exception as exc:  # noqa: BLE001 (whatever a page does to the extractor is its failure)
            self.extraction_failed(response, exc)
            return
        requested = _requested_url(response)
        if requested != extracted.article.url:  # redirected: keep the address the feed gave
            extracted = replace(
                extracted, article=_with_url(extracted.article, requested, response.url)
            )
        yield extracted

    def extraction_failed(self, response: Response, error: Exception) -> None:
        """A page whose extraction failed is tried again on later passes, and given up for
        good (a poison page, counted) after `extraction_attempts` failures."""
        url = _requested_url(response)
        outlet_id = outlet_of(response.request, self).id  # another outlet's, when attributed
        retry = self.services.seen_urls.failed(
            outlet_id, url, time.time(), max_attempts=self.extraction_attempts
        )
        if retry.gave_up:
            self.count("poison_pages")
        state = "given up for good" if retry.gave_up else "will retry next pass"
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        self.note_error(f"{url}: extraction failed: {reason[:300]} (attempt {retry.attempts}, "
                        f"{state})")  # fmt: skip

    @noting_redis_outage
    def article_failed(self, failure: Failure) -> None:
        url = _failed_url(failure)
        outlet_id = outlet_of(getattr(failure, "request", None), self).id
        error = failure.value
        description = describe_failure(failure)
        if isinstance(error, EgressRefused):  # counted and logged by the egress middleware
            self.services.seen_urls.done(outlet_id, url, time.time())
            return
        if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
            self.count("robots_forbidden")
            self.services.seen_urls.done(outlet_id, url, time.time())
            return
        if isinstance(error, HttpError) and error.response.status in (404, 410):
            self.count_refusal(HTTP_ERROR)
            self.logger.info("%s: %s: not an article (%s)", outlet_id, url, description)
            self.services.seen_urls.done(outlet_id, url, time.time())
            return
        retry = self.services.seen_urls.failed(outlet_id, url, time.time())
        state = "giving up" if retry.gave_up else "will retry next pass"
        self.note_error(f"{url}: {description} (attempt {retry.attempts}, {state})")


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _requested_url(response: Response) -> str:
    """The URL the spider asked for (before redirects), which dedupe knows it by."""
    return _original_url(response.request) if response.request is not None else response.url


def _failed_url(failure: Failure) -> str:
    """The URL the spider asked for, when a request (or one it was redirected to) failed."""
    request = getattr(failure, "request", None)
    return _original_url(request) if request is not None else "?"


def _original_url(request: scrapy.Request) -> str:
    """The request's URL before any redirect (Scrapy keeps the chain in its meta)."""
    chain = request.meta.get("redirect_urls")
    return str(chain[0]) if chain else str(request.url)


def _declared_charset(response: Response) -> str | None:
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name == "charset" and value:
            return value.strip("\"' ")
    return None


def _source(response: Response) -> str:
    """The configured source (feed, sitemap or section URL) a listing response serves."""
    return str(response.meta.get(SOURCE) or _requested_url(response))


def _catalogue(context: CrawlContext, outlet: Outlet | str) -> Catalogue:
    """The catalogue the run shares, or the file the settings name.

    An outlet given without a readable catalogue is its own whole catalogue: its
    links to other hosts are then all offsite."""
    if context.catalogue is not None:
        return context.catalogue
    path = context.settings.outlets_path
    if isinstance(outlet, str):
        return load_catalogue(path)
    try:
        return load_catalogue(path)
    except AtalaiaError as exc:
        logger.warning("%s: catalogue %s unreadable (%s): links to other hosts are offsite",
                       outlet.id, path, exc)  # fmt: skip
        return Catalogue(path, [outlet])


def _listed_at(response: Response) -> datetime | None:
    """The date the feed or sitemap gave the page's link (`atalaia_listed_at`)."""
    value = response.meta.get("atalaia_listed_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _with_url(article: Article, requested: str, final: str) -> Article:
    return replace(article, url=requested, canonical_url=article.canonical_url or final)
