"""What Atalaia's item pipelines share: their crawler's services, counters, Redis outages."""

from __future__ import annotations

from typing import Any

import redis
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.redis_outage import redis_failure_message
from crawler.services import CrawlServices, services_for


class CrawlPipeline:
    """A pipeline whose `process` may use Redis; an outage drops the item, counted.

    The dropped article stays pending in Redis (or unclaimed), so the next pass
    fetches it again: nothing is lost.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    @property
    def services(self) -> CrawlServices:
        return services_for(self.crawler)

    def count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"atalaia/{name}")

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        try:
            return self.process(item)
        except redis.RedisError as exc:
            message = redis_failure_message(str(getattr(item, "url", item)), exc)
            note_error = getattr(self.crawler.spider, "note_error", None)
            if note_error is not None:
                note_error(message)
            raise DropItem(message, log_level="DEBUG") from None

    def process(self, item: Any) -> Any:
        raise NotImplementedError
