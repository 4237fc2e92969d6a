"""Fetching a few pages for a command (`discover`, `add-outlet`) the way the crawler does.

The pages are fetched by a Scrapy crawler built from the crawler's own settings, so
the same manners apply (robots.txt, User-Agent, size and time limits) and the same
egress rules: the spider's `outlet` is the one the pages are for, and an outlet that
does not say `allow_private_network: true` reaches public addresses only.

Fetching happens in rounds: after the first URLs are in, `more` is shown everything
fetched so far and names the next URLs (feeds found on a homepage, say), until it
names none. Runs the Twisted reactor, so it can be called once per process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from atalaia.settings import Settings
from crawler.catalogue import Outlet
from crawler.failures import describe_failure
from crawler.scrapy_settings import scrapy_settings


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one URL gave: a response (any status), or the reason there is none."""

    url: str  # as asked
    final_url: str = ""  # after redirects
    status: int = 0  # 0: no response
    body: bytes = b""
    charset: str | None = None
    content_type: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


More = Callable[[Mapping[str, Fetched]], Sequence[str]]


def fetch_pages(
    settings: Settings, outlet: Outlet, first: Sequence[str], more: More | None = None
) -> dict[str, Fetched]:
    """Fetch `first`, then what `more` asks for, round after round; by URL asked."""
    overrides = {
        "ITEM_PIPELINES": {},
        "RETRY_TIMES": 0,
        "HTTPERROR_ALLOW_ALL": True,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,
    }
    crawler_settings = scrapy_settings(settings)
    crawler_settings.update(overrides, priority="cmdline")
    process = CrawlerProcess(crawler_settings)
    results: dict[str, Fetched] = {}
    crawler = process.create_crawler(PageFetchSpider)
    process.crawl(crawler, outlet=outlet, first=list(first), more=more, results=results)
    process.start(stop_after_crawl=True, install_signal_handlers=True)
    return results


class PageFetchSpider(scrapy.Spider):
    """Fetches the URLs it is given, round by round; keeps every outcome."""

    name = "atalaia-fetch"

    def __init__(
        self,
        outlet: Outlet,
        first: list[str],
        more: More | None,
        results: dict[str, Fetched],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.outlet = outlet
        self.first = first
        self.more = more
        self.results = results
        self.asked: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PageFetchSpider:
        spider: PageFetchSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.next_round, signal=signals.spider_idle)
        return spider

    async def start(self) -> Any:
        for request in self._requests(self.first):
            yield request

    def _requests(self, urls: Sequence[str]) -> Iterator[scrapy.Request]:
        for url in dict.fromkeys(urls):
            if url in self.asked:
                continue
            self.asked.add(url)
            yield scrapy.Request(
                url, callback=self.keep, errback=self.failed, dont_filter=True,
                meta={"asked": url},
            )  # fmt: skip

    def keep(self, response: Response) -> None:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        charset = None
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip("\"' ")
        asked = str(response.meta.get("asked", response.url))
        self.results[asked] = Fetched(
            asked, response.url, response.status, response.body, charset, content_type
        )

    def failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        asked = str(request.meta.get("asked", request.url)) if request is not None else "?"
        self.results[asked] = Fetched(asked, error=describe_failure(failure))

    def next_round(self) -> None:
        if self.more is None:
            return
        requests = list(self._requests(self.more(dict(self.results))))
        if not requests:
            return
        assert self.crawler.engine is not None
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider
