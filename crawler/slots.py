"""Download slots per outlet: the politeness of one outlet does not depend on the others.

One Scrapy crawler runs every outlet (crawler.engine), so its requests are put in one
download slot per outlet (the one an article is attributed to, else the pass's), of
CONCURRENT_REQUESTS_PER_DOMAIN requests at a time, each with its AutoThrottle delay.
Scrapy's own requests (robots.txt) get one slot per host and port, rather than one per
host name: outlets served from one address on several ports stay apart.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.httpobj import urlparse_cached

from crawler.job import job_of
from crawler.request_outlet import outlet_of

SLOT = "download_slot"  # Scrapy's request meta key


class OutletSlotMiddleware:
    """Downloader middleware: names each request's download slot (see above)."""

    def process_request(self, request: Request) -> None:
        if SLOT in request.meta:
            return
        job = job_of(request)
        if job is not None:
            request.meta[SLOT] = outlet_of(request, job).id
        else:
            request.meta[SLOT] = urlparse_cached(request).netloc
