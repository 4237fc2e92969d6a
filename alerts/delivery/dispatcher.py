"""The dispatcher: reads the alert stream and delivers each alert to its channels.

Any number of dispatchers share the stream through the consumer group
"dispatchers". For each alert, every channel ends in one of four states kept in
Redis (see `store`): delivered, dead-lettered, scheduled for a retry (the
`delivery:retries` sorted set, so a retry hours away never holds the stream
entry), or held for a digest mail. Only then is the entry acknowledged and
deleted. A dispatcher that dies leaves its entries pending; another claims them
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
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import httpx
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from alerts.alert import Alert
from alerts.delivery.digests import Digests, next_digest_time, next_hour
from alerts.delivery.keys import DeliveryKeys, split_member
from alerts.delivery.mail_message import UnsendableMail, instant_message
from alerts.delivery.outcome import Attempt
from alerts.delivery.schedule import RetrySchedule, parse_retry_after
from alerts.delivery.smtp import Mailer
from alerts.delivery.stats import DeliveryStats, DeliverySummary
from alerts.delivery.store import RETRY, SETTLED, DeliveryStore, Entry
from alerts.delivery.webhook import WebhookSender, WebhookTimeouts, new_http_client
from alerts.watchlists import EmailChannel, WebhookChannel
from atalaia.redis_connection import Keys
from atalaia.story import Copy, also_in_key

log = logging.getLogger(__name__)

Channel = WebhookChannel | EmailChannel
T = TypeVar("T")
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


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
        channels: Mapping[str, Channel],
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
        self.on_delivered = on_delivered
        self.options = options or DispatcherOptions()
        self.stats = stats or DeliveryStats()
        self.clock = clock
        self.rng = rng or random.Random()
        self.client = client
        self.keys = keys
        self.store = DeliveryStore(client, keys, ttl=self.options.state_ttl)
        # One HTTP client per channel, its pool as large as the channel's concurrency:
        # httpx's pool costs grow with its size, and a slow channel keeps to its own.
        self._shared_http = http
        self._http: dict[str, httpx.AsyncClient] = {}
        self.mailer = mailer or Mailer(timeout=self.options.smtp_timeout)
        self.digests = Digests(
            client, DeliveryKeys(keys), self.mailer, self.stats, ttl=self.options.state_ttl
        )
        self.channels: dict[str, Channel] = {}
        self._schedules: dict[str, RetrySchedule] = {}
        self.update_channels(channels)
        self._disabled: set[str] = set()
        self._slots = asyncio.Semaphore(self.options.max_in_flight)
        self._per_channel: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.options.channel_concurrency)
        )
        self._waiting: dict[str, int] = defaultdict(int)
        self._tasks: set[asyncio.Task[None]] = set()
        self._entries_in_flight: set[str] = set()
        self._retries_in_flight: set[str] = set()
        self._last_claim = 0.0
        self._last_touch = time.monotonic()
        self._redis_down_since: float | None = None

    # -- public -------------------------------------------------------------------------

    def update_channels(self, channels: Mapping[str, Channel]) -> None:
        """Use a newly loaded channel config (the daemon reloads watchlists.yaml)."""
        self.channels = dict(channels)
        self._schedules = {
            name: RetrySchedule(channel.retry, self.rng) for name, channel in channels.items()
        }

    async def __aenter__(self) -> Dispatcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._http = list(self._http.values()), {}
        for client in clients:
            await client.aclose()

    def _webhooks(self, name: str) -> WebhookSender:
        client = self._shared_http
        if client is None:
            client = self._http.get(name)
            if client is None:
                client = self._http[name] = new_http_client(
                    self.options.webhook_timeouts,
                    max_connections=self.options.channel_concurrency,
                )
        return WebhookSender(client, self.options.webhook_timeouts)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; survives Redis going away and coming back."""
        log.info("dispatcher %s started", self.options.consumer)
        await self._until_redis(stop, self.store.ensure_group)
        timers = asyncio.create_task(self._timer_loop(stop))
        try:
            while not stop.is_set():
                try:
                    await self._read_step(block_ms=int(self.options.poll_interval * 1000))
                    self._redis_back()
                except REDIS_DOWN as exc:
                    await self._redis_lost(exc, stop)
                except ResponseError as exc:
                    if "NOGROUP" not in str(exc):
                        raise
                    await self._until_redis(stop, self.store.ensure_group)
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
                self._disabled = await self.store.disabled_channels()
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
            self._spawn(self._record(lambda: self.store.ack(entry_id)), None)
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
            await self._deliver(alert, pending[0], attempts, ack=entry_id)
            return
        await asyncio.gather(
            *(
                self._deliver(alert, name, int(states.get(f"{name}:attempts", 0)))
                for name in pending
            )
        )
        await self._record(lambda: self.store.ack(entry_id))

    # -- retries, digests and heartbeats --------------------------------------------------

    async def _timer_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._retry_step()
                await self._digest_step()
                await self._heartbeat()
                self._disabled = await self.store.disabled_channels()
            except REDIS_DOWN:
                pass  # the stream loop reports the outage; try again on the next tick
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.options.poll_interval)

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
        record = await self._record(lambda: self.store.retry_record(alert_id, name))
        if record is None or record[0] != RETRY:
            log.warning("retry of alert %s to %s has no state left; dropped", alert_id, name)
            await self._record(lambda: self.store.drop_retry(alert_id, name))
            return
        _, raw, attempts = record
        await self._deliver(Alert.from_json(raw), name, attempts)

    async def _digest_step(self) -> None:
        now = self.clock()
        for name, channel in list(self.channels.items()):
            if isinstance(channel, EmailChannel) and name not in self._disabled:
                await self.digests.send_due(name, channel, now, self._schedules[name])

    async def _heartbeat(self) -> None:
        if time.monotonic() - self._last_touch < self.options.claim_idle / 3:
            return
        self._last_touch = time.monotonic()
        await self.store.touch(self.options.consumer, sorted(self._entries_in_flight))

    # -- one delivery -------------------------------------------------------------------

    async def _deliver(
        self, alert: Alert, name: str, attempts: int, ack: str | None = None
    ) -> None:
        """Attempt `alert` on channel `name` and record what came of it.

        `ack`: the stream entry to acknowledge in the same write, when this
        channel is the last one of the alert left to settle.
        """
        channel = self.channels.get(name)
        now = self.clock()
        if channel is None:
            self.stats.unknown_channel[name] += 1
            log.error("alert %s names channel %r, which is not configured", alert.id, name)
            await self._dead_letter(alert, name, attempts, "unknown channel", now, ack)
            return
        if name in self._disabled:
            self.stats.disabled[name] += 1
            error = "channel disabled (410 Gone)"
            await self._dead_letter(alert, name, attempts, error, now, ack)
            return
        if isinstance(channel, EmailChannel):
            due = await self._digest_due(alert, name, channel, now)
            if due is not None:
                await self._record(lambda: self.store.hold_for_digest(alert, name, due, ack))
                self.stats.held_for_digest[name] += 1
                return
        if self._waiting[name] >= self.options.channel_backlog:
            # The channel is slow; let the stream move on and come back to it in a second.
            defer = now + 1.0
            await self._record(
                lambda: self.store.schedule_retry(alert, name, defer, attempts, "", ack)
            )
            return
        attempt = await self._attempt(alert, name, channel)
        await self._settle(alert, name, attempts + 1, attempt, ack)

    async def _digest_due(
        self, alert: Alert, name: str, channel: EmailChannel, now: float
    ) -> float | None:
        if channel.mode == "digest":
            return next_digest_time(channel, now)
        if channel.max_per_hour is not None and not await self._record(
            lambda: self.store.take_rate_slot(name, now, channel.max_per_hour or 0)
        ):
            return next_hour(now)
        return None

    async def _with_current_copies(self, alert: Alert) -> Alert:
        """The alert naming every outlet known to carry its story by now (as created,
        when Redis cannot say: the copies are a nicety, not worth holding it up)."""
        try:
            copies = await self.client.hgetall(also_in_key(self.keys, alert.story_id))
        except RedisError:
            return alert
        if not copies:
            return alert
        known = {(c.outlet, c.url) for c in alert.also_in}
        found = sorted((_text(k), _text(v)) for k, v in copies.items())
        extra = tuple(Copy(o, u) for o, u in found if (o, u) not in known)
        return replace(alert, also_in=alert.also_in + extra) if extra else alert

    async def _attempt(self, alert: Alert, name: str, channel: Channel) -> Attempt:
        alert = await self._with_current_copies(alert)
        self._waiting[name] += 1
        try:
            async with self._per_channel[name]:
                self._waiting[name] -= 1
                if isinstance(channel, WebhookChannel):
                    return await self._webhooks(name).send(alert, name, channel)
                try:
                    message = instant_message(alert, name, channel)
                except UnsendableMail as exc:
                    return Attempt(ok=False, error=str(exc), permanent=True)
                return await self.mailer.send(channel.smtp_url, message)
        finally:
            self._waiting[name] = max(0, self._waiting[name])

    async def _settle(
        self, alert: Alert, name: str, attempts: int, attempt: Attempt, ack: str | None
    ) -> None:
        now = self.clock()
        if attempt.ok:
            first = attempts == 1
            await self._record(
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
            self._disabled.add(name)
            await self._record(lambda: self.store.disable_channel(name, "410 Gone", now))
            await self._dead_letter(alert, name, attempts, attempt.error, now, ack)
            return
        retry_after = parse_retry_after(attempt.retry_after, now)
        delay = self._schedules[name].next_delay(attempts, retry_after)
        if delay is None:
            await self._dead_letter(alert, name, attempts, attempt.error, now, ack)
            return
        due = now + delay
        await self._record(
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
        await self._record(lambda: self.store.dead_letter(alert, name, attempts, error, now, ack))
        self.stats.dead_lettered[name] += 1
        log.error(
            "alert %s to %s dead-lettered after %d attempts: %s", alert.id, name, attempts, error
        )

    # -- tasks and Redis outages ----------------------------------------------------------

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

    async def _record(self, write: Callable[[], Awaitable[T]]) -> T:
        """Run a Redis call, waiting up to `redis_patience` for Redis to come back."""
        deadline = time.monotonic() + self.options.redis_patience
        pause = 0.05
        while True:
            try:
                return await write()
            except REDIS_DOWN:
                if time.monotonic() + pause > deadline:
                    raise
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)

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

    async def _until_redis(self, stop: asyncio.Event, call: Callable[[], Awaitable[None]]) -> None:
        while not stop.is_set():
            try:
                await call()
                self._redis_back()
                return
            except REDIS_DOWN as exc:
                await self._redis_lost(exc, stop)

    async def _redis_lost(self, exc: BaseException, stop: asyncio.Event) -> None:
        self.stats.redis_errors += 1
        if self._redis_down_since is None:
            self._redis_down_since = time.monotonic()
            log.warning("lost the connection to Redis (%s); retrying", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)

    def _redis_back(self) -> None:
        if self._redis_down_since is not None:
            log.warning("Redis is back after %.1fs", time.monotonic() - self._redis_down_since)
            self._redis_down_since = None


def _counts(stats: DeliveryStats) -> dict[str, Any]:
    return {**stats.totals(), "per_channel": dict(stats.delivered)}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
