"""`/metrics` parses as Prometheus text and counts what the daemon did."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from prometheus_client.parser import text_string_to_metric_families

from .daemon_process import wait_until
from .stage import CHANNEL, TOPIC, WATCHLIST, Stage


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample, by sample name (counters keep their `_total`), with its labels."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return found


def total(found: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    return sum(
        value
        for sample_labels, value in found.get(name, [])
        if all(sample_labels.get(k) == v for k, v in labels.items())
    )


def test_metrics_parse_and_count_what_happened(stage: Stage) -> None:
    daemon = stage.start("all")
    daemon.wait_healthy()
    stage.wait_crawled(*stage.room.expected())
    stage.wait_delivered()
    # Published now, so its publication → alert latency is seconds, not months.
    fresh = stage.publish(published_at=datetime.now(UTC))
    stage.wait_crawled(fresh)
    stage.wait_delivered()

    # The receiver has every alert; the dispatcher records each one just after its 2xx.
    alerts = len(stage.expected_alerts())
    found: dict[str, list[tuple[dict[str, str], float]]] = {}

    def all_recorded() -> bool:
        found.clear()
        found.update(samples(daemon.metrics()))
        return (
            total(found, "atalaia_alerts_delivered_total", channel=CHANNEL) == alerts
            and total(found, "atalaia_stream_pending", stream="alerts") == 0
        )

    wait_until(all_recorded, timeout=10, what="the deliveries to show in /metrics")
    assert all(name.startswith("atalaia_") for name in found), sorted(found)
    stories = stage.stories()
    by_outlet = Counter(story.article.outlet for story in stories)
    for outlet in stage.outlet_ids:
        assert total(found, "atalaia_crawls_total", outlet=outlet, result="ok") >= 1
        assert total(found, "atalaia_stories_total", outlet=outlet) == by_outlet[outlet]
        assert total(found, "atalaia_non_articles_total", outlet=outlet) >= 1
        assert total(found, "atalaia_crawl_errors_total", outlet=outlet) == 0
        since = total(found, "atalaia_seconds_since_last_success", outlet=outlet)
        assert 0 <= since < 30
    assert alerts == sum(1 for a in stage.room.expected() if a.topic == TOPIC) >= 2
    assert total(found, "atalaia_matches_total", watchlist=WATCHLIST) == alerts
    assert total(found, "atalaia_alerts_delivered_total", channel=CHANNEL) == alerts
    assert total(found, "atalaia_alerts_dead_lettered_total") == 0
    latency = "atalaia_publication_to_alert_seconds"
    assert total(found, f"{latency}_count", channel=CHANNEL) == alerts
    # the fresh article's alert arrived within the 2 s polling interval plus a little
    assert total(found, f"{latency}_bucket", channel=CHANNEL, le="15.0") >= 1
    assert total(found, "atalaia_redis_up") == 1
    # every alert delivered and acknowledged: nothing waits in the alert stream
    streams = {labels["stream"] for labels, _ in found["atalaia_stream_length"]}
    assert streams == {"crawl-jobs", "alerts"}
    assert total(found, "atalaia_stream_pending", stream="alerts", group="dispatchers") == 0
    assert total(found, "atalaia_stream_length", stream="alerts") == 0
