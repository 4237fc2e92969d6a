"""Server time to render the web app's `/` with 10,000 alerts kept, and the daemon's
memory with the web app on and off.

    python -m bench.web_bench [--alerts 10000] [--requests 30] [--memory]

Render: a private Redis server holds N alerts (10 watchlists × 20 outlets over 30
days, made through the alert queue, so with their indexes) and, as the baseline
measured in the same run, 100 alerts under another prefix. Each run times
`--requests` renders of `/` (and of `/?watchlist=..&outlet=..`) through the ASGI
app in this process (routing, Redis reads in the thread pool, templates: the
server's whole share, without the network), and keeps the median; three runs give
the median and the range. Target: `/` under 100 ms with 10,000 alerts.

--memory: `atalaia run` (every role) over a local newsroom, with the web app and
with --no-web; its resident memory (VmRSS) after 20 s and a few page views.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import redis
import yaml

from alerts.active_watchlists import ActiveWatchlists
from alerts.alert import Alert, Hit
from alerts.archive import Archive
from alerts.queue import AlertQueue
from atalaia.article import Article
from atalaia.redis_connection import EmbeddedRedis
from atalaia.redis_keys import Keys
from atalaia.settings import Settings
from crawler.catalogue import load_catalogue
from scheduler.metrics import Metrics
from scheduler.web.app import create_app
from scheduler.web.context import Web

ROOT = Path(__file__).resolve().parents[1]
WATCHLISTS = [f"w{i}" for i in range(10)]
OUTLETS = [f"o{i:02d}" for i in range(20)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30, help="renders timed per run")
    parser.add_argument("--memory", action="store_true", help="also measure the daemon's RSS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        server = EmbeddedRedis(tmp / "var")
        url = server.start()
        try:
            render_bench(url, tmp, args.alerts, args.requests)
            if args.memory:
                memory_bench(url, tmp)
        finally:
            server.stop()


def files(tmp: Path) -> tuple[Path, Path]:
    watchlists = tmp / "watchlists.yaml"
    watchlists.write_text(yaml.safe_dump({"watchlists": [
        {"id": w, "name": f"Lista {w}", "terms": [f"termo {w}"]} for w in WATCHLISTS
    ]}), "utf-8")  # fmt: skip
    outlets = tmp / "outlets.yaml"
    outlets.write_text(yaml.safe_dump({"outlets": [
        {"id": o, "name": f"Veículo {o}", "homepage": f"https://{o}.example.org/",
         "feeds": [f"https://{o}.example.org/feed"]} for o in OUTLETS
    ]}), "utf-8")  # fmt: skip
    return watchlists, outlets


def fill(client: redis.Redis, keys: Keys, count: int, now: datetime) -> None:
    queue = AlertQueue(client, keys, archive=Archive(keys))
    rng = random.Random(1)
    for n in range(count):
        watchlist, outlet = rng.choice(WATCHLISTS), rng.choice(OUTLETS)
        title = f"Notícia {n}: termo {watchlist} aparece no título de uma reportagem longa"
        article = Article(
            url=f"https://{outlet}.example.org/{n}", outlet=outlet, title=title,
            lead="Um parágrafo de abertura com umas vinte palavras, como os veículos escrevem.",
            body="texto " * 400, published_at=now - timedelta(minutes=n),
        )  # fmt: skip
        queue.create(Alert(
            id=Alert.id_for(watchlist, f"s{n}"), watchlist_id=watchlist,
            watchlist_name=f"Lista {watchlist}", story_id=f"s{n}", article=article,
            matches=(Hit(f"termo {watchlist}", "title", title, 10, 18),),
            created_at=now - timedelta(seconds=rng.uniform(0, 29 * 86400)),
            channels=("equipe",),
        ))  # fmt: skip


def app_for(client: redis.Redis, keys: Keys, tmp: Path) -> Web:
    watchlists, outlets = files(tmp)

    async def healthy() -> bool:
        return True

    return Web(
        client=client, keys=keys, settings=Settings(redis_prefix=keys.prefix),
        catalogue=load_catalogue(outlets), watchlists=ActiveWatchlists(watchlists),
        healthy=healthy, registry=Metrics().registry,
    )  # fmt: skip


def timed_renders(web: Web, path: str, requests: int) -> float:
    """The median server time of `requests` renders of `path`, in ms."""

    async def go() -> float:
        transport = httpx.ASGITransport(app=create_app(web))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            assert (await client.get(path)).status_code == 200  # warm up
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                answer = await client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200
            return statistics.median(times)

    return asyncio.run(go())


def render_bench(url: str, tmp: Path, alerts: int, requests: int) -> None:
    client = redis.Redis.from_url(url)
    now = datetime.now(UTC)
    big, small = Keys("bench-big:"), Keys("bench-base:")
    started = time.perf_counter()
    fill(client, big, alerts, now)
    fill(client, small, 100, now)
    print(f"filled {alerts} + 100 alerts in {time.perf_counter() - started:.1f}s")
    filtered = "/?watchlist=w3&outlet=o07"
    for label, path in (("/", "/"), ("filtered", filtered), ("page 20", "/?page=20")):
        runs = []
        for _ in range(3):
            base = timed_renders(app_for(client, small, tmp), path if path != "/?page=20"
                                 else "/", requests)  # fmt: skip
            full = timed_renders(app_for(client, big, tmp), path, requests)
            runs.append((full, base))
        fulls = sorted(r[0] for r in runs)
        ratios = sorted(r[0] / r[1] for r in runs)
        print(
            f"{label:9} {alerts} alerts: median {statistics.median(fulls):.1f} ms "
            f"(range {fulls[0]:.1f}-{fulls[-1]:.1f}); 100 alerts: "
            f"{statistics.median(r[1] for r in runs):.1f} ms; ratio "
            f"{statistics.median(ratios):.2f} (range {ratios[0]:.2f}-{ratios[-1]:.2f}); "
            "target < 100 ms"
        )
    used = client.info("memory")["used_memory"]
    print(f"Redis memory with both sets: {used / 1e6:.1f} MB")
    client.close()


def memory_bench(url: str, tmp: Path) -> None:
    from tests.newsroom import Newsroom

    with Newsroom(seed=0, articles_per_outlet=20) as room:
        catalogue = room.write_catalogue(tmp / "newsroom.yaml")
        watchlists, _ = files(tmp)
        for web in (True, False):
            port = _free_port()
            command = [sys.executable, "-m", "scheduler.cli", "run", "--outlets", str(catalogue)]
            command += ["--web-address", f"127.0.0.1:{port}"] if web else ["--no-web"]
            env = {
                **os.environ,
                "ATALAIA_REDIS_URL": url,
                "ATALAIA_WATCHLISTS": str(watchlists),
                "ATALAIA_REDIS_PREFIX": f"bench-mem-{web}:",
                "ATALAIA_SITEMAP_WINDOW": "3650d",
            }
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)  # fmt: skip
            try:
                time.sleep(20)
                if web:
                    for path in ("/", "/outlets", "/watchlists/w1", "/metrics"):
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10):
                            pass
                    time.sleep(2)
                print(f"daemon RSS, web app {'on ' if web else 'off'}: {_rss(process.pid):.0f} MB")
            finally:
                process.terminate()
                process.wait(60)


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
