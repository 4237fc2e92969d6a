"""The downloader middleware that applies the egress policy to every request.

It runs first (before robots.txt is asked for, so a refused host's robots.txt is
never fetched), and again for every redirect, since Scrapy sends each redirect as
a new request through the middlewares. An allowed request carries its checked
destination in `request.meta["atalaia_destination"]`, which the download handler
(crawler.egress.handler) connects to. A refusal is counted in its outlet's pass
(`egress_refused`) and logged once per host and address.

Scrapy's own requests (robots.txt) belong to no pass: they are checked for the
outlet whose request last went to their host and port, so an outlet allowed on a
private network gets its robots.txt there too.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object

from crawler.catalogue import Outlet
from crawler.egress.policy import EgressPolicy, EgressRefused
from crawler.job import job_of
from crawler.request_outlet import request_outlet

log = logging.getLogger(__name__)

DESTINATION = "atalaia_destination"


def policy_for(crawler: Crawler) -> EgressPolicy:
    """The crawl's one EgressPolicy, shared by the middleware and the download handler."""
    policy = getattr(crawler, "_atalaia_egress", None)
    if policy is None:
        resolver = crawler.settings.get("ATALAIA_EGRESS_RESOLVER")
        if isinstance(resolver, str):  # a dotted path, from `scrapy crawl -s`
            resolver = load_object(resolver)
        policy = EgressPolicy(resolver) if resolver else EgressPolicy()
        crawler._atalaia_egress = policy  # type: ignore[attr-defined]
    return policy


class EgressMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = policy_for(crawler)
        self._logged: set[tuple[str, int | None, str]] = set()
        self._private: dict[str, Outlet] = {}  # host:port -> an outlet allowed there

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EgressMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        outlet = self._outlet(request)
        try:
            request.meta[DESTINATION] = await self.policy.destination(request.url, outlet)
        except EgressRefused as refused:
            self._count_and_log(request, refused, outlet.id if outlet else "?")
            raise

    def _outlet(self, request: Request) -> Outlet | None:
        """The outlet the request is for; for Scrapy's own, see above."""
        netloc = urlparse_cached(request).netloc
        outlet = request_outlet(request, self.crawler.spider)
        if outlet is None:
            return self._private.get(netloc)
        if outlet.allow_private_network:
            self._private[netloc] = outlet
        return outlet

    def _count_and_log(self, request: Request, refused: EgressRefused, outlet_id: str) -> None:
        job = job_of(request)
        if request.callback is NO_CALLBACK or job is None:  # robots.txt: the page counts
            return
        job.count("egress_refused")
        refusal = refused.refusal
        key = (refusal.host, urlparse_cached(request).port, refusal.address)
        if key in self._logged:
            return
        self._logged.add(key)
        log.warning("%s: %s", outlet_id, refusal, extra={"outlet": outlet_id, "url": request.url})
