"""The one spider: crawls any outlet of the catalogue through its feeds, sitemaps and sections.

It only crawls. Link discovery and article extraction are the pure functions of
`crawler.extraction`; dedupe lives in `crawler.dedupe`. Article links are claimed in
Redis before any fetch, so an article already seen (by this or another crawler
process) is never requested again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
import scrapy
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
from crawler.job import Job
from crawler.job_spider import JobSpider
from crawler.request_outlet import META_KEY as OUTLET_META
from crawler.request_outlet import outlet_of
from crawler.services import CrawlContext, CrawlServices, context_for, services_for
from crawler.source_health import record_source_passes

NOT_MODIFIED = 304
SOURCE = "atalaia_source"  # request meta: the configured source a listing serves

logger = logging.getLogger(__name__)


class OutletSpider(JobSpider):
    """Crawl outlets: `scrapy crawl outlet -a outlet=ID` crawls one and closes; the crawl
    engine (crawler.engine) gives it a queue of passes instead, and it stays open."""

    name = "outlet"

    def __init__(
        self,
        outlet: Outlet | str | None = None,
        catalogue: Catalogue | None = None,
        jobs: asyncio.Queue[Job | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.outlet_arg = outlet
        self.catalogue = catalogue
        self.jobs_arg = jobs

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletSpider:
        spider: OutletSpider = super().from_crawler(crawler, *args, **kwargs)
        context = context_for(crawler)
        if spider.catalogue is None:
            spider.catalogue = _catalogue(context, spider.outlet_arg)
        jobs = spider.jobs_arg
        if jobs is None:  # one pass of one outlet, then close
            if spider.outlet_arg is None:
                raise ValueError("an outlet to crawl (-a outlet=ID), or a queue of passes")
            outlet = spider.outlet_arg
            if isinstance(outlet, str):
                outlet = spider.catalogue.select([outlet])[0]
            jobs = asyncio.Queue()
            jobs.put_nowait(Job(outlet, on_finished=spider._keep_stats))
            jobs.put_nowait(None)
        spider.start_jobs(crawler, jobs)
        settings = context.settings
        spider.sitemap_window = settings.sitemap_window
        spider.sitemap_children = settings.sitemap_children
        spider.max_links = settings.max_links_per_source
        spider.extraction_attempts = settings.extraction_attempts
        workers = crawler.settings.get("ATALAIA_EXTRACTION_WORKERS")
        spider.extraction_workers = default_workers() if workers is None else int(workers)
        return spider

    catalogue: Catalogue | None
    sitemap_window: float
    sitemap_children: int
    max_links: int
    extraction_workers: int
    extraction_attempts: int

    @property
    def services(self) -> CrawlServices:
        return services_for(self.crawler)

    # Discovery ------------------------------------------------------------------

    def first_requests(self, job: Job) -> Iterator[scrapy.Request]:
        outlet = job.outlet
        due = self.read_poll_state(job) if job.due is None else job.due
        claimed = self.services.seen_urls.claim(outlet.id, due, time.time()) if due else []
        job.hold(outlet.id, claimed)
        for url in claimed:
            yield self._article_request(job, url, outlet)
        yield from self.source_requests(job)

    def read_poll_state(self, job: Job) -> list[str]:
        """Read the outlet's poll state into `job` (one round trip); its articles due
        for another try."""
        self.read_poll_states([job])
        return job.due or []

    def read_poll_states(self, jobs: Sequence[Job]) -> None:
        """`read_poll_state` for each of `jobs`, all in one round trip."""
        loaded = self.services.polls.load_many(
            [job.outlet.id for job in jobs], time.time(), self.services.seen_urls
        )
        for job, (due, poll) in zip(jobs, loaded, strict=True):
            job.due, job.poll = due, poll

    def source_requests(self, job: Job) -> Iterator[scrapy.Request]:
        """The requests for the outlet's configured feeds, sitemaps and sections (for a
        source polled already, crawler.quick_poll's request, with its outcome)."""
        outlet = job.outlet
        sources: list[tuple[str, str, dict[str, Any]]] = [
            *((url, "parse_feed", {}) for url in outlet.feeds),
            *((url, "parse_sitemap", {}) for url in outlet.sitemaps),
            *((s.url, "parse_section", {"pattern": s.articles}) for s in outlet.sections),
        ]
        for url, callback, meta in sources:
            polled = job.prefetched.pop(url, None)
            yield (
                polled
                if polled is not None
                else self._discovery_request(job, url, callback, **meta)
            )

    def _discovery_request(
        self, job: Job, url: str, callback: str, source: str | None = None, **meta: Any
    ) -> scrapy.Request:
        """A request for a feed, sitemap or section page; `source` is the configured URL
        it serves (a child sitemap's index), under which its yield is recorded."""
        return self.request(
            job,
            url,
            callback,
            "discovery_failed",
            headers=job.poll.request_headers(url),
            dont_filter=True,
            priority=10,
            meta={"handle_httpstatus_list": [NOT_MODIFIED], SOURCE: source or url, **meta},
        )

    def parse_feed(self, response: Response, job: Job) -> Iterator[scrapy.Request]:
        listing = self._listing(response, job, "feed")
        if listing is not None:
            job.count("items_without_link", listing.without_link)
            yield from self._claim_and_request(listing, response, job)

    def parse_sitemap(self, response: Response, job: Job) -> Iterator[scrapy.Request]:
        listing = self._listing(response, job, "sitemap")
        if listing is None:
            return
        if listing.kind != "sitemap-index":
            yield from self._claim_and_request(listing, response, job)
            return
        job.count("old_sitemaps_skipped", listing.old_children)
        job.source_pass(_source(response)).note(listing)
        for ref in listing.children:
            yield self._discovery_request(job, ref.url, "parse_sitemap", source=_source(response))
        # An index whose children all carry a lastmod changes when one of them does; one
        # without (a monthly index: the current month grows, the index stays the same)
        # is read every pass, or its newest child would never be read again.
        if listing.undated_children == 0:
            self._remember_validators(response, job)

    def parse_section(self, response: Response, job: Job) -> Iterator[scrapy.Request]:
        listing = self._listing(response, job, "section", "sections_fetched")
        if listing is not None:
            yield from self._claim_and_request(listing, response, job)

    def _listing(
        self, response: Response, job: Job, kind: SourceKind, fetched: str = "feeds_fetched"
    ) -> Listing | None:
        """The source read (see crawler.discovery); None when unchanged or unreadable."""
        if self.unchanged(response, job):
            self.note_unchanged(response, job)
            return None
        job.count(fetched)
        try:
            return read_listing(
                response.body,
                response.url,
                kind,
                outlet=job.outlet,
                catalogue=self.catalogue,
                now=datetime.now(UTC),
                window=timedelta(seconds=self.sitemap_window),
                children=self.sitemap_children,
                pattern=response.meta.get("pattern"),
                declared_charset=_declared_charset(response),
            )
        except ExtractionError as exc:
            job.note_error(str(exc))
            job.source_pass(_source(response)).refused = str(exc)
            return None

    @staticmethod
    def unchanged(response: Response, job: Job) -> bool:
        """Whether a source's response is a 304, or the very body processed last time."""
        if response.status == NOT_MODIFIED:
            return True
        return 200 <= response.status < 300 and job.poll.unchanged(
            _requested_url(response), response.body
        )

    @staticmethod
    def note_unchanged(response: Response, job: Job) -> None:
        job.count("not_modified")
        job.source_pass(_source(response)).unchanged = True

    def _claim_and_request(
        self, listing: Listing, source: Response, job: Job
    ) -> Iterator[scrapy.Request]:
        """Claim the listing's new links, newest first, up to the per-source cap, and
        fetch them. Links already seen do not use up the cap."""
        job.source_pass(_source(source)).note(listing)
        job.count("offsite", listing.count(Place.OFFSITE) + listing.count(Place.DISABLED))
        job.count("out_of_window", listing.out_of_window)
        takeable = listing.takeable
        job.count("links_found", len(takeable))
        claimed, tried = self._claim_newest(takeable, job)
        job.count("links_seen_before", tried - len(claimed))
        job.count("links_over_cap", len(takeable) - tried)
        job.count("attributed", sum(1 for link in claimed if link.place is Place.ATTRIBUTED))
        # Validators are kept only now: every new link is claimed and pending, so a
        # crash from here on loses nothing even though the feed will answer 304. With
        # new links left past the cap, they are not kept: the next pass reads it again.
        if tried == len(takeable):
            self._remember_validators(source, job)
        else:  # (and the index it came from, if any: see record_sources)
            job.source_pass(_source(source)).over_cap = True
        for rank, link in enumerate(claimed):
            assert link.outlet is not None
            yield self._article_request(job, link.url, link.outlet, link.published_at, -rank)

    def _claim_newest(self, links: Sequence[FoundLink], job: Job) -> tuple[list[FoundLink], int]:
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
                job.hold(outlet_id, urls)
                won.update(urls)
            claimed += [link for link in batch if link.url in won]
        return claimed, tried

    def _remember_validators(self, response: Response, job: Job) -> None:
        """Keep what tells the next poll this copy is unchanged (written at the end)."""
        job.poll.remember(
            _requested_url(response),
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            body=response.body,
            now=time.time(),
        )

    # The end of a pass ----------------------------------------------------------

    def finish(self, job: Job, *, finished: bool, reason: str) -> None:
        """Release what the pass claimed but did not finish, record its sources, end it."""
        try:
            self.release_claims(job, reason)
            self.record_sources(job)
        finally:
            super().finish(job, finished=finished, reason=reason)

    def release_claims(self, job: Job, reason: str) -> None:
        """What the pass claimed but did not finish is due again at once."""
        released = 0
        try:
            for outlet_id, urls in job.claimed.items():
                released += self.services.seen_urls.release(outlet_id, sorted(urls), time.time())
        except redis.RedisError as exc:
            self.logger.warning(
                "%s: could not release claims (%s); they expire after their lease",
                job.outlet.id,
                exc,
            )
            return
        if released:
            self.logger.info("%s: %d unfinished articles left for the next pass (%s)",
                             job.outlet.id, released, reason)  # fmt: skip

    def record_sources(self, job: Job) -> None:
        """Keep what each source gave this pass, with the validators it left, in the
        outlet's poll hash (one round trip, none when nothing changed), and warn about
        the sources that gave nothing (one unchanged since an empty pass gave nothing
        again)."""
        outcomes: dict[str, str | None] = {}
        unchanged = []
        refused = set()
        for url, source_pass in job.source_passes.items():
            state, why = source_pass.outcome()
            if state == "unchanged":
                unchanged.append(url)
            elif state in ("yielded", "empty"):
                outcomes[url] = why
            if source_pass.refused:
                refused.add(url)  # an error already, counted as such
        for url, source_pass in job.source_passes.items():
            if source_pass.over_cap:  # an index unchanged next time would hide them
                job.poll.forget(url)
        now = time.time()
        empty = record_source_passes(job.poll, outcomes, now, unchanged)
        job.poll.forget_stale(set(job.outlet.source_urls), now, self.services.seen_urls.ttl)
        try:
            self.services.polls.save(job.outlet.id, job.poll)
        except redis.RedisError as exc:
            self.logger.warning(
                "%s: could not keep its sources' validators and yield (%s); they are read "
                "in full next pass", job.outlet.id, exc,
            )  # fmt: skip
        for url, warning in empty.items():
            if url not in refused:
                job.count("empty_sources")
                passes = (
                    f", {warning.empty_passes} passes in a row" if warning.empty_passes > 1 else ""
                )
                job.note_warning(f"{url}: gave nothing ({warning.reason}{passes})")

    def _keep_stats(self, job: Job) -> None:
        """Under `scrapy crawl`, the pass's counters go to the crawler's stats."""
        assert self.crawler.stats is not None
        for name, value in job.stats.items():
            self.crawler.stats.set_value(name, value)

    def _article_request(
        self,
        job: Job,
        url: str,
        outlet: Outlet,
        listed_at: datetime | None = None,
        priority: int = 0,
    ) -> scrapy.Request:
        meta: dict[str, Any] = {"atalaia_listed_at": listed_at.isoformat() if listed_at else None}
        if outlet.id != job.outlet.id:
            meta[OUTLET_META] = outlet
        return self.request(
            job, url, "parse_article", "article_failed",
            dont_filter=True, priority=priority, meta=meta,
        )  # fmt: skip

    def discovery_failed(self, failure: Failure, job: Job) -> None:
        request = getattr(failure, "request", None)
        if request is not None:
            job.source_pass(str(request.meta.get(SOURCE) or request.url)).failed = True
        message = f"{_failed_url(failure)}: {describe_failure(failure)}"
        # A refused address was logged (once per host) by the egress middleware.
        job.note_error(message, log=not isinstance(failure.value, EgressRefused))

    # Articles -----------------------------------------------------------------

    async def parse_article(self, response: Response, job: Job) -> AsyncIterator[ExtractedArticle]:
        job.count("articles_fetched")
        outlet = outlet_of(response.request, job)  # another outlet's, when attributed
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
            job.count_refusal(refusal_kind(exc.reason))
            self.logger.info("%s: %s", outlet.id, exc)
            self.services.seen_urls.done(outlet.id, _requested_url(response), time.time())
            return
        except Exception as exc:  # noqa: BLE001 (whatever a page does to the extractor is its failure)
            self.extraction_failed(response, job, exc)
            return
        requested = _requested_url(response)
        if requested != extracted.article.url:  # redirected: keep the address the feed gave
            extracted = replace(
                extracted, article=_with_url(extracted.article, requested, response.url)
            )
        yield extracted

    def extraction_failed(self, response: Response, job: Job, error: Exception) -> None:
        """A page whose extraction failed is tried again on later passes, and given up for
        good (a poison page, counted) after `extraction_attempts` failures."""
        url = _requested_url(response)
        outlet_id = outlet_of(response.request, job).id  # another outlet's, when attributed
        retry = self.services.seen_urls.failed(
            outlet_id, url, time.time(), max_attempts=self.extraction_attempts
        )
        if retry.gave_up:
            job.count("poison_pages")
        state = "given up for good" if retry.gave_up else "will retry next pass"
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        job.note_error(f"{url}: extraction failed: {reason[:300]} (attempt {retry.attempts}, "
                       f"{state})")  # fmt: skip

    def article_failed(self, failure: Failure, job: Job) -> None:
        url = _failed_url(failure)
        outlet_id = outlet_of(getattr(failure, "request", None), job).id
        error = failure.value
        description = describe_failure(failure)
        if isinstance(error, EgressRefused):  # counted and logged by the egress middleware
            self.services.seen_urls.done(outlet_id, url, time.time())
            return
        if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
            job.count("robots_forbidden")
            self.services.seen_urls.done(outlet_id, url, time.time())
            return
        if isinstance(error, HttpError) and error.response.status in (404, 410):
            job.count_refusal(HTTP_ERROR)
            self.logger.info("%s: %s: not an article (%s)", outlet_id, url, description)
            self.services.seen_urls.done(outlet_id, url, time.time())
            return
        retry = self.services.seen_urls.failed(outlet_id, url, time.time())
        state = "giving up" if retry.gave_up else "will retry next pass"
        job.note_error(f"{url}: {description} (attempt {retry.attempts}, {state})")


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


def _catalogue(context: CrawlContext, outlet: Outlet | str | None) -> Catalogue:
    """The catalogue the run shares, or the file the settings name.

    Without a readable catalogue, an outlet's links to other hosts are all offsite."""
    if context.catalogue is not None:
        return context.catalogue
    path = context.settings.outlets_path
    if isinstance(outlet, str):
        return load_catalogue(path)
    try:
        return load_catalogue(path)
    except AtalaiaError as exc:
        logger.warning("catalogue %s unreadable (%s): links to other hosts are offsite",
                       path, exc)  # fmt: skip
        return Catalogue(path, [outlet] if outlet is not None else [])


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
