"""Memory benchmark: does a crawler process grow with the number of outlet passes it runs?

    python -m bench.memory_bench [--outlets 20] [--jobs 1000] [--concurrency 4] [--runs 3]

Starts a private Redis server and a local newsroom, then, in a fresh process, runs
`--jobs` outlet passes on one crawl engine the way the daemon's crawler role does
(scheduler.outlet_crawls: `--concurrency` at a time, each recorded in Redis), round
robin over the outlets: the first pass of each finds its articles, the rest find
their feeds unchanged. Reports the process's resident memory after 100 passes and
after all of them (target: within 10%), median of `--runs` runs with their range.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from atalaia.redis_connection import EmbeddedRedis
from tests.newsroom import Newsroom
from tests.newsroom.model import OutletSpec, Style

ROOT = Path(__file__).resolve().parents[1]
EARLY = 100  # passes after which memory is first measured
STYLES = [Style.WORDPRESS, Style.ARCXP, Style.GLOBO, Style.ATOM]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("CATALOGUE", "REDIS_URL", "PREFIX"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.child:
        _child(*args.child, jobs=args.jobs, concurrency=args.concurrency)
        return
    specs = [
        OutletSpec(f"mem-{i:02d}", f"Mem {i}", STYLES[i % len(STYLES)]) for i in range(args.outlets)
    ]
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        server = EmbeddedRedis(work / "redis")
        redis_url = server.start()
        try:
            with Newsroom(outlets=specs, articles_per_outlet=5) as room:
                catalogue = room.write_catalogue(work / "outlets.yaml")
                for run in range(args.runs):
                    result = _run(catalogue, redis_url, f"mem{run}:", args)
                    print(
                        f"run {run + 1}: {result['early_mib']:.1f} MiB after {EARLY} passes, "
                        f"{result['late_mib']:.1f} MiB after {args.jobs} "
                        f"({result['growth'] * 100:+.1f}%) in {result['seconds']:.0f}s",
                        flush=True,
                    )
                    results.append(result)
        finally:
            server.stop()
    growths = [r["growth"] for r in results]
    median = statistics.median(growths)
    print(
        f"growth from {EARLY} to {args.jobs} passes: median {median * 100:+.1f}% "
        f"(range {min(growths) * 100:+.1f}% to {max(growths) * 100:+.1f}%; "
        f"target within 10%: {'met' if abs(median) <= 0.10 else 'NOT met'})"
    )


def _run(catalogue: Path, redis_url: str, prefix: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {**os.environ, "ATALAIA_SITEMAP_WINDOW": "3650d"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.memory_bench", "--jobs", str(args.jobs),
         "--concurrency", str(args.concurrency), "--child", str(catalogue), redis_url, prefix],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def _child(
    catalogue_path: str, redis_url: str, prefix: str, *, jobs: int, concurrency: int
) -> None:
    """Run the passes on one engine in this process and print its memory as JSON."""
    import asyncio
    import gc
    import time

    from scrapy.crawler import AsyncCrawlerProcess

    from atalaia.redis_connection import connect
    from atalaia.redis_keys import Keys
    from atalaia.settings import Settings
    from crawler.catalogue import Outlet, load_catalogue
    from crawler.engine import CrawlEngine
    from crawler.scrapy_settings import scrapy_settings
    from crawler.services import CrawlContext
    from scheduler.outlet_crawls import OutletCrawls

    settings = Settings.from_environment(outlets_path=Path(catalogue_path), redis_prefix=prefix)
    catalogue = load_catalogue(settings.outlets_path)
    process = AsyncCrawlerProcess(scrapy_settings(settings, log_level="ERROR"))
    engine = CrawlEngine(process, CrawlContext(settings, redis_url, catalogue=catalogue))
    engine.start()
    client = connect(redis_url)
    crawls = OutletCrawls(engine, client, Keys(prefix))
    outlets = catalogue.enabled

    async def crawl(outlet: Outlet) -> None:
        summary, _ = await crawls.crawl(outlet)
        pipe = client.pipeline()  # its outcome, as the daemon writes it with its job's ack
        crawls.recorder(outlet, summary)(pipe)
        pipe.execute()

    report: dict[str, Any] = {}

    async def run() -> None:
        started = time.monotonic()
        queue = [outlets[i % len(outlets)] for i in range(jobs)]
        done = 0
        while queue:
            batch, queue = queue[:concurrency], queue[concurrency:]
            await asyncio.gather(*(crawl(outlet) for outlet in batch))
            done += len(batch)
            if "early" not in report and done >= EARLY:
                gc.collect()
                report["early"] = _rss()
        gc.collect()
        report["late"] = _rss()
        report["seconds"] = time.monotonic() - started
        engine.finish_after()

    running = asyncio.get_event_loop().create_task(run())
    process.start(stop_after_crawl=True)
    assert running.done() and "late" in report, "the passes did not all run"
    early, late = report["early"], report["late"]
    print(json.dumps({
        "early_mib": early / 2**20, "late_mib": late / 2**20,
        "growth": (late - early) / early, "seconds": report["seconds"],
    }))  # fmt: skip


def _rss() -> int:
    """This process's resident memory, in bytes (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


if __name__ == "__main__":
    main()
