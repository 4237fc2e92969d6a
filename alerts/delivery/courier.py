"""One delivery: one alert to one channel, and the record of what came of it.

The courier looks the channel's route up (alerts.delivery.senders), holds the
alert for a digest when the route's policy says so, or attempts it through the
route's sender, and then writes the outcome in one transaction (alerts.delivery.
store): delivered; retry, on the channel's schedule with jitter, never sooner than
the receiver's `Retry-After`; dead letter, when the schedule is spent, the failure
is permanent, the channel is not configured or is disabled; and a 410 Gone
disables the channel too. `ack` acknowledges the alert's stream entry in the same
write, when this channel is the last of the alert left to settle.

Each channel has at most `channel_concurrency` attempts in flight; beyond
`channel_backlog` waiting, an alert is put off for a second, so one slow channel
never holds the stream up for the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from alerts.alert import Alert
from alerts.delivery.outcome import Attempt
from alerts.delivery.schedule import parse_retry_after
from alerts.delivery.senders import Route
from alerts.delivery.stats import DeliveryStats
from alerts.delivery.store import DeliveryStore
from atalaia.redis_keys import Keys
from atalaia.redis_outage import patiently
from atalaia.redis_streams import text
from atalaia.story import Copy

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(kw_only=True, eq=False)
class Courier:
    """Delivers one alert to one channel at a time, any number at once (see above)."""

    client: aioredis.Redis
    keys: Keys
    store: DeliveryStore
    stats: DeliveryStats
    clock: Callable[[], float]
    channel_concurrency: int  # attempts in flight per channel
    channel_backlog: int  # attempts waiting per channel before new ones are put off
    redis_patience: float  # how long recording an outcome waits for Redis
    on_delivered: Callable[[Alert, str, float], None] | None = None
    routes: Mapping[str, Route] = field(default_factory=dict)  # by channel name
    disabled: set[str] = field(default_factory=set)  # channels that answered 410 Gone

    def __post_init__(self) -> None:
        self._per_channel: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.channel_concurrency)
        )
        self._waiting: dict[str, int] = defaultdict(int)

    async def record(self, write: Callable[[], Awaitable[T]]) -> T:
        """Run a Redis call, waiting up to `redis_patience` for Redis to come back."""
        return await patiently(write, self.redis_patience)

    async def deliver(self, alert: Alert, name: str, attempts: int, ack: str | None = None) -> None:
        """Attempt `alert` on channel `name` (`attempts` made so far) and record the outcome."""
        route = self.routes.get(name)
        now = self.clock()
        if route is None:
            self.stats.unknown_channel[name] += 1
            log.error("alert %s names channel %r, which is not configured", alert.id, name)
            await self._dead_letter(alert, name, attempts, "unknown channel", now, ack)
            return
        if name in self.disabled:
            self.stats.disabled[name] += 1
            error = "channel disabled (410 Gone)"
            await self._dead_letter(alert, name, attempts, error, now, ack)
            return
        if route.digest is not None:
            due = await route.digest.hold_until(now, self._rate_slot(name, now))
            if due is not None:
                await self.record(lambda: self.store.hold_for_digest(alert, name, due, ack))
                self.stats.held_for_digest[name] += 1
                return
        if self._waiting[name] >= self.channel_backlog:
            # The channel is slow; let the stream move on and come back to it in a second.
            defer = now + 1.0
            await self.record(
                lambda: self.store.schedule_retry(alert, name, defer, attempts, "", ack)
            )
            return
        attempt = await self._attempt(alert, route)
        await self._settle(alert, route, attempts + 1, attempt, ack)

    def _rate_slot(self, name: str, now: float) -> Callable[[int], Awaitable[bool]]:
        """Counts an instant alert against the channel's hourly cap."""
        return lambda cap: self.record(lambda: self.store.take_rate_slot(name, now, cap))

    async def _attempt(self, alert: Alert, route: Route) -> Attempt:
        alert = await self._with_current_copies(alert)
        name = route.name
        self._waiting[name] += 1
        try:
            async with self._per_channel[name]:
                self._waiting[name] -= 1
                return await route.sender.send(alert, name)
        finally:
            self._waiting[name] = max(0, self._waiting[name])

    async def _with_current_copies(self, alert: Alert) -> Alert:
        """The alert naming every outlet known to carry its story by now (as created,
        when Redis cannot say: the copies are a nicety, not worth holding it up)."""
        try:
            copies = await self.client.hgetall(self.keys.story_also(alert.story_id))
        except RedisError:
            return alert
        if not copies:
            return alert
        known = {(c.outlet, c.url) for c in alert.also_in}
        found = sorted((text(k), text(v)) for k, v in copies.items())
        extra = tuple(Copy(o, u) for o, u in found if (o, u) not in known)
        return replace(alert, also_in=alert.also_in + extra) if extra else alert

    async def _settle(
        self, alert: Alert, route: Route, attempts: int, attempt: Attempt, ack: str | None
    ) -> None:
        now = self.clock()
        name = route.name
        if attempt.ok:
            first = attempts == 1
            await self.record(
                lambda: self.store.mark_delivered(
                    alert.id, name, ack, first_attempt=first, delivered_at=now
                )
            )
            self.stats.delivered[name] += 1
            self.stats.observe_latency(now - alert.created_at.timestamp())
            if self.on_delivered is not None:
                self.on_delivered(alert, name, now)
            return
        if attempt.permanent:
            await self._dead_letter(alert, name, attempts, attempt.error, now, ack)
            return
        if attempt.gone:
            log.error("channel %s answered 410 Gone: disabled until re-enabled", name)
            self.disabled.add(name)
            await self.record(lambda: self.store.disable_channel(name, "410 Gone", now))
            await self._dead_letter(alert, name, attempts, attempt.error, now, ack)
            return
        retry_after = parse_retry_after(attempt.retry_after, now)
        delay = route.schedule.next_delay(attempts, retry_after)
        if delay is None:
            await self._dead_letter(alert, name, attempts, attempt.error, now, ack)
            return
        due = now + delay
        await self.record(
            lambda: self.store.schedule_retry(alert, name, due, attempts, attempt.error, ack)
        )
        self.stats.retried[name] += 1
        log.warning(
            "alert %s to %s failed (%s), attempt %d; next in %.0fs",
            alert.id, name, attempt.error, attempts, delay,
        )  # fmt: skip

    async def _dead_letter(
        self, alert: Alert, name: str, attempts: int, error: str, now: float, ack: str | None
    ) -> None:
        await self.record(lambda: self.store.dead_letter(alert, name, attempts, error, now, ack))
        self.stats.dead_lettered[name] += 1
        log.error(
            "alert %s to %s dead-lettered after %d attempts: %s", alert.id, name, attempts, error
        )
