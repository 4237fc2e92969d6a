"""Retry schedules: the delays between attempts, with jitter, and `Retry-After`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from atalaia.durations import parse_duration

JITTER = 0.1  # each delay is drawn from ±10 % of its nominal value
MAX_RETRY_AFTER = 86400.0  # a receiver cannot park an alert for more than a day at a time


class RetrySchedule:
    """`delays[n]` is the wait after the (n+1)-th failed attempt; past the end, dead letter."""

    def __init__(self, delays: Sequence[str | float], rng: random.Random | None = None) -> None:
        self.delays = tuple(parse_duration(d) for d in delays)
        self.rng = rng or random.Random()

    @property
    def attempts(self) -> int:
        """How many attempts in all before the dead letter."""
        return len(self.delays) + 1

    def next_delay(self, failed_attempts: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait after `failed_attempts` failures; None when the schedule is spent."""
        if failed_attempts > len(self.delays):
            return None
        nominal = self.delays[failed_attempts - 1]
        delay = nominal * self.rng.uniform(1 - JITTER, 1 + JITTER)
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        return delay


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds the receiver asked to wait: `Retry-After: 120` or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now)


def utc_iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
