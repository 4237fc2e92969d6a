"""Only one scheduler enqueues crawl jobs at a time: a lease in Redis, renewed.

The holder renews the lease well within its time to live; a standby tries to take
it on the same rhythm, so when the leader dies a standby leads within one lease
period.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from atalaia.redis_keys import Keys
from atalaia.redis_streams import text

_ACQUIRE_OR_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaderLease:
    def __init__(self, client: aioredis.Redis, keys: Keys, holder: str, ttl: float = 15.0) -> None:
        self.client = client
        self.key = keys.leader()
        self.holder = holder
        self.ttl = ttl
        self.held = False
        self._acquire = client.register_script(_ACQUIRE_OR_RENEW)
        self._release = client.register_script(_RELEASE)

    async def acquire_or_renew(self) -> bool:
        """True while this process leads; takes the lease when nobody holds it."""
        self.held = bool(
            await self._acquire(keys=[self.key], args=[self.holder, int(self.ttl * 1000)])
        )
        return self.held

    async def release(self) -> None:
        if self.held:
            await self._release(keys=[self.key], args=[self.holder])
            self.held = False

    async def leader(self) -> str | None:
        value = await self.client.get(self.key)
        return None if value is None else text(value)
