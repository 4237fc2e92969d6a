"""Conditional GET for feeds and sitemaps: validators kept in Redis, shared by crawlers.

An unchanged feed then costs a 304 Not Modified instead of a full download.
"""

from __future__ import annotations

import redis

from atalaia.redis_keys import Keys


class Validators:
    def __init__(self, client: redis.Redis, keys: Keys, *, ttl: float) -> None:
        self.client = client
        self.keys = keys
        self.ttl = int(ttl)

    def request_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for the last copy of `url` we processed."""
        etag, last_modified = self.client.hmget(self._key(url), "etag", "last_modified")
        headers = {}
        if etag:
            headers["If-None-Match"] = _text(etag)
        if last_modified:
            headers["If-Modified-Since"] = _text(last_modified)
        return headers

    def remember(self, url: str, *, etag: str | None, last_modified: str | None) -> None:
        """Keep the validators of a response whose content has been fully processed."""
        key = self._key(url)
        pipe = self.client.pipeline()
        pipe.delete(key)
        if etag:
            pipe.hset(key, "etag", etag)
        if last_modified:
            pipe.hset(key, "last_modified", last_modified)
        pipe.expire(key, self.ttl)
        pipe.execute()

    def _key(self, url: str) -> str:
        return self.keys.validators(url)


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value
