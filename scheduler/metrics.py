"""The daemon's Prometheus metrics, every name prefixed `atalaia_`.

`Metrics` owns its own registry (never the global one), so several daemons in one
test process do not collide. It holds two kinds of numbers:

- counters and a histogram the daemon feeds as things happen: `crawl_finished`
  after every crawl of an outlet, `alert_delivered` after every delivery;
- numbers read when Prometheus scrapes, by a collector installed with `watch`:
  the dispatcher's running totals (DeliveryStats) and, from Redis, the queues
  (`read_queues`, shared with `atalaia status`) and each outlet's last success.
  When Redis does not answer the collector reports `atalaia_redis_up 0` and
  leaves the Redis-derived metrics out, rather than failing the scrape.

`render()` is synchronous and talks to Redis: from the event loop, call it in a
thread (scheduler.health does).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from alerts.delivery.deadletters import DisabledChannel, count_dead_letters, disabled_channels
from alerts.delivery.stats import DeliveryStats
from alerts.queue import DISPATCHERS
from atalaia.redis_keys import Keys
from crawler.summary import OutletSummary

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""The content type of `render()`'s output (Prometheus text format 0.0.4)."""

CRAWL_JOBS = "crawl-jobs"
CRAWLERS = "crawlers"
ALERTS = "alerts"

PUBLICATION_TO_ALERT_BUCKETS = (
    5.0, 10.0, 15.0, 30.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1800.0,
    3600.0, 7200.0, 10800.0, 21600.0,
)  # fmt: skip
"""Seconds from an article's publication to its alert: 5 s to 6 h (then +Inf)."""

CRAWL_SECONDS_BUCKETS = (1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)


@dataclass(frozen=True)
class StreamDepth:
    """A Redis stream read through a consumer group."""

    stream: str
    group: str
    length: int
    pending: int
    """Entries handed to a consumer and not acknowledged yet."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "stream": self.stream,
            "group": self.group,
            "length": self.length,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class Queues:
    """Everything waiting in Redis between the stages."""

    crawl_jobs: StreamDepth
    alerts: StreamDepth
    retries: int
    """Deliveries waiting for their next attempt."""
    dead_letters: int
    disabled_channels: list[DisabledChannel] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "crawl_jobs": self.crawl_jobs.to_dict(),
            "alerts": self.alerts.to_dict(),
            "retries": self.retries,
            "dead_letters": self.dead_letters,
            "disabled_channels": [
                {"channel": c.channel, "since": c.since, "reason": c.reason}
                for c in self.disabled_channels
            ],
        }


def read_queues(client: redis.Redis, keys: Keys) -> Queues:
    """The queues' depths now; raises redis.RedisError when Redis does not answer.

    A stream or consumer group that does not exist yet counts as empty.
    """
    streams = ((keys.crawl_jobs(), CRAWLERS), (keys.alerts(), DISPATCHERS))
    pipe = client.pipeline(transaction=False)
    for stream, group in streams:
        pipe.xlen(stream)
        pipe.xpending(stream, group)
    pipe.zcard(keys.retries())
    replies: list[Any] = pipe.execute(raise_on_error=False)
    for reply in replies:
        if isinstance(reply, Exception) and not _no_group(reply):
            raise reply
    crawl_jobs, alerts = (
        StreamDepth(
            stream=name,
            group=group,
            length=_int(replies[2 * index]),
            pending=_pending(replies[2 * index + 1]),
        )
        for index, (name, group) in enumerate(((CRAWL_JOBS, CRAWLERS), (ALERTS, DISPATCHERS)))
    )
    return Queues(
        crawl_jobs=crawl_jobs,
        alerts=alerts,
        retries=_int(replies[4]),
        dead_letters=count_dead_letters(client, keys),
        disabled_channels=disabled_channels(client, keys),
    )


def _no_group(error: Exception) -> bool:
    """XPENDING's answer for a stream or consumer group that does not exist yet."""
    return isinstance(error, redis.ResponseError) and str(error).startswith("NOGROUP")


def _pending(reply: Any) -> int:
    if isinstance(reply, dict):
        return int(reply.get("pending", 0) or 0)
    return 0  # NOGROUP: the group (or its stream) does not exist yet


def _int(reply: Any) -> int:
    return int(reply or 0)


def last_successes(client: redis.Redis, keys: Keys, outlet_ids: Sequence[str]) -> dict[str, float]:
    """When each outlet's last successful crawl ended (epoch seconds); absent when never."""
    pipe = client.pipeline(transaction=False)
    for outlet_id in outlet_ids:
        pipe.hget(keys.outlet(outlet_id), "last_success")
    replies: list[Any] = pipe.execute()
    return {
        outlet_id: float(reply)
        for outlet_id, reply in zip(outlet_ids, replies, strict=True)
        if reply is not None
    }


class Metrics:
    """Atalaia's metrics in one registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.crawls = Counter(
            "atalaia_crawls", "Crawls of an outlet, by result (ok, error)",
            ["outlet", "result"], registry=r,
        )  # fmt: skip
        self.crawl_seconds = Histogram(
            "atalaia_crawl_duration_seconds", "How long a crawl of an outlet took",
            ["outlet"], buckets=CRAWL_SECONDS_BUCKETS, registry=r,
        )  # fmt: skip
        self.stories = Counter(
            "atalaia_stories", "New stories found, by outlet", ["outlet"], registry=r
        )
        self.duplicates = Counter(
            "atalaia_duplicates", "Articles that were a story already seen, by outlet",
            ["outlet"], registry=r,
        )  # fmt: skip
        self.non_articles = Counter(
            "atalaia_non_articles", "Pages fetched that were not articles, by outlet",
            ["outlet"], registry=r,
        )  # fmt: skip
        self.crawl_errors = Counter(
            "atalaia_crawl_errors", "Errors while crawling, by outlet", ["outlet"], registry=r
        )
        self.matches = Counter(
            "atalaia_matches", "Alerts created, by watchlist", ["watchlist"], registry=r
        )
        self.publication_to_alert = Histogram(
            "atalaia_publication_to_alert_seconds",
            "Seconds from an article's publication to an alert's delivery, by outlet and "
            "channel (digest channels deliver late by design)",
            ["outlet", "channel"], buckets=PUBLICATION_TO_ALERT_BUCKETS, registry=r,
        )  # fmt: skip
        self.alerts_undated = Counter(
            "atalaia_alerts_without_publication_time",
            "Alerts delivered for articles with no publication time, by outlet",
            ["outlet"], registry=r,
        )  # fmt: skip
        self._watcher: Collector | None = None

    def crawl_finished(self, summary: OutletSummary) -> None:
        """Count one crawl of one outlet."""
        outlet = summary.outlet
        self.crawls.labels(outlet, "ok" if summary.ok else "error").inc()
        self.crawl_seconds.labels(outlet).observe(max(0.0, summary.seconds))
        self.stories.labels(outlet).inc(summary.new_stories)
        self.duplicates.labels(outlet).inc(summary.duplicates)
        self.non_articles.labels(outlet).inc(summary.non_articles)
        self.crawl_errors.labels(outlet).inc(summary.errors)
        for watchlist, count in summary.matches.items():
            self.matches.labels(watchlist).inc(count)

    def alert_delivered(
        self, channel: str, outlet: str, published_at: datetime | None, delivered_at: datetime
    ) -> None:
        """Observe publication → delivery latency; a naive datetime is taken as UTC."""
        if published_at is None:
            self.alerts_undated.labels(outlet).inc()
            return
        seconds = (_aware(delivered_at) - _aware(published_at)).total_seconds()
        self.publication_to_alert.labels(outlet, channel).observe(max(0.0, seconds))

    def watch(
        self,
        delivery_stats: DeliveryStats | None,
        redis_client: redis.Redis,
        keys: Keys,
        *,
        outlets: Iterable[str] = (),
        now: Callable[[], float] = time.time,
    ) -> None:
        """Export, at each scrape, the dispatcher's totals and what Redis holds.

        `delivery_stats` is None in a process that runs no dispatcher. Calling
        `watch` again replaces what was watched before.
        """
        if self._watcher is not None:
            self.registry.unregister(self._watcher)
        self._watcher = ScrapeCollector(delivery_stats, redis_client, keys, list(outlets), now)
        self.registry.register(self._watcher)

    def render(self) -> bytes:
        """Every metric in Prometheus text format (see CONTENT_TYPE)."""
        return generate_latest(self.registry)


class ScrapeCollector(Collector):
    """Reads the dispatcher's totals and Redis when Prometheus scrapes."""

    def __init__(
        self,
        delivery_stats: DeliveryStats | None,
        client: redis.Redis,
        keys: Keys,
        outlets: list[str],
        now: Callable[[], float],
    ) -> None:
        self.delivery_stats = delivery_stats
        self.client = client
        self.keys = keys
        self.outlets = outlets
        self.now = now
        self._redis_was_up = True

    def describe(self) -> list[Metric]:
        return []  # names vary with what Redis answers: no checks at registration

    def collect(self) -> Iterator[Metric]:
        if self.delivery_stats is not None:
            yield from delivery_metrics(self.delivery_stats)
        up = GaugeMetricFamily("atalaia_redis_up", "1 when Redis answered this scrape, else 0")
        try:
            from_redis = list(self._redis_metrics())
        except redis.RedisError as exc:
            if self._redis_was_up:
                log.warning("metrics: Redis did not answer: %s", exc)
            self._redis_was_up = False
            up.add_metric([], 0)
            yield up
            return
        if not self._redis_was_up:
            log.info("metrics: Redis answers again")
        self._redis_was_up = True
        up.add_metric([], 1)
        yield up
        yield from from_redis

    def _redis_metrics(self) -> Iterator[Metric]:
        queues = read_queues(self.client, self.keys)
        yield from queue_metrics(queues)
        since = GaugeMetricFamily(
            "atalaia_seconds_since_last_success",
            "Seconds since the last successful crawl of each outlet (absent: never succeeded)",
            labels=["outlet"],
        )
        now = self.now()
        for outlet, last in last_successes(self.client, self.keys, self.outlets).items():
            since.add_metric([outlet], max(0.0, now - last))
        yield since


def queue_metrics(queues: Queues) -> Iterator[Metric]:
    length = GaugeMetricFamily(
        "atalaia_stream_length", "Entries in a Redis stream", labels=["stream"]
    )
    pending = GaugeMetricFamily(
        "atalaia_stream_pending",
        "Stream entries handed to a consumer and not yet acknowledged",
        labels=["stream", "group"],
    )
    for depth in (queues.crawl_jobs, queues.alerts):
        length.add_metric([depth.stream], depth.length)
        pending.add_metric([depth.stream, depth.group], depth.pending)
    yield length
    yield pending
    yield GaugeMetricFamily(
        "atalaia_delivery_retries_waiting",
        "Deliveries waiting for their next attempt",
        value=queues.retries,
    )
    yield GaugeMetricFamily(
        "atalaia_dead_letters", "Alerts a channel never took, kept for replay",
        value=queues.dead_letters,
    )  # fmt: skip
    disabled = GaugeMetricFamily(
        "atalaia_channel_disabled", "1 for each channel disabled by 410 Gone", labels=["channel"]
    )
    for channel in queues.disabled_channels:
        disabled.add_metric([channel.channel], 1)
    yield disabled
    yield GaugeMetricFamily(
        "atalaia_disabled_channels", "Channels disabled by 410 Gone",
        value=len(queues.disabled_channels),
    )  # fmt: skip


def delivery_metrics(stats: DeliveryStats) -> Iterator[Metric]:
    """The dispatcher's running totals, as counters (they only grow while it runs)."""
    per_channel = (
        ("atalaia_alerts_delivered", "Alerts delivered, by channel", stats.delivered),
        ("atalaia_alerts_retried", "Delivery attempts failed and retried later", stats.retried),
        ("atalaia_alerts_dead_lettered", "Alerts dead-lettered, by channel", stats.dead_lettered),
        ("atalaia_alerts_held_for_digest", "Alerts held for a digest", stats.held_for_digest),
        ("atalaia_alerts_unknown_channel", "Alerts for a channel no longer configured",
         stats.unknown_channel),
    )  # fmt: skip
    for name, documentation, counter in per_channel:
        family = CounterMetricFamily(name, documentation, labels=["channel"])
        for channel, value in sorted(dict(counter).items()):
            family.add_metric([channel], value)
        yield family
    totals = (
        ("atalaia_dispatcher_malformed_alerts", "Alerts that could not be read",
         stats.malformed_alerts),
        ("atalaia_dispatcher_redis_errors", "Redis errors met by the dispatcher",
         stats.redis_errors),
        ("atalaia_dispatcher_internal_errors", "Unexpected errors in the dispatcher",
         stats.internal_errors),
    )  # fmt: skip
    for name, documentation, value in totals:
        yield CounterMetricFamily(name, documentation, value=value)
    counts = list(stats.latency_counts)
    total = stats.latency_count  # read after the buckets: observe_latency counts it first
    buckets = [
        (_le(bound), float(count))
        for bound, count in zip(stats.latency_buckets, counts, strict=True)
    ]
    buckets.append(("+Inf", float(total)))
    yield HistogramMetricFamily(
        "atalaia_alert_delivery_seconds",
        "Seconds from an alert's creation to its delivery",
        buckets=buckets,
        sum_value=stats.latency_sum,
    )


def _le(bound: float) -> str:
    return str(float(bound))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
