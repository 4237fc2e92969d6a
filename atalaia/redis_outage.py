"""Riding out a Redis outage, for the long-running roles (asyncio).

Redis going away is an outage, not a failure of the work: what was in flight stays
pending in Redis and is taken up again once it is back. Each role keeps an
`Outage`, which logs the first error of an outage and its end once each, and:

- `until_redis(stop, call, outage)` runs a call that must happen (creating a consumer
  group, acknowledging a finished job) until Redis lets it, or the role stops;
- `patiently(call, patience)` runs a call again while Redis is away, for up to
  `patience` seconds, then lets the error through (the dispatcher's writes: the
  delivery is made again by whoever carries on, the at-least-once window);
- `pause(stop, seconds)` sleeps, or less when the role is asked to stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
"""What Redis being away looks like; anything else Redis says is an answer."""


class Outage:
    """One role's view of Redis: says once when it went away and once when it came back."""

    def __init__(self, role: str, on_error: Callable[[], None] | None = None) -> None:
        """`on_error` is called for every error of an outage (a counter, say)."""
        self.role = role
        self.on_error = on_error
        self.since: float | None = None

    @property
    def down(self) -> bool:
        return self.since is not None

    def lost(self, error: BaseException) -> None:
        if self.on_error is not None:
            self.on_error()
        if self.since is None:
            self.since = time.monotonic()
            log.error("%s: Redis unavailable (%s); retrying until it is back", self.role, error)

    def back(self) -> None:
        if self.since is not None:
            log.warning("%s: Redis is back after %.1fs", self.role, time.monotonic() - self.since)
            self.since = None


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less when `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def until_redis(
    stop: asyncio.Event,
    call: Callable[[], Awaitable[object]],
    outage: Outage,
    *,
    every: float = 1.0,
) -> bool:
    """Run `call` once Redis lets it succeed, trying `every` seconds (or until stopping);
    whether it ran."""
    while not stop.is_set():
        try:
            await call()
        except REDIS_DOWN as exc:
            outage.lost(exc)
            await pause(stop, every)
        else:
            outage.back()
            return True
    return False


async def patiently(call: Callable[[], Awaitable[T]], patience: float) -> T:
    """`call()`, tried again while Redis is away (waits doubling from 50 ms to 1 s) for up
    to `patience` seconds; then the last error is raised."""
    deadline = time.monotonic() + patience
    wait = 0.05
    while True:
        try:
            return await call()
        except REDIS_DOWN:
            if time.monotonic() + wait > deadline:
                raise
            await asyncio.sleep(wait)
            wait = min(wait * 2, 1.0)
