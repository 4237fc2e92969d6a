"""When Redis goes away during a crawl: count it, say it once, carry on, lose nothing.

Whatever was in flight stays claimed and pending in Redis (or was never claimed),
so the next pass fetches it again; a Redis error in a callback or errback becomes
one counted error of its outlet (crawler.job_spider), not a traceback.
"""

from __future__ import annotations

import redis


def redis_failure_message(what: str, error: redis.RedisError) -> str:
    return f"{what}: Redis unavailable ({error}); left for the next pass"
