"""Delivery counters, ready for the daemon's Prometheus metrics.

Counters are per channel. Latency is the time from an alert's creation to its
delivery (the receiver's 2xx or the SMTP server's acceptance), kept both as
cumulative histogram buckets (Prometheus-style, `le` upper bounds in seconds)
and as a bounded window of recent samples for percentiles.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

LATENCY_BUCKETS = (
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, 3600.0, 21600.0, 86400.0,
)  # fmt: skip


@dataclass
class DeliveryStats:
    delivered: Counter[str] = field(default_factory=Counter)
    retried: Counter[str] = field(default_factory=Counter)
    dead_lettered: Counter[str] = field(default_factory=Counter)
    held_for_digest: Counter[str] = field(default_factory=Counter)
    unknown_channel: Counter[str] = field(default_factory=Counter)
    disabled: Counter[str] = field(default_factory=Counter)
    malformed_alerts: int = 0
    redis_errors: int = 0
    internal_errors: int = 0
    latency_buckets: tuple[float, ...] = LATENCY_BUCKETS
    latency_counts: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    latency_sum: float = 0.0
    latency_count: int = 0
    latency_samples: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))

    def observe_latency(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.latency_sum += seconds
        self.latency_count += 1
        self.latency_samples.append(seconds)
        for index, bound in enumerate(self.latency_buckets):
            if seconds <= bound:
                self.latency_counts[index] += 1

    def percentile(self, fraction: float) -> float | None:
        if not self.latency_samples:
            return None
        ordered = sorted(self.latency_samples)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def totals(self) -> dict[str, int]:
        return {
            "delivered": sum(self.delivered.values()),
            "retried": sum(self.retried.values()),
            "dead_lettered": sum(self.dead_lettered.values()),
            "held_for_digest": sum(self.held_for_digest.values()),
            "unknown_channel": sum(self.unknown_channel.values()),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.totals(),
            "per_channel": {
                name: dict(getattr(self, name))
                for name in ("delivered", "retried", "dead_lettered", "held_for_digest")
            },
            "malformed_alerts": self.malformed_alerts,
            "redis_errors": self.redis_errors,
            "internal_errors": self.internal_errors,
            "latency": {
                "count": self.latency_count,
                "sum": self.latency_sum,
                "buckets": dict(zip(self.latency_buckets, self.latency_counts, strict=True)),
                "p50": self.percentile(0.5),
                "p99": self.percentile(0.99),
            },
        }


@dataclass(frozen=True)
class DeliverySummary:
    """What one `Dispatcher.drain` did, for `atalaia crawl`'s summary."""

    delivered: int
    retrying: int
    dead_lettered: int
    held_for_digest: int
    left_queued: int
    seconds: float
    per_channel: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "delivered": self.delivered,
            "retrying": self.retrying,
            "dead_lettered": self.dead_lettered,
            "held_for_digest": self.held_for_digest,
            "left_queued": self.left_queued,
            "seconds": round(self.seconds, 3),
            "per_channel": dict(self.per_channel),
        }
