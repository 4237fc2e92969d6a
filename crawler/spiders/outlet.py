"""The one spider: crawls any outlet of the catalogue through its feeds, sitemaps and sections.

It only crawls. Link discovery and article extraction are the pure functions of
`crawler.extraction`; dedupe lives in `crawler.dedupe`. Article links are claimed in
Redis before any fetch, so an article already seen (by this or another crawler
process) is never requested again.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from atalaia.article import Article, ArticleLink, NotAnArticle
from crawler.catalogue import Outlet, load_catalogue
from crawler.egress.policy import EgressRefused
from crawler.extraction.errors import ExtractionError
from crawler.extraction.feeds import parse_feed
from crawler.extraction.sections import parse_section
from crawler.extraction.sitemaps import parse_sitemap
from crawler.extraction_pool import default_workers, extract_in_pool
from crawler.failures import describe_failure
from crawler.items import ExtractedArticle
from crawler.redis_outage import noting_redis_outage
from crawler.services import CrawlServices, services_for

NOT_MODIFIED = 304


class OutletSpider(scrapy.Spider):
    """Crawl one outlet: `scrapy crawl outlet -a outlet=ID` (or given an `Outlet`)."""

    name = "outlet"

    def __init__(self, outlet: Outlet | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outlet_arg = outlet

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletSpider:
        spider: OutletSpider = super().from_crawler(crawler, *args, **kwargs)
        outlet = spider.outlet_arg
        if isinstance(outlet, str):
            catalogue = load_catalogue(Path(crawler.settings.get("ATALAIA_OUTLETS")))
            outlet = catalogue.select([outlet])[0]
        spider.outlet = outlet
        spider.claimed = set()
        crawler.signals.connect(spider.release_claims, signal=signals.spider_closed)
        spider.sitemap_window = crawler.settings.getfloat("ATALAIA_SITEMAP_WINDOW")
        spider.sitemap_children = crawler.settings.getint("ATALAIA_SITEMAP_CHILDREN")
        spider.max_links = crawler.settings.getint("ATALAIA_MAX_LINKS_PER_SOURCE")
        spider.extraction_attempts = crawler.settings.getint("ATALAIA_EXTRACTION_ATTEMPTS")
        workers = crawler.settings.get("ATALAIA_EXTRACTION_WORKERS")
        spider.extraction_workers = default_workers() if workers is None else int(workers)
        return spider

    outlet: Outlet
    sitemap_window: float
    sitemap_children: int
    max_links: int
    claimed: set[str]
    extraction_workers: int
    extraction_attempts: int

    @property
    def services(self) -> CrawlServices:
        return services_for(self.crawler)

    def count(self, name: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"atalaia/{name}", value)

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
        due = self.services.seen_urls.due(self.outlet.id, time.time())
        claimed = self.services.seen_urls.claim(self.outlet.id, due, time.time())
        self.claimed.update(claimed)
        yield from self._article_requests(claimed)
        for url in self.outlet.feeds:
            yield self._discovery_request(url, self.parse_feed)
        for url in self.outlet.sitemaps:
            yield self._discovery_request(url, self.parse_sitemap)
        for section in self.outlet.sections:
            yield self._discovery_request(section.url, self.parse_section, pattern=section.articles)

    def _discovery_request(self, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            headers=self.services.validators.request_headers(url),
            dont_filter=True,
            priority=10,
            meta={"handle_httpstatus_list": [NOT_MODIFIED], **meta},
        )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        try:
            links = parse_feed(
                response.body,
                response.url,
                declared_charset=_declared_charset(response),
                timezone=self.outlet.timezone,
            )
        except ExtractionError as exc:
            self.note_error(str(exc))
            return
        yield from self._claim_and_request(links, response)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        try:
            sitemap = parse_sitemap(
                response.body,
                response.url,
                self.outlet.timezone,
                declared_charset=_declared_charset(response),
            )
        except ExtractionError as exc:
            self.note_error(str(exc))
            return
        if sitemap.kind == "index":
            newest = sorted(
                sitemap.sitemaps,
                key=lambda ref: ref.lastmod or datetime.min.replace(tzinfo=UTC),
                reverse=True,
            )
            for ref in newest[: self.sitemap_children]:
                yield self._discovery_request(ref.url, self.parse_sitemap)
            self._remember_validators(response)
            return
        cutoff = datetime.now(UTC) - timedelta(seconds=self.sitemap_window)
        recent = [link for link in sitemap.links if _is_recent(link, cutoff)]
        yield from self._claim_and_request(recent, response)

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response, "sections_fetched"):
            return
        links = parse_section(
            response.body,
            response.url,
            response.meta["pattern"],
            declared_charset=_declared_charset(response),
        )
        yield from self._claim_and_request(links, response)

    def _not_modified(self, response: Response, fetched: str = "feeds_fetched") -> bool:
        if response.status == NOT_MODIFIED:
            self.count("not_modified")
            return True
        self.count(fetched)
        return False

    def _claim_and_request(
        self, links: Iterable[ArticleLink], source: Response
    ) -> Iterator[scrapy.Request]:
        urls = [link.url for link in links][: self.max_links]
        self.count("links_found", len(urls))
        claimed = self.services.seen_urls.claim(self.outlet.id, urls, time.time())
        self.claimed.update(claimed)
        self.count("links_seen_before", len(urls) - len(claimed))
        # Validators are kept only now: every new link is claimed and pending, so a
        # crash from here on loses nothing even though the feed will answer 304.
        self._remember_validators(source)
        yield from self._article_requests(claimed)

    def _remember_validators(self, response: Response) -> None:
        self.services.validators.remember(
            response.url,
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
        )

    def release_claims(self, reason: str) -> None:
        """At close, what this crawl claimed but did not finish is due again at once."""
        try:
            released = self.services.seen_urls.release(
                self.outlet.id, sorted(self.claimed), time.time()
            )
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

    def _article_requests(self, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        for url in urls:
            yield scrapy.Request(
                url, callback=self.parse_article, errback=self.article_failed, dont_filter=True
            )

    def discovery_failed(self, failure: Failure) -> None:
        message = f"{_failed_url(failure)}: {describe_failure(failure)}"
        # A refused address was logged (once per host) by the egress middleware.
        self.note_error(message, log=not isinstance(failure.value, EgressRefused))

    # Articles -----------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[ExtractedArticle]:
        self.count("articles_fetched")
        try:
            extracted = await extract_in_pool(
                response.body,
                response.url,
                outlet=self.outlet.id,
                timezone=self.outlet.timezone,
                language=self.outlet.language,
                declared_charset=_declared_charset(response),
                workers=self.extraction_workers,
            )
        except NotAnArticle as exc:
            self.count("non_articles")
            self.logger.info("%s: %s", self.outlet.id, exc)
            self.services.seen_urls.done(self.outlet.id, _requested_url(response), time.time())
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
        retry = self.services.seen_urls.failed(
            self.outlet.id, url, time.time(), max_attempts=self.extraction_attempts
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
        error = failure.value
        description = describe_failure(failure)
        if isinstance(error, EgressRefused):  # counted and logged by the egress middleware
            self.services.seen_urls.done(self.outlet.id, url, time.time())
            return
        if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
            self.count("robots_forbidden")
            self.services.seen_urls.done(self.outlet.id, url, time.time())
            return
        if isinstance(error, HttpError) and error.response.status in (404, 410):
            self.count("non_articles")
            self.logger.info("%s: %s: not an article (%s)", self.outlet.id, url, description)
            self.services.seen_urls.done(self.outlet.id, url, time.time())
            return
        retry = self.services.seen_urls.failed(self.outlet.id, url, time.time())
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


def _is_recent(link: ArticleLink, cutoff: datetime) -> bool:
    when = link.published_at
    if when is None and link.extra.get("lastmod"):
        try:
            when = datetime.fromisoformat(link.extra["lastmod"])
        except ValueError:
            when = None
    if when is None:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when >= cutoff


def _with_url(article: Article, requested: str, final: str) -> Article:
    return replace(article, url=requested, canonical_url=article.canonical_url or final)
