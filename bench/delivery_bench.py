"""Benchmark: webhooks delivered per second, and latency from alert creation to receipt.

    python -m bench.delivery_bench            # 10,000 alerts; 10 s of steady traffic
    python -m bench.delivery_bench --quick    # 2,000 alerts; 3 s of steady traffic

Dispatchers run as separate processes (`tests.delivery.dispatcher_process`), as
in production; the receiver (tests/delivery/receiver.py: HTTP/1.1 keep-alive on
127.0.0.1, every request verified with the `standardwebhooks` package) runs in
this process. Redis is $ATALAIA_REDIS_URL, or an embedded server in a temporary
directory.

- Throughput: a backlog of N alerts is queued, then one (or two) dispatchers
  start; webhooks/s = N / (last receipt - first receipt).
- Latency: one idle dispatcher; alerts are created at a steady rate well under
  capacity; for each, the time from `AlertQueue.create` to the receiver's
  receipt. Issue 4's targets: >= 500 webhooks/s from one dispatcher, p99 < 250 ms.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis

from alerts.delivery.signing import webhook_id
from alerts.queue import AlertQueue
from atalaia.redis_connection import EmbeddedRedis, connect
from atalaia.redis_keys import Keys
from tests.delivery.helpers import make_alert, new_secret
from tests.delivery.receiver import Receiver

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Result:
    label: str
    alerts: int
    per_second: float
    p50_ms: float
    p99_ms: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer alerts, shorter runs")
    args = parser.parse_args(argv)
    backlog = 2_000 if args.quick else 10_000
    steady_seconds, steady_rate = (3.0, 100) if args.quick else (10.0, 200)
    with redis_server() as url:
        results = [
            throughput(url, backlog, dispatchers=1),
            throughput(url, backlog, dispatchers=2),
            latency(url, steady_rate, steady_seconds),
        ]
    print(f"{'scenario':<38} {'alerts':>7} {'webhooks/s':>11} {'p50 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(
            f"{r.label:<38} {r.alerts:>7} {r.per_second:>11.0f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f}"
        )
    one, _, steady = results
    print(
        f"targets: >= 500 webhooks/s from one dispatcher: "
        f"{'met' if one.per_second >= 500 else 'NOT met'}; "
        f"p99 < 250 ms when not backlogged: {'met' if steady.p99_ms < 250 else 'NOT met'}"
    )
    return 0


class redis_server:
    def __enter__(self) -> str:
        self.tmp = tempfile.TemporaryDirectory()
        self.embedded: EmbeddedRedis | None = None
        configured = os.environ.get("ATALAIA_REDIS_URL")
        if configured:
            return configured
        self.embedded = EmbeddedRedis(Path(self.tmp.name))
        return self.embedded.start()

    def __exit__(self, *exc: object) -> None:
        if self.embedded is not None:
            self.embedded.stop()
        self.tmp.cleanup()


def throughput(url: str, count: int, dispatchers: int) -> Result:
    keys = Keys(f"atalaia-bench-{uuid.uuid4().hex[:8]}:")
    client = connect(url)
    secret = new_secret()
    created = queue_alerts(client, keys, count, rate=None)
    with Receiver(secret) as receiver:
        processes = [start_dispatcher(url, keys, receiver.url, secret) for _ in range(dispatchers)]
        try:
            done = receiver.wait_for(lambda r: len(r.requests) >= count, timeout=300)
        finally:
            stop(processes)
        requests = receiver.accepted()
    cleanup(client, keys)
    if not done or receiver.rejected:
        raise SystemExit(
            f"only {len(requests)} of {count} delivered ({len(receiver.rejected)} bad)"
        )
    times = sorted(r.received_at for r in requests)
    latencies = [r.received_at - created[r.webhook_id] for r in requests]
    label = f"backlog, {dispatchers} dispatcher{'s' if dispatchers > 1 else ''}"
    return summarise(label, count, count / (times[-1] - times[0]), latencies)


def latency(url: str, rate: int, seconds: float) -> Result:
    keys = Keys(f"atalaia-bench-{uuid.uuid4().hex[:8]}:")
    client = connect(url)
    AlertQueue(client, keys).ensure_group()
    secret = new_secret()
    count = int(rate * seconds)
    with Receiver(secret) as receiver:
        processes = [start_dispatcher(url, keys, receiver.url, secret)]
        try:
            time.sleep(0.5)  # let it settle into waiting on the stream
            created = queue_alerts(client, keys, count, rate=rate)
            receiver.wait_for(lambda r: len(r.requests) >= count, timeout=60)
        finally:
            stop(processes)
        requests = receiver.accepted()
    cleanup(client, keys)
    latencies = [r.received_at - created[r.webhook_id] for r in requests]
    return summarise(f"steady {rate}/s, 1 dispatcher", count, len(requests) / seconds, latencies)


def queue_alerts(
    client: redis.Redis, keys: Keys, count: int, rate: float | None
) -> dict[str, float]:
    """Create `count` alerts (at `rate` per second, or all at once); webhook-id -> created."""
    queue = AlertQueue(client, keys)
    queue.ensure_group()
    created: dict[str, float] = {}
    start = time.perf_counter()
    for number in range(count):
        if rate is not None:
            pause = start + number / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        alert = make_alert(number, created_at=datetime.now(UTC))  # unique under this prefix
        created[webhook_id(alert.id, "equipe")] = time.time()
        queue.create(alert)
    return created


def start_dispatcher(url: str, keys: Keys, hook: str, secret: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.delivery.dispatcher_process", url, keys.prefix, hook, secret],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.readline()
    return process


def stop(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def cleanup(client: redis.Redis, keys: Keys) -> None:
    stale = list(client.scan_iter(match=keys.prefix + "*", count=1000))
    if stale:
        client.delete(*stale)


def summarise(label: str, count: int, per_second: float, latencies: list[float]) -> Result:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return Result(label, count, per_second, statistics.median(ordered) * 1000, p99 * 1000)


if __name__ == "__main__":
    sys.exit(main())
