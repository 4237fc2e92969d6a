"""Digest mails: every alert held for a channel since its last digest, in one mail.

A `DigestPolicy` is a policy around a channel's sender: it says which alerts wait
and until when (the next `at` in the channel's `timezone` for `mode: digest`, or
the start of the next hour for the alerts an instant channel holds back over its
`max_per_hour`), and its `BatchSender` (the channel's mailer) sends the batch.
Alerts wait in `delivery:digest:<channel>` with `...:due` set (only by the first
alert after a digest) to the time the batch is due.

Sending is crash-safe and never doubles: a dispatcher takes a short lock, then
atomically renames the waiting set to `...:sending` (alerts arriving meanwhile
start the next digest), mails it and, in one transaction, marks its alerts
delivered and deletes `...:sending`. If it dies before that, the next
dispatcher finds `...:sending` and mails the same batch with the same
Message-ID: a repeat only when the death came after the SMTP server had taken
the mail (the at-least-once window). A failed mail is retried on the channel's
schedule, then every alert of the batch is dead-lettered.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import redis.asyncio as aioredis

from alerts.alert import Alert
from alerts.delivery.outcome import Attempt
from alerts.delivery.schedule import RetrySchedule
from alerts.delivery.stats import DeliveryStats
from alerts.delivery.store import DEAD, DELIVERED, dead_letter_fields
from atalaia.redis_keys import DigestPart, Keys
from atalaia.redis_streams import text

log = logging.getLogger(__name__)

# A batch is mailed when `sending` exists and its retry is due, or when `due` has
# passed: then the waiting set becomes `sending`. 1: mail it; 0: nothing to do.
_TAKE_BATCH = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  local retry = redis.call('GET', KEYS[4])
  if retry and tonumber(retry) > tonumber(ARGV[1]) then return 0 end
  return 1
end
local due = redis.call('GET', KEYS[3])
if not due or tonumber(due) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[3])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SET', KEYS[5], ARGV[2])
return 1
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class BatchSender(Protocol):
    """Sends several alerts to one channel at once (a digest mail)."""

    async def send_batch(self, alerts: Sequence[Alert], channel: str, batch_id: str) -> Attempt:
        """One attempt; the same message id for every attempt of `batch_id`."""
        ...


@dataclass(frozen=True)
class DigestPolicy:
    """Which of a channel's alerts wait for a batch, and until when.

    With `at` (`mode: digest`) every alert waits for the next `at` in `timezone`.
    With `max_per_hour`, the alerts beyond it in one clock hour wait for the start
    of the next. With neither, no alert waits, but a batch left from an earlier
    setting is still sent.
    """

    batches: BatchSender
    at: str | None = None
    timezone: str = "UTC"
    max_per_hour: int | None = None

    async def hold_until(
        self, now: float, take_slot: Callable[[int], Awaitable[bool]]
    ) -> float | None:
        """When the alert in hand may go, if it must wait; None: it goes now.
        `take_slot(cap)` counts it against this hour's cap, False when it is full."""
        if self.at is not None:
            return next_digest_time(self.at, self.timezone, now)
        if self.max_per_hour is not None and not await take_slot(self.max_per_hour):
            return next_hour(now)
        return None


def next_digest_time(at: str, timezone: str, now: float) -> float:
    """The first `at` ("08:00") in `timezone` strictly after `now`."""
    zone = ZoneInfo(timezone)
    hour, minute = (int(part) for part in at.split(":"))
    local = datetime.fromtimestamp(now, zone)
    day = local.date()
    for offset in range(3):
        wall = datetime.combine(day + timedelta(days=offset), datetime.min.time())
        candidate = wall.replace(hour=hour, minute=minute, tzinfo=zone)
        if candidate.timestamp() > now:
            return candidate.timestamp()
    raise AssertionError("unreachable: a day always has the time")


def next_hour(now: float) -> float:
    return (int(now // 3600) + 1) * 3600.0


class Digests:
    def __init__(
        self,
        client: aioredis.Redis,
        keys: Keys,
        stats: DeliveryStats,
        *,
        ttl: float,
        lock_lease: float = 300.0,
    ) -> None:
        self.client = client
        self.keys = keys
        self.stats = stats
        self.ttl = int(ttl)
        self.lock_lease = lock_lease
        self._take = client.register_script(_TAKE_BATCH)
        self._release = client.register_script(_RELEASE)

    async def send_due(
        self, name: str, batches: BatchSender, now: float, schedule: RetrySchedule
    ) -> bool:
        """Send this channel's digest if it is due; True when it went out."""
        lock = self.keys.digest(name, "lock")
        token = uuid.uuid4().hex
        if not await self.client.set(lock, token, nx=True, px=int(self.lock_lease * 1000)):
            return False
        try:
            taken = await self._take(
                keys=[self._key(name), self._key(name, "sending"), self._key(name, "due"),
                      self._key(name, "retry_at"), self._key(name, "batch")],
                args=[now, uuid.uuid4().hex],
            )  # fmt: skip
            if not taken:
                return False
            return await self._send_batch(name, batches, now, schedule)
        finally:
            await self._release(keys=[lock], args=[token])

    async def _send_batch(
        self, name: str, batches: BatchSender, now: float, schedule: RetrySchedule
    ) -> bool:
        sending = self._key(name, "sending")
        ids = [text(i) for i in await self.client.zrange(sending, 0, -1)]
        alerts = await self._alerts(ids)
        batch_id = text(await self.client.get(self._key(name, "batch")) or sending)
        if not alerts:
            await self.client.delete(sending, self._key(name, "attempts"))
            return False
        attempt = await batches.send_batch(alerts, name, batch_id)
        if attempt.ok:
            async with self.client.pipeline(transaction=True) as pipe:
                for alert in alerts:
                    pipe.hset(self.keys.delivery(alert.id), name, DELIVERED)
                    pipe.expire(self.keys.delivery(alert.id), self.ttl)
                pipe.delete(sending, self._key(name, "attempts"), self._key(name, "retry_at"))
                await pipe.execute()
            self.stats.delivered[name] += len(alerts)
            for alert in alerts:
                self.stats.observe_latency(now - alert.created_at.timestamp())
            log.info("digest for channel %s: %d alerts mailed", name, len(alerts))
            return True
        failures = int(await self.client.incr(self._key(name, "attempts")))
        delay = None if attempt.permanent else schedule.next_delay(failures)
        if delay is not None:
            await self.client.set(self._key(name, "retry_at"), now + delay)
            self.stats.retried[name] += 1
            log.warning(
                "digest for channel %s failed (%s); attempt %d, next in %.0fs",
                name, attempt.error, failures, delay,
            )  # fmt: skip
            return False
        async with self.client.pipeline(transaction=True) as pipe:
            for alert in alerts:
                pipe.xadd(
                    self.keys.dead_letters(),
                    dead_letter_fields(alert, name, failures, attempt.error, now),
                )
                pipe.hset(self.keys.delivery(alert.id), name, DEAD)
            pipe.delete(sending, self._key(name, "attempts"), self._key(name, "retry_at"))
            await pipe.execute()
        self.stats.dead_lettered[name] += len(alerts)
        log.error(
            "digest for channel %s dead-lettered after %d attempts (%s): %d alerts",
            name, failures, attempt.error, len(alerts),
        )  # fmt: skip
        return False

    async def _alerts(self, ids: list[str]) -> list[Alert]:
        async with self.client.pipeline(transaction=False) as pipe:
            for alert_id in ids:
                pipe.hget(self.keys.delivery(alert_id), "alert")
            raw = await pipe.execute()
        alerts = []
        for alert_id, value in zip(ids, raw, strict=True):
            if value is None:
                log.error("digest: the record of alert %s has expired; it is skipped", alert_id)
                continue
            alerts.append(Alert.from_json(value))
        return alerts

    def _key(self, name: str, part: DigestPart = "") -> str:
        return self.keys.digest(name, part)
