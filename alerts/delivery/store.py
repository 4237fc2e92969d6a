"""The delivery state in Redis, for the dispatchers (redis.asyncio).

Each write that moves responsibility for a delivery is one transaction, so a
process that dies between two of them leaves a state another dispatcher can
carry on from:

- a channel is `delivered`, `dead` (dead-lettered), `retry` (its next attempt is
  in `delivery:retries`) or `digest` (waiting in the channel's digest); the
  stream entry is acknowledged and deleted only once every channel of its alert
  is in one of these states;
- `retry` and the member of the retries set are written together, as are `dead`
  and the dead letter, and `digest` and the digest entry.

The keys are in atalaia.redis_keys (`delivery:*`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis

from alerts.alert import Alert
from alerts.queue import DISPATCHERS
from atalaia.redis_keys import Keys
from atalaia.redis_streams import ensure_group_async, text

DELIVERED = "delivered"
RETRY = "retry"
DIGEST = "digest"
DEAD = "dead"
SETTLED = frozenset({DELIVERED, RETRY, DIGEST, DEAD})

Entry = tuple[str, dict[str, str] | None]

# Due retries become in-flight attempts: their score moves to the end of a lease,
# so a dispatcher that dies mid-attempt leaves them due again once it runs out.
_CLAIM_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[2], member)
end
return due
"""


class DeliveryStore:
    def __init__(self, client: aioredis.Redis, keys: Keys, *, ttl: float = 30 * 86400) -> None:
        self.client = client
        self.keys = keys
        self.ttl = int(ttl)
        self._claim_due = client.register_script(_CLAIM_DUE)
        self._autoclaim_cursor = "0-0"

    # -- the stream -------------------------------------------------------------------

    async def ensure_group(self) -> None:
        await ensure_group_async(self.client, self.keys.alerts(), DISPATCHERS)

    async def read_new(self, consumer: str, count: int, block_ms: int | None) -> list[Entry]:
        reply: Any = await self.client.xreadgroup(
            DISPATCHERS, consumer, {self.keys.alerts(): ">"}, count=count, block=block_ms
        )
        return [_entry(i, f) for _, entries in (reply or []) for i, f in entries]

    async def claim_stale(self, consumer: str, min_idle_ms: int, count: int) -> list[Entry]:
        """Entries another dispatcher left pending for `min_idle_ms` (XAUTOCLAIM)."""
        reply = await self.client.xautoclaim(
            self.keys.alerts(),
            DISPATCHERS,
            consumer,
            min_idle_ms,
            self._autoclaim_cursor,
            count=count,
        )
        self._autoclaim_cursor = text(reply[0])
        entries = [_entry(i, f) for i, f in reply[1]]
        for deleted in reply[2] if len(reply) > 2 else ():
            entries.append((text(deleted), None))
        return entries

    async def touch(self, consumer: str, entry_ids: Sequence[str]) -> None:
        """Reset the idle time of entries still being worked on, so nobody claims them."""
        if entry_ids:
            await self.client.xclaim(
                self.keys.alerts(), DISPATCHERS, consumer, 0, list(entry_ids), justid=True
            )

    async def ack(self, entry_id: str) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            self._ack(pipe, entry_id)
            await pipe.execute()

    def _ack(self, pipe: Any, entry_id: str | None) -> None:
        """Acknowledge and delete the stream entry, in the same transaction as `pipe`."""
        if entry_id is not None:
            pipe.xack(self.keys.alerts(), DISPATCHERS, entry_id)
            pipe.xdel(self.keys.alerts(), entry_id)

    async def backlog(self) -> int:
        return int(await self.client.xlen(self.keys.alerts()))

    async def forget_consumer(self, consumer: str) -> None:
        """Remove `consumer` from the group if it holds no pending entry."""
        pending = await self.client.xpending_range(
            self.keys.alerts(), DISPATCHERS, min="-", max="+", count=1, consumername=consumer
        )
        if not pending:
            await self.client.xgroup_delconsumer(self.keys.alerts(), DISPATCHERS, consumer)

    # -- per-channel state ----------------------------------------------------------------

    async def states(self, alert_ids: Sequence[str]) -> list[dict[str, str]]:
        """The per-channel states of several alerts, in one round trip."""
        async with self.client.pipeline(transaction=False) as pipe:
            for alert_id in alert_ids:
                pipe.hgetall(self.keys.delivery(alert_id))
            replies = await pipe.execute()
        return [{text(k): text(v) for k, v in raw.items() if text(k) != "alert"} for raw in replies]

    async def mark_delivered(
        self,
        alert_id: str,
        channel: str,
        ack: str | None = None,
        *,
        first_attempt: bool = False,
        delivered_at: float | None = None,
    ) -> None:
        """Record a delivery, and when it happened (`<channel>:delivered_at`, and the
        alert's first delivery as `delivered_at`); `first_attempt`: no retry or error
        was ever recorded for it."""
        key = self.keys.delivery(alert_id)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(key, channel, DELIVERED)
            if delivered_at is not None:
                pipe.hset(key, f"{channel}:delivered_at", f"{delivered_at:.3f}")
                pipe.hsetnx(key, "delivered_at", f"{delivered_at:.3f}")
            pipe.expire(key, self.ttl)
            if not first_attempt:
                pipe.hdel(key, f"{channel}:error")
                pipe.zrem(self.keys.retries(), retry_member(alert_id, channel))
            self._ack(pipe, ack)
            await pipe.execute()

    async def schedule_retry(
        self,
        alert: Alert,
        channel: str,
        due: float,
        attempts: int,
        error: str,
        ack: str | None = None,
    ) -> None:
        key = self.keys.delivery(alert.id)
        fields: dict[Any, Any] = {
            channel: RETRY,
            f"{channel}:attempts": attempts,
            "alert": alert.to_json(),
        }
        if error:
            fields[f"{channel}:error"] = error
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, self.ttl)
            pipe.zadd(self.keys.retries(), {retry_member(alert.id, channel): due})
            self._ack(pipe, ack)
            await pipe.execute()

    async def dead_letter(
        self,
        alert: Alert,
        channel: str,
        attempts: int,
        error: str,
        now: float,
        ack: str | None = None,
    ) -> str:
        key = self.keys.delivery(alert.id)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.keys.dead_letters(), dead_letter_fields(alert, channel, attempts, error, now)
            )
            pipe.hset(key, mapping={channel: DEAD, f"{channel}:attempts": attempts})
            pipe.expire(key, self.ttl)
            pipe.zrem(self.keys.retries(), retry_member(alert.id, channel))
            self._ack(pipe, ack)
            reply = await pipe.execute()
        return text(reply[0])

    async def dead_letter_raw(self, entry_id: str, raw: str, error: str, now: float) -> None:
        """An entry that is not an alert at all: kept as a dead letter, then acknowledged."""
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.keys.dead_letters(),
                {"alert_id": "", "channel": "", "attempts": 0, "error": error,
                 "alert": raw, "failed_at": now},
            )  # fmt: skip
            pipe.xack(self.keys.alerts(), DISPATCHERS, entry_id)
            pipe.xdel(self.keys.alerts(), entry_id)
            await pipe.execute()

    # -- retries ----------------------------------------------------------------------------

    async def claim_due_retries(self, now: float, lease: float, limit: int) -> list[str]:
        if limit <= 0:
            return []
        due = await self._claim_due(keys=[self.keys.retries()], args=[now, now + lease, limit])
        return [text(member) for member in due]

    async def retry_record(self, alert_id: str, channel: str) -> tuple[str, str, int] | None:
        """(state, alert JSON, attempts so far) of a scheduled retry; None if gone."""
        state, alert, attempts = await self.client.hmget(
            self.keys.delivery(alert_id), [channel, "alert", f"{channel}:attempts"]
        )
        if state is None or alert is None:
            return None
        return text(state), text(alert), int(attempts or 0)

    async def drop_retry(self, alert_id: str, channel: str) -> None:
        await self.client.zrem(self.keys.retries(), retry_member(alert_id, channel))

    async def next_retry_due(self) -> float | None:
        first = await self.client.zrange(self.keys.retries(), 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    async def retries_waiting(self) -> int:
        return int(await self.client.zcard(self.keys.retries()))

    # -- disabled channels (410 Gone) -------------------------------------------------------

    async def disable_channel(self, channel: str, reason: str, now: float) -> None:
        record = json.dumps({"since": now, "reason": reason})
        await self.client.hsetnx(self.keys.disabled_channels(), channel, record)

    async def disabled_channels(self) -> set[str]:
        return {text(name) for name in await self.client.hkeys(self.keys.disabled_channels())}

    # -- digests and the hourly cap of instant mails ----------------------------------------

    async def hold_for_digest(
        self, alert: Alert, channel: str, due: float, ack: str | None = None
    ) -> None:
        key = self.keys.delivery(alert.id)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={channel: DIGEST, "alert": alert.to_json()})
            pipe.expire(key, self.ttl)
            pipe.zadd(self.keys.digest(channel), {alert.id: alert.created_at.timestamp()})
            pipe.set(self.keys.digest(channel, "due"), due, nx=True)
            pipe.zrem(self.keys.retries(), retry_member(alert.id, channel))
            self._ack(pipe, ack)
            await pipe.execute()

    async def take_rate_slot(self, channel: str, now: float, cap: int) -> bool:
        hour = int(now // 3600)
        key = self.keys.rate(channel, hour)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 7200)
            count, _ = await pipe.execute()
        return int(count) <= cap


def retry_member(alert_id: str, channel: str) -> str:
    """The member of `delivery:retries` for one alert's delivery to one channel."""
    return f"{alert_id}|{channel}"


def split_member(member: str) -> tuple[str, str]:
    alert_id, _, channel = member.partition("|")
    return alert_id, channel


def dead_letter_fields(
    alert: Alert, channel: str, attempts: int, error: str, now: float
) -> dict[Any, Any]:
    return {
        "alert_id": alert.id,
        "channel": channel,
        "attempts": attempts,
        "error": error,
        "alert": alert.to_json(),
        "failed_at": now,
    }


def _entry(entry_id: Any, fields: Any) -> Entry:
    if fields is None:
        return text(entry_id), None
    return text(entry_id), {text(k): text(v) for k, v in fields.items()}
