"""When Redis goes away during a crawl: count it, say it once, carry on, lose nothing.

Whatever was in flight stays claimed and pending in Redis (or was never claimed),
so the next pass fetches it again; these hooks only keep the failure from turning
into tracebacks and make it show in the outlet's summary.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure


def redis_failure_message(what: str, error: redis.RedisError) -> str:
    return f"{what}: Redis unavailable ({error}); left for the next pass"


def noting_redis_outage(errback: Callable[[Any, Failure], None]) -> Callable[[Any, Failure], None]:
    """For spider errbacks, which spider middlewares do not see: same as the middleware."""

    @functools.wraps(errback)
    def wrapper(spider: Any, failure: Failure) -> None:
        try:
            errback(spider, failure)
        except redis.RedisError as exc:
            request = getattr(failure, "request", None)
            spider.note_error(redis_failure_message(getattr(request, "url", "?"), exc))

    return wrapper


class RedisOutageMiddleware:
    """Spider middleware: a Redis error raised by a callback becomes a counted error."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisOutageMiddleware:
        return cls(crawler)

    def process_spider_exception(
        self, response: Response, exception: BaseException
    ) -> Iterable[Any] | None:
        if not isinstance(exception, redis.RedisError):
            return None
        note_error = getattr(self.crawler.spider, "note_error", None)
        if note_error is None:
            return None
        note_error(redis_failure_message(response.url, exception))
        return []
