"""robots.txt, read again after a while: a crawl engine lives for days, a site's rules change.

Scrapy's RobotsTxtMiddleware reads a host's robots.txt once per crawler; one crawler
now runs every pass of a process (crawler.engine), so a copy older than
`robotstxt_ttl` (ATALAIA_ROBOTSTXT_TTL) is dropped and read again by the next
request there.
"""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.services import context_for


class ExpiringRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.ttl = context_for(crawler).settings.robotstxt_ttl
        self._read_at: dict[str, float] = {}  # host:port -> when its copy was asked for

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        now = time.monotonic()
        read_at = self._read_at.get(netloc)
        stale = read_at is None or now - read_at > self.ttl
        if stale and not isinstance(self._parsers.get(netloc), Deferred):  # (not being read)
            self._parsers.pop(netloc, None)
            self._read_at[netloc] = now
        return await super().robot_parser(request)
