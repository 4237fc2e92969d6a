"""URL dedupe before any fetch, shared by every crawler process through Redis.

Each article URL is known by the 8-byte fingerprint of its canonical form. The
fingerprints live in one Redis hash per day (`seen:<day>`), which expires when the
dedupe window has passed, so memory stays near 70 bytes per URL and the store does
not grow forever.

A field holds the URL's state: `c<time>` while a crawler has claimed it (a lease,
so two processes never fetch the same article), `d` once done, `r` when released
after a failed fetch. Claimed URLs also sit in the outlet's pending set until they
are done, so an article whose fetch failed, or whose crawler died, is fetched again
on a later pass even when the feed that listed it answers 304 Not Modified.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import redis

from atalaia.redis_keys import Keys
from atalaia.redis_streams import texts
from crawler.urls import url_fingerprint

DAY = 86400
DUE_LIMIT = 500  # pending URLs taken again per pass

_CLAIM = """
local now = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local claimed = {}
local n = (#ARGV - 3) / 2
for i = 0, n - 1 do
  local field = ARGV[4 + 2 * i]
  local free = true
  for k = 2, #KEYS do
    local state = redis.call('HGET', KEYS[k], field)
    if state then
      if state == 'd' then free = false break end
      local since = tonumber(string.sub(state, 2))
      if since and now - since < lease then free = false break end
    end
  end
  if free then
    redis.call('HSET', KEYS[2], field, 'c' .. ARGV[1])
    redis.call('ZADD', KEYS[1], now + lease, ARGV[5 + 2 * i])
    claimed[#claimed + 1] = i
  end
end
redis.call('EXPIREAT', KEYS[2], ARGV[3])
return claimed
"""


_RELEASE = """
local now = tonumber(ARGV[1])
local released = 0
local n = (#ARGV - 1) / 2
for i = 0, n - 1 do
  local field = ARGV[2 + 2 * i]
  local done = false
  for k = 2, #KEYS do
    if redis.call('HGET', KEYS[k], field) == 'd' then done = true break end
  end
  if not done then
    redis.call('HSET', KEYS[2], field, 'r')
    redis.call('ZADD', KEYS[1], now, ARGV[3 + 2 * i])
    released = released + 1
  end
end
return released
"""


@dataclass(frozen=True)
class Retry:
    """What `failed` decided: fetch again on a later pass, or give up."""

    attempts: int
    gave_up: bool


class SeenUrls:
    """Claims, completes and retries article URLs for one deployment (key prefix)."""

    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        ttl: float = 30 * DAY,
        lease: float = 900.0,
        max_attempts: int = 5,
    ) -> None:
        self.client = client
        self.keys = keys
        self.ttl = ttl
        self.lease = lease
        self.max_attempts = max_attempts
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)

    def claim(self, outlet: str, urls: Sequence[str], now: float) -> list[str]:
        """The URLs of `urls` no crawler has seen or is fetching, now claimed by the caller.

        Checked and set atomically in one round trip for the whole batch.
        """
        unique = list(dict.fromkeys(urls))
        if not unique:
            return []
        args: list[bytes | str | float] = [now, self.lease, self._expire_at(now)]
        for url in unique:
            args += [url_fingerprint(url), url]
        keys = [self.keys.pending(outlet), *self._buckets(now)]
        claimed = self._claim(keys=keys, args=args)
        return [unique[int(index)] for index in claimed]

    def done(
        self,
        outlet: str,
        url: str,
        now: float,
        also: Sequence[str] = (),
        pipe: redis.client.Pipeline | None = None,
    ) -> None:
        """Mark `url` (and other addresses of the same page, e.g. its canonical) as seen.

        With `pipe`, the marks join the caller's transaction instead.
        """
        own = pipe is None
        pipe = self.client.pipeline() if pipe is None else pipe
        bucket = self._buckets(now)[0]
        for address in (url, *also):
            pipe.hset(bucket, url_fingerprint(address), "d")
        pipe.expireat(bucket, self._expire_at(now))
        pipe.zrem(self.keys.pending(outlet), url)
        pipe.hdel(self.keys.attempts(outlet), url)
        if own:
            pipe.execute()

    def release(self, outlet: str, urls: Sequence[str], now: float) -> int:
        """Give back claims of a crawl that ends (or stops) before finishing them: each
        URL not done is due again at once, for the next pass, instead of after its lease.
        Returns how many were released."""
        if not urls:
            return 0
        args: list[bytes | str | float] = [now]
        for url in urls:
            args += [url_fingerprint(url), url]
        keys = [self.keys.pending(outlet), *self._buckets(now)]
        return int(self._release(keys=keys, args=args))

    def is_seen(self, url: str, now: float) -> bool:
        field = url_fingerprint(url)
        pipe = self.client.pipeline(transaction=False)
        for bucket in self._buckets(now):
            pipe.hget(bucket, field)
        return any(state == b"d" for state in pipe.execute())

    def states(self, urls: Sequence[str], now: float) -> list[str]:
        """What dedupe knows of each URL, read-only: "new" (a crawl would take it),
        "done", "claimed" (a crawler is fetching it) or "retry" (failed or released,
        taken again on a later pass)."""
        if not urls:
            return []
        buckets = self._buckets(now)
        pipe = self.client.pipeline(transaction=False)
        for url in urls:
            for bucket in buckets:
                pipe.hget(bucket, url_fingerprint(url))
        replies = pipe.execute()
        states = []
        for index in range(len(urls)):
            found = [r for r in replies[index * len(buckets) : (index + 1) * len(buckets)] if r]
            states.append(_state(found, now, self.lease))
        return states

    def failed(
        self, outlet: str, url: str, now: float, *, max_attempts: int | None = None
    ) -> Retry:
        """Record a failed fetch (or extraction): release the claim for a later pass, or
        give up (mark it done) after `max_attempts` (default: the store's) failures."""
        attempts = int(self.client.hincrby(self.keys.attempts(outlet), url, 1))
        self.client.expire(self.keys.attempts(outlet), int(self.ttl))
        if attempts >= (max_attempts or self.max_attempts):
            self.done(outlet, url, now)
            return Retry(attempts, gave_up=True)
        pipe = self.client.pipeline()
        pipe.hset(self._buckets(now)[0], url_fingerprint(url), "r")
        pipe.zadd(self.keys.pending(outlet), {url: now})
        pipe.execute()
        return Retry(attempts, gave_up=False)

    def due(self, outlet: str, now: float, limit: int = DUE_LIMIT) -> list[str]:
        """Pending URLs of `outlet` due for another try (failed, or their crawler died)."""
        pipe = self.client.pipeline(transaction=False)
        self.queue_due(pipe, outlet, now, limit)
        return texts(pipe.execute()[0])

    def queue_due(
        self, pipe: redis.client.Pipeline, outlet: str, now: float, limit: int = DUE_LIMIT
    ) -> None:
        """`due`, queued on the caller's pipeline: its reply is a list of URLs (bytes)."""
        pipe.zrangebyscore(self.keys.pending(outlet), "-inf", now, 0, limit)

    def _buckets(self, now: float) -> list[str]:
        today = int(now // DAY)
        days = math.ceil(self.ttl / DAY)
        return [self.keys.seen(day) for day in range(today, today - days - 1, -1)]

    def _expire_at(self, now: float) -> int:
        return int((now // DAY + 1) * DAY + self.ttl)


def _state(marks: list[bytes], now: float, lease: float) -> str:
    if any(mark == b"d" for mark in marks):
        return "done"
    for mark in marks:
        since = mark[1:].decode() if mark.startswith(b"c") else ""
        try:
            if since and now - float(since) < lease:
                return "claimed"
        except ValueError:
            continue
    return "retry" if marks else "new"
