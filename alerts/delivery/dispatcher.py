"""The dispatcher: reads the alert stream and delivers each alert to its channels.

Any number of dispatchers share the stream through the consumer group
"dispatchers". The courier (alerts.delivery.courier) takes each alert to each of
its channels, which it knows only by their routes (alerts.delivery.senders): no
part of the dispatcher knows a webhook from a mail. For each alert, every channel
ends in one of four states kept in Redis (see `store`): delivered, dead-lettered,
scheduled for a retry (the `delivery:retries` sorted set, so a retry hours away
never holds the stream entry), or held for a digest. Only then is the entry
acknowledged and deleted. A dispatcher that dies leaves its entries pending; another claims them
(XAUTOCLAIM) once they have been idle for `claim_idle`, and in-flight retries
fall due again when their lease (`retry_lease`) runs out. A live dispatcher
keeps resetting the idle time of entries it is still working on.

At least once. A channel already recorded as delivered is never sent again.
The one window for a repeat is between a receiver's 2xx (or the SMTP server's
acceptance) and the write that records it: if the process dies there, or Redis
stays unreachable for longer than `redis_patience`, the delivery is made again
by whoever carries on, with the same `webhook-id` (or Message-ID) so the
receiver can drop it.

Time: every decision reads `clock()` (wall-clock seconds), so tests pass a clock
they control instead of sleeping through retry schedules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from alerts.alert import Alert
from alerts.delivery.courier import Courier
from alerts.delivery.digests import Digests
from alerts.delivery.senders import SenderRegistry
from alerts.delivery.smtp import Mailer
from alerts.delivery.stats import DeliveryStats, DeliverySummary
from alerts.delivery.store import RETRY, SETTLED, DeliveryStore, Entry, split_member
from alerts.delivery.webhook import WebhookTimeouts
from alerts.watchlists import ChannelConfig
from atalaia.redis_keys import Keys
from atalaia.redis_outage import REDIS_DOWN, Outage, pause, until_redis

log = logging.getLogger(__name__)


def default_consumer() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class DispatcherOptions:
    consumer: str = field(default_factory=default_consumer)
    batch: int = 100  # stream entries read at once
    max_in_flight: int = 500  # alerts (stream entries and retries) worked on at once
    channel_concurrency: int = 8  # attempts (and HTTP connections) in flight per channel
    channel_backlog: int = 1000  # attempts waiting per channel before new ones are deferred
    claim_idle: float = 60.0  # seconds an entry stays pending before another claims it
    retry_lease: float = 120.0  # seconds an in-flight retry is reserved (> webhook total)
    poll_interval: float = 0.5  # how often retries and digests are looked at
    webhook_timeouts: WebhookTimeouts = field(default_factory=WebhookTimeouts)
    smtp_timeout: float = 30.0
    state_ttl: float = 30 * 86400.0  # per-alert delivery state kept this long
    redis_patience: float = 30.0  # how long recording an outcome waits for Redis


class Dispatcher:
    """Delivers alerts from the stream. Use as `async with Dispatcher(...) as d:`."""

    def __init__(
        self,
        client: aioredis.Redis,
        keys: Keys,
        channels: Mapping[str, ChannelConfig],
        *,
        options: DispatcherOptions | None = None,
        stats: DeliveryStats | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        http: httpx.AsyncClient | None = None,
        mailer: Mailer | None = None,
        on_delivered: Callable[[Alert, str, float], None] | None = None,
    ) -> None:
        """`on_delivered(alert, channel, when)` is called after each instant delivery
        (the daemon measures publication-to-alert latency with it)."""
        self.options = options or DispatcherOptions()
        self.stats = stats or DeliveryStats()
        self.clock = clock
        self.rng = rng or random.Random()
        self.store = DeliveryStore(client, keys, ttl=self.options.state_ttl)
        self.senders = SenderRegistry(
            webhook_timeouts=self.options.webhook_timeouts,
            mailer=mailer or Mailer(timeout=self.options.smtp_timeout),
            max_connections=self.options.channel_concurrency,
            http=http,
        )
        self.courier = Courier(
            client=client, keys=keys, store=self.store, stats=self.stats, clock=clock,
            channel_concurrency=self.options.channel_concurrency,
            channel_backlog=self.options.channel_backlog,
            redis_patience=self.options.redis_patience,
            on_delivered=on_delivered,
        )  # fmt: skip
        self.update_channels(channels)
        self.digests = Digests(client, keys, self.stats, ttl=self.options.state_ttl)
        self._tasks: set[asyncio.Task[None]] = set()
        self._entries_in_flight: set[str] = set()
        self._retries_in_flight: set[str] = set()
        self._last_claim = 0.0
        self._last_touch = time.monotonic()
        self._outage = Outage("dispatcher", self._count_redis_error)

    # -- public -------------------------------------------------------------------------

    def update_channels(self, channels: Mapping[str, ChannelConfig]) -> None:
        """Use a newly loaded channel config (the daemon reloads watchlists.yaml)."""
        self.courier.routes = self.senders.routes(channels, self.rng)

    async def __aenter__(self) -> Dispatcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.senders.aclose()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; survives Redis going away and coming back."""
        log.info("dispatcher %s started", self.options.consumer)
        await until_redis(stop, self.store.ensure_group, self._outage, every=0.5)
        timers = asyncio.create_task(self._timer_loop(stop))
        try:
            while not stop.is_set():
                try:
                    await self._read_step(block_ms=int(self.options.poll_interval * 1000))
                    self._outage.back()
                except REDIS_DOWN as exc:
                    self._outage.lost(exc)
                    await pause(stop, 0.5)
                except ResponseError as exc:
                    if "NOGROUP" not in str(exc):
                        raise
                    await until_redis(stop, self.store.ensure_group, self._outage, every=0.5)
        finally:
            await self._finish(timers)
        log.info("dispatcher %s stopped", self.options.consumer)

    async def drain(self, timeout: float, *, wait_for_retries: bool = True) -> DeliverySummary:
        """Deliver what is queued now, for up to `timeout` seconds; leave the rest queued.

        Retries that fall due before the bound are made too (unless
        `wait_for_retries` is false: then only those already due). What is still
        being attempted at the bound is abandoned mid-way and stays pending, for
        the daemon (or the next drain) to claim.
        """
        started = time.monotonic()
        deadline = started + timeout
        before = _counts(self.stats)
        await self.store.ensure_group()
        try:
            while time.monotonic() < deadline:
                self.courier.disabled = await self.store.disabled_channels()
                spawned = await self._read_step(block_ms=None)
                spawned += await self._retry_step()
                await self._digest_step()
                if spawned or self._tasks:
                    # Wake at least every poll interval: a retry that falls due must not
                    # wait for an attempt still hanging on another channel.
                    await self._wait_some(
                        min(deadline, time.monotonic() + self.options.poll_interval)
                    )
                    continue
                next_due = await self.store.next_retry_due()
                remaining = deadline - time.monotonic()
                if not wait_for_retries or next_due is None or next_due - self.clock() >= remaining:
                    break
                await asyncio.sleep(max(0.0, min(next_due - self.clock(), remaining)))
        finally:
            await self._finish(None, grace=0.0)
        after = _counts(self.stats)
        return DeliverySummary(
            delivered=after["delivered"] - before["delivered"],
            retrying=await self.store.retries_waiting(),
            dead_lettered=after["dead_lettered"] - before["dead_lettered"],
            held_for_digest=after["held_for_digest"] - before["held_for_digest"],
            left_queued=await self.store.backlog(),
            seconds=time.monotonic() - started,
            per_channel={
                name: count - before["per_channel"].get(name, 0)
                for name, count in self.stats.delivered.items()
                if count - before["per_channel"].get(name, 0)
            },
        )

    # -- the stream -------------------------------------------------------------------

    async def _read_step(self, block_ms: int | None) -> int:
        """Claim stale entries, then read new ones; each becomes a task. Returns how many."""
        room = self.options.max_in_flight - len(self._tasks)
        if room <= 0:
            await self._wait_some(time.monotonic() + self.options.poll_interval)
            return 0
        entries: list[Entry] = []
        if time.monotonic() - self._last_claim >= self.options.claim_idle / 4:
            self._last_claim = time.monotonic()
            entries = await self.store.claim_stale(
                self.options.consumer, int(self.options.claim_idle * 1000), room
            )
            entries = [e for e in entries if e[0] not in self._entries_in_flight]
        if len(entries) < room:
            entries += await self.store.read_new(
                self.options.consumer,
                min(self.options.batch, room - len(entries)),
                None if entries else block_ms,
            )
        alerts: list[tuple[str, Alert]] = []
        for entry_id, fields in entries:
            alert = self._alert_of(entry_id, fields)
            if alert is not None:
                alerts.append((entry_id, alert))
        states = await self.store.states([alert.id for _, alert in alerts])
        for (entry_id, alert), state in zip(alerts, states, strict=True):
            self._entries_in_flight.add(entry_id)
            self._spawn(self._handle_entry(entry_id, alert, state), entry_id)
        return len(entries)

    def _alert_of(self, entry_id: str, fields: dict[str, str] | None) -> Alert | None:
        """The alert in a stream entry; entries with none are settled right away."""
        if fields is None:  # deleted from the stream while pending: nothing left to do
            self._spawn(self.courier.record(lambda: self.store.ack(entry_id)), None)
            return None
        raw = fields.get("alert", "")
        try:
            return Alert.from_json(raw)
        except (KeyError, TypeError, ValueError) as exc:
            self.stats.malformed_alerts += 1
            log.error("stream entry %s is not an alert (%s); kept as a dead letter", entry_id, exc)
            now = self.clock()
            write = self.store.dead_letter_raw(entry_id, raw, "malformed alert", now)
            self._spawn(write, None)
            return None

    async def _handle_entry(self, entry_id: str, alert: Alert, states: dict[str, str]) -> None:
        pending = [
            name for name in dict.fromkeys(alert.channels) if states.get(name) not in SETTLED
        ]
        if len(pending) == 1:  # the common case: one write settles the channel and the entry
            attempts = int(states.get(f"{pending[0]}:attempts", 0))
            await self.courier.deliver(alert, pending[0], attempts, ack=entry_id)
            return
        await asyncio.gather(
            *(
                self.courier.deliver(alert, name, int(states.get(f"{name}:attempts", 0)))
                for name in pending
            )
        )
        await self.courier.record(lambda: self.store.ack(entry_id))

    # -- retries, digests and heartbeats --------------------------------------------------

    async def _timer_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._retry_step()
                await self._digest_step()
                await self._heartbeat()
                self.courier.disabled = await self.store.disabled_channels()
            except REDIS_DOWN:
                pass  # the stream loop reports the outage; try again on the next tick
            await pause(stop, self.options.poll_interval)

    async def _retry_step(self) -> int:
        room = self.options.max_in_flight - len(self._tasks)
        members = await self.store.claim_due_retries(
            self.clock(), self.options.retry_lease, min(room, self.options.batch)
        )
        members = [m for m in members if m not in self._retries_in_flight]
        for member in members:
            self._retries_in_flight.add(member)
            self._spawn(self._handle_retry(member), None, retry=member)
        return len(members)

    async def _handle_retry(self, member: str) -> None:
        alert_id, name = split_member(member)
        record = await self.courier.record(lambda: self.store.retry_record(alert_id, name))
        if record is None or record[0] != RETRY:
            log.warning("retry of alert %s to %s has no state left; dropped", alert_id, name)
            await self.courier.record(lambda: self.store.drop_retry(alert_id, name))
            return
        _, raw, attempts = record
        await self.courier.deliver(Alert.from_json(raw), name, attempts)

    async def _digest_step(self) -> None:
        now = self.clock()
        for route in list(self.courier.routes.values()):
            if route.digest is not None and route.name not in self.courier.disabled:
                await self.digests.send_due(route.name, route.digest.batches, now, route.schedule)

    async def _heartbeat(self) -> None:
        if time.monotonic() - self._last_touch < self.options.claim_idle / 3:
            return
        self._last_touch = time.monotonic()
        await self.store.touch(self.options.consumer, sorted(self._entries_in_flight))

    # -- tasks ------------------------------------------------------------------------

    def _spawn(
        self, work: Coroutine[Any, Any, None], entry_id: str | None, retry: str | None = None
    ) -> None:
        task = asyncio.create_task(self._guard(work, entry_id, retry))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(self, work: Awaitable[None], entry_id: str | None, retry: str | None) -> None:
        try:
            await work
        except REDIS_DOWN as exc:
            # Left pending (stream entry) or leased (retry): another attempt comes later.
            self.stats.redis_errors += 1
            log.warning("lost Redis while delivering (%s); left for a later attempt", exc)
        except RedisError as exc:
            self.stats.redis_errors += 1
            log.error("Redis refused a delivery write (%s); left for a later attempt", exc)
        except Exception:
            # A bug, not a delivery failure: say so loudly; the entry stays pending
            # (or the retry leased) and is claimed again later.
            self.stats.internal_errors += 1
            log.exception("delivery task failed (entry %s, retry %s)", entry_id, retry)
        finally:
            if entry_id is not None:
                self._entries_in_flight.discard(entry_id)
            if retry is not None:
                self._retries_in_flight.discard(retry)

    async def _wait_some(self, deadline: float) -> None:
        if self._tasks:
            await asyncio.wait(
                set(self._tasks),
                timeout=max(0.0, deadline - time.monotonic()),
                return_when=asyncio.FIRST_COMPLETED,
            )

    async def _finish(self, timers: asyncio.Task[None] | None, grace: float | None = None) -> None:
        if timers is not None:
            await timers
        if grace is None:
            grace = self.options.webhook_timeouts.total + 1
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        with contextlib.suppress(RedisError, OSError):
            await self.store.forget_consumer(self.options.consumer)

    def _count_redis_error(self) -> None:
        self.stats.redis_errors += 1


def _counts(stats: DeliveryStats) -> dict[str, Any]:
    return {**stats.totals(), "per_channel": dict(stats.delivered)}
