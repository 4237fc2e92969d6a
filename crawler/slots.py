"""Download slots per outlet: the politeness of one outlet does not depend on the others.

One Scrapy crawler runs every outlet (crawler.engine), so its requests are put in one
download slot per outlet (the one an article is attributed to, else the pass's), of
CONCURRENT_REQUESTS_PER_DOMAIN requests at a time, each with its AutoThrottle delay:
crawler.job_spider names it when it makes the request, so the scheduler's queue
(DownloaderAwarePriorityQueue) hands requests out by outlet too. Scrapy's own
requests (robots.txt) get one slot per host and port, rather than one per host
name: outlets served from one address on several ports stay apart.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.httpobj import urlparse_cached

SLOT = "download_slot"  # Scrapy's request meta key


class OutletSlotMiddleware:
    """Downloader middleware: a request with no slot yet gets its host and port's."""

    def process_request(self, request: Request) -> None:
        request.meta.setdefault(SLOT, urlparse_cached(request).netloc)
