"""What Atalaia's item pipelines share: their crawler's services, counters, Redis outages.

Counters go to the outlet pass the item belongs to (crawler.job), which the spider
knows by the item's article.
"""

from __future__ import annotations

from typing import Any

import redis
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.job import Job
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

    def job(self, item: Any) -> Job | None:
        """The pass `item` belongs to."""
        job_of_item = getattr(self.crawler.spider, "job_of_item", None)
        return job_of_item(item) if job_of_item is not None else None

    def count(self, item: Any, name: str) -> None:
        """Count `name` in the pass of `item`."""
        job = self.job(item)
        if job is not None:
            job.count(name)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        try:
            return self.process(item)
        except redis.RedisError as exc:
            message = redis_failure_message(str(getattr(item, "url", item)), exc)
            job = self.job(item)
            if job is not None:
                job.note_error(message)
            raise DropItem(message, log_level="DEBUG") from None

    def process(self, item: Any) -> Any:
        raise NotImplementedError
