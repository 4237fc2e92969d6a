"""Publication → webhook latency of the daemon, with a 60 s and a 10 s polling interval.

    python -m bench.latency_bench [--articles 200] [--minutes 5] [--intervals 60,10]

For each interval: a private Redis server, a local newsroom (6 outlets in every
style) polled every INTERVAL seconds by `atalaia run`, a local webhook receiver
verifying signatures, and a watchlist that every published article matches.
Articles are published at random moments over the run; each one's latency is the
time from its publication on the newsroom to the receipt of its signed webhook.
Reports p50, p95 and the worst, against the target p95 ≤ interval + 2 s.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from atalaia.redis_connection import EmbeddedRedis
from tests.delivery.receiver import Receiver
from tests.newsroom import Newsroom

ROOT = Path(__file__).resolve().parents[1]
SECRET = "whsec_" + base64.b64encode(b"atalaia-latency-benchmark-secret").decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="per interval")
    parser.add_argument("--minutes", type=float, default=5.0, help="publishing time per interval")
    parser.add_argument("--intervals", default="60,10", help="polling intervals in seconds")
    args = parser.parse_args()
    for interval in (int(i) for i in args.intervals.split(",")):
        latencies, missing = run(interval, args.articles, args.minutes * 60)
        report(interval, latencies, missing)


def run(interval: int, articles: int, duration: float) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as scratch, Receiver(SECRET) as receiver:
        work = Path(scratch)
        redis_server = EmbeddedRedis(work / "redis")
        redis_url = redis_server.start()
        try:
            with Newsroom(articles_per_outlet=2) as room:
                catalogue = room.write_catalogue(work / "outlets.yaml")
                data = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
                for outlet in data["outlets"]:
                    outlet["every"] = f"{interval}s"
                catalogue.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
                watchlists = _watchlists(work / "watchlists.yaml", receiver.url)
                daemon = _start_daemon(catalogue, watchlists, redis_url)
                try:
                    time.sleep(interval + 5)  # the first pass takes in what is already there
                    published = _publish(room, articles, duration)
                    _wait_for(receiver, published, timeout=interval + 30)
                finally:
                    daemon.send_signal(signal.SIGTERM)
                    daemon.wait(timeout=60)
        finally:
            redis_server.stop()
        received = _receipts(receiver)
    latencies = [received[url] - when for url, when in published.items() if url in received]
    return latencies, len(published) - len(latencies)


def _watchlists(path: Path, url: str) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "channels": {"bench": {"type": "webhook", "url": url, "secret": "${BENCH_SECRET}"}},
                "watchlists": [
                    {
                        "id": "coreia",
                        "name": "Coreia",
                        "terms": ["Coreia do Norte", "Rússia", "Kim Jong-un", "Pyongyang"],
                        "notify": ["bench"],
                    }
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return path


def _start_daemon(catalogue: Path, watchlists: Path, redis_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ATALAIA_REDIS_URL": redis_url,
        "ATALAIA_SITEMAP_WINDOW": "3650d",
        "BENCH_SECRET": SECRET,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "run", "--no-metrics", "--outlets",
         str(catalogue), "--watchlists", str(watchlists)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _publish(room: Newsroom, articles: int, duration: float) -> dict[str, float]:
    """Publish `articles` at random moments over `duration`; URL as linked → wall time."""
    rng = random.Random(7)
    moments = sorted(rng.uniform(0, duration) for _ in range(articles))
    outlets = list(room.outlets)
    started = time.time()
    published: dict[str, float] = {}
    for n, moment in enumerate(moments):
        time.sleep(max(0.0, started + moment - time.time()))
        article = room.publish(outlets[n % len(outlets)], topic=rng.choice(["coreia", "russia"]))
        published[article.url] = time.time()
    return published


def _receipts(receiver: Receiver) -> dict[str, float]:
    received: dict[str, float] = {}
    for request in receiver.accepted():
        article = json.loads(request.body)["data"]["article"]
        received.setdefault(article["url"], request.received_at)
    return received


def _wait_for(receiver: Receiver, published: dict[str, float], timeout: float) -> None:
    receiver.wait_for(lambda r: set(published) <= set(_receipts(r)), timeout=timeout)


def report(interval: int, latencies: list[float], missing: int) -> None:
    if not latencies:
        print(f"interval {interval}s: no webhook received")
        return
    ordered = sorted(latencies)

    def percentile(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    p95 = percentile(0.95)
    target = interval + 2
    print(
        f"interval {interval:>3}s: {len(latencies)} alerts, p50 {percentile(0.5):.1f}s, "
        f"p95 {p95:.1f}s, worst {ordered[-1]:.1f}s, not received {missing}; "
        f"target p95 <= {target}s: {'met' if p95 <= target else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
