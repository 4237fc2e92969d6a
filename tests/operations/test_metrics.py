"""`Metrics`: counters the daemon feeds, and what the collector reads at scrape time."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import redis
from prometheus_client.parser import text_string_to_metric_families

from alerts.delivery.stats import DeliveryStats
from atalaia.redis_keys import Keys
from crawler.summary import OutletSummary
from scheduler.metrics import Metrics

NOW = 1_750_000_000.0

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(metrics: Metrics) -> Samples:
    """Every sample of a render, parsed by the client's own parser, by name and labels."""
    found: Samples = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            found[sample.name, frozenset(sample.labels.items())] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


def summary(
    outlet: str,
    *,
    new_stories: int = 0,
    duplicates: int = 0,
    non_articles: int = 0,
    errors: int = 0,
) -> OutletSummary:
    return OutletSummary(
        outlet=outlet, seconds=3.5, new_stories=new_stories, duplicates=duplicates,
        non_articles=non_articles, errors=errors,
        matches={"coreia-russia": 2, "clima": 1} if new_stories else {},
    )  # fmt: skip


def test_crawls_stories_and_matches_are_counted() -> None:
    metrics = Metrics()
    metrics.crawl_finished(summary("r7", new_stories=4, duplicates=2, non_articles=1))
    metrics.crawl_finished(summary("r7", new_stories=1))
    metrics.crawl_finished(summary("g1", errors=3))
    found = samples(metrics)
    assert value(found, "atalaia_crawls_total", outlet="r7", result="ok") == 2
    assert value(found, "atalaia_crawls_total", outlet="g1", result="error") == 1
    assert value(found, "atalaia_crawls_total", outlet="g1", result="ok") is None
    assert value(found, "atalaia_stories_total", outlet="r7") == 5
    assert value(found, "atalaia_duplicates_total", outlet="r7") == 2
    assert value(found, "atalaia_non_articles_total", outlet="r7") == 1
    assert value(found, "atalaia_crawl_errors_total", outlet="g1") == 3
    assert value(found, "atalaia_matches_total", watchlist="coreia-russia") == 4
    assert value(found, "atalaia_matches_total", watchlist="clima") == 2
    assert value(found, "atalaia_crawl_duration_seconds_count", outlet="r7") == 2


def test_publication_to_alert_latency() -> None:
    metrics = Metrics()
    published = datetime(2025, 2, 27, 19, 2, tzinfo=UTC)
    for seconds in (4, 40, 400):
        metrics.alert_delivered("equipe", "r7", published, published + timedelta(seconds=seconds))
    metrics.alert_delivered("equipe", "r7", None, published)
    naive = published.replace(tzinfo=None)
    metrics.alert_delivered("analistas", "r7", naive, published + timedelta(hours=10))
    found = samples(metrics)
    name = "atalaia_publication_to_alert_seconds"
    assert value(found, f"{name}_count", outlet="r7", channel="equipe") == 3
    assert value(found, f"{name}_sum", outlet="r7", channel="equipe") == 444
    assert value(found, f"{name}_bucket", outlet="r7", channel="equipe", le="5.0") == 1
    assert value(found, f"{name}_bucket", outlet="r7", channel="equipe", le="60.0") == 2
    assert value(found, f"{name}_bucket", outlet="r7", channel="equipe", le="21600.0") == 3
    assert value(found, f"{name}_bucket", outlet="r7", channel="analistas", le="21600.0") == 0
    assert value(found, f"{name}_bucket", outlet="r7", channel="analistas", le="+Inf") == 1
    assert value(found, "atalaia_alerts_without_publication_time_total", outlet="r7") == 1


def delivery_stats() -> DeliveryStats:
    stats = DeliveryStats(
        delivered=Counter({"equipe": 5, "analistas": 2}),
        retried=Counter({"equipe": 3}),
        dead_lettered=Counter({"equipe": 1}),
    )
    for seconds in (0.2, 1.5, 40.0):
        stats.observe_latency(seconds)
    return stats


def test_collector_exports_delivery_totals_and_redis_state(
    redis_client: redis.Redis, keys: Keys
) -> None:
    redis_client.xadd(keys.crawl_jobs(), {"outlet": "r7"})
    redis_client.xadd(keys.crawl_jobs(), {"outlet": "g1"})
    redis_client.xgroup_create(keys.crawl_jobs(), "crawlers", id="0")
    redis_client.xreadgroup("crawlers", "c1", {keys.crawl_jobs(): ">"}, count=1)
    for n in range(3):
        redis_client.xadd(keys.alerts(), {"alert": f'{{"n": {n}}}'})
    redis_client.zadd(keys.retries(), {"a1|equipe": NOW, "a2|equipe": NOW})
    redis_client.xadd(keys.dead_letters(), {"alert_id": "a3", "channel": "equipe"})
    redis_client.hset(
        keys.disabled_channels(), "velho", json.dumps({"since": NOW, "reason": "410 Gone"})
    )
    redis_client.hset(keys.outlet("r7"), "last_success", NOW - 90)

    metrics = Metrics()
    stats = delivery_stats()
    metrics.watch(stats, redis_client, keys, outlets=["r7", "g1"], now=lambda: NOW)
    found = samples(metrics)

    assert value(found, "atalaia_redis_up") == 1
    assert value(found, "atalaia_alerts_delivered_total", channel="equipe") == 5
    assert value(found, "atalaia_alerts_delivered_total", channel="analistas") == 2
    assert value(found, "atalaia_alerts_retried_total", channel="equipe") == 3
    assert value(found, "atalaia_alerts_dead_lettered_total", channel="equipe") == 1
    assert value(found, "atalaia_alert_delivery_seconds_count") == 3
    assert value(found, "atalaia_alert_delivery_seconds_bucket", le="1.0") == 1
    assert value(found, "atalaia_alert_delivery_seconds_bucket", le="+Inf") == 3
    assert value(found, "atalaia_stream_length", stream="crawl-jobs") == 2
    assert value(found, "atalaia_stream_pending", stream="crawl-jobs", group="crawlers") == 1
    assert value(found, "atalaia_stream_length", stream="alerts") == 3
    # no "dispatchers" group yet: nothing pending, and no error
    assert value(found, "atalaia_stream_pending", stream="alerts", group="dispatchers") == 0
    assert value(found, "atalaia_delivery_retries_waiting") == 2
    assert value(found, "atalaia_dead_letters") == 1
    assert value(found, "atalaia_channel_disabled", channel="velho") == 1
    assert value(found, "atalaia_disabled_channels") == 1
    assert value(found, "atalaia_seconds_since_last_success", outlet="r7") == 90
    assert value(found, "atalaia_seconds_since_last_success", outlet="g1") is None  # never

    # the dispatcher carries on: the next scrape shows its running totals
    stats.delivered["equipe"] += 2
    assert value(samples(metrics), "atalaia_alerts_delivered_total", channel="equipe") == 7


def test_collector_without_redis_reports_it_down_and_does_not_raise(keys: Keys) -> None:
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=1)
    metrics = Metrics()
    metrics.crawl_finished(summary("r7", new_stories=1))
    metrics.watch(delivery_stats(), unreachable, keys, outlets=["r7"])
    found = samples(metrics)
    assert value(found, "atalaia_redis_up") == 0
    assert not any(name.startswith("atalaia_stream_") for name, _ in found)
    assert value(found, "atalaia_seconds_since_last_success", outlet="r7") is None
    # what does not come from Redis is still there
    assert value(found, "atalaia_stories_total", outlet="r7") == 1
    assert value(found, "atalaia_alerts_delivered_total", channel="equipe") == 5


def test_watch_again_replaces_the_collector(redis_client: redis.Redis, keys: Keys) -> None:
    metrics = Metrics()
    metrics.watch(None, redis_client, keys)
    metrics.watch(delivery_stats(), redis_client, keys)
    found = samples(metrics)
    assert value(found, "atalaia_redis_up") == 1
    assert value(found, "atalaia_alerts_delivered_total", channel="equipe") == 5
