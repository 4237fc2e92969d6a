"""Polling benchmark: what an unchanged outlet costs, against plain httpx conditional GETs.

    python -m bench.poll_bench [--outlets 2000] [--passes 3] [--no-validators 0.25]

Starts a private Redis server and a local newsroom of N WordPress-style outlets
(one feed each, one article each), then, in two fresh processes of the same run:

1. httpx: an `httpx.AsyncClient` per outlet (cheaper than one shared by all: its
   pool scans every connection on each request) GETs every feed once, keeps its
   ETag and Last-Modified in memory, then re-polls every feed `--passes` times with
   If-None-Match / If-Modified-Since (the least a poller can do);
2. scrapy, for reference: the same conditional GETs from one bare Scrapy spider
   (none of Atalaia's components), to show what Scrapy itself costs;
3. atalaia: what the daemon's crawler role does per poll, on one crawl engine:
   the scheduler's job is queued in the `crawl-jobs` stream, taken, crawled
   (discovery, dedupe, validators, source records) and acknowledged; one cold
   pass (every article is new) and then `--passes` warm ones.

A fraction of the outlets (`--no-validators`, default a quarter) send no ETag
or Last-Modified, as many real feeds do: they answer 200 with the same body on
every poll.

Reports, for each warm pass, the CPU seconds each process spent (user + system,
of that process alone: the newsroom and Redis run elsewhere), CPU per poll, the
ratio atalaia/httpx (target: at most 2), and how many outlets one core, and
half a core, could keep at a 5-minute interval at atalaia's rate (target: 10,000
in half a core). The figure is the median of the warm passes with their range.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
INTERVAL = 300.0  # seconds: the 5-minute interval of the target
HTTP11 = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outlets", type=int, default=2000)
    parser.add_argument("--passes", type=int, default=3, help="warm passes (default 3)")
    parser.add_argument(
        "--no-validators", type=float, default=0.25,
        help="fraction of outlets whose feeds send no ETag / Last-Modified (default 0.25)",
    )  # fmt: skip
    parser.add_argument(
        "--concurrency", type=int, default=64,
        help="outlets polled at once, by both pollers (default 64)",
    )  # fmt: skip
    parser.add_argument("--worker", choices=["httpx", "scrapy", "atalaia"], help=argparse.SUPPRESS)
    parser.add_argument("--catalogue", help=argparse.SUPPRESS)
    parser.add_argument("--redis", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "httpx":
        print(json.dumps(asyncio.run(_httpx_passes(Path(args.catalogue), args))))
        return
    if args.worker == "scrapy":
        print(json.dumps(_scrapy_passes(Path(args.catalogue), args)))
        return
    if args.worker == "atalaia":
        print(json.dumps(_atalaia_passes(Path(args.catalogue), args.redis, args)))
        return
    _compare(args)


def _compare(args: argparse.Namespace) -> None:
    from atalaia.redis_connection import EmbeddedRedis
    from tests.newsroom import Newsroom
    from tests.newsroom.model import OutletSpec, Style

    specs = [
        OutletSpec(f"poll-{i:05d}", f"Poll {i}", Style.WORDPRESS, non_articles=False)
        for i in range(args.outlets)
    ]
    plain = round(args.outlets * args.no_validators)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        redis_server = EmbeddedRedis(work / "redis")
        redis_url = redis_server.start()
        try:
            # Idle outlet servers wake up once a second, not 20 times: 2,000 of them
            # would otherwise take a core from the pollers.
            with Newsroom(outlets=specs, articles_per_outlet=1, poll_interval=1.0) as room:
                for spec in specs[:plain]:
                    room.set_validators(spec.id, False)
                catalogue = room.write_catalogue(work / "outlets.yaml")
                print(
                    f"newsroom: {args.outlets} outlets, one feed each ({plain} without "
                    f"validators); {args.passes} warm passes, {args.concurrency} at once",
                    flush=True,
                )
                httpx_run = _worker("httpx", catalogue, redis_url, args)
                scrapy_run = _worker("scrapy", catalogue, redis_url, args)
                atalaia_run = _worker("atalaia", catalogue, redis_url, args)
        finally:
            redis_server.stop()
    _report(args, httpx_run, scrapy_run, atalaia_run)


def _worker(
    kind: str, catalogue: Path, redis_url: str, args: argparse.Namespace
) -> list[dict[str, Any]]:
    command = [
        sys.executable, "-m", "bench.poll_bench", "--worker", kind,
        "--catalogue", str(catalogue), "--redis", redis_url,
        "--passes", str(args.passes), "--concurrency", str(args.concurrency),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(f"the {kind} poller failed:\n{result.stderr[-3000:]}")
    passes: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    for number, one in enumerate(passes):
        label = "cold" if number == 0 else f"warm {number}"
        extra = "".join(f", {k} {v}" for k, v in one.get("counts", {}).items())
        print(
            f"  {kind:8} {label:7}: {one['polls']} polls, {one['cpu']:.2f} s CPU, "
            f"{one['wall']:.1f} s{extra}",
            flush=True,
        )
    return passes


def _report(
    args: argparse.Namespace,
    httpx_run: list[dict[str, Any]],
    scrapy_run: list[dict[str, Any]],
    atalaia_run: list[dict[str, Any]],
) -> None:
    def per_poll(run: list[dict[str, Any]]) -> list[float]:
        return [one["cpu"] / one["polls"] for one in run[1:]]

    plain, bare, ours = per_poll(httpx_run), per_poll(scrapy_run), per_poll(atalaia_run)
    ratios = [a / h for a, h in zip(ours, plain, strict=True)]
    ratio = statistics.median(ratios)
    ms = statistics.median(ours) * 1000
    core = INTERVAL / statistics.median(ours)
    print(
        f"CPU per warm poll: httpx {statistics.median(plain) * 1000:.2f} ms, bare Scrapy "
        f"{statistics.median(bare) * 1000:.2f} ms, atalaia {ms:.2f} ms "
        f"(range {min(ours) * 1000:.2f}-{max(ours) * 1000:.2f})"
    )
    scrapy_ratio = statistics.median(b / h for b, h in zip(bare, plain, strict=True))
    print(f"ratio bare Scrapy/httpx: {scrapy_ratio:.2f} (for reference)")
    print(
        f"ratio atalaia/httpx: {ratio:.2f} (range {min(ratios):.2f}-{max(ratios):.2f}; "
        f"target <= 2: {'met' if ratio <= 2 else 'NOT met'})"
    )
    print(
        f"outlets at a 5-minute interval: {core:,.0f} per core, {core / 2:,.0f} per half core "
        f"(target 10,000 in half a core: {'met' if core / 2 >= 10_000 else 'NOT met'})"
    )


def _cpu() -> float:
    usage = os.times()
    return usage.user + usage.system


async def _httpx_passes(catalogue: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    import httpx
    import yaml

    outlets = yaml.safe_load(catalogue.read_text(encoding="utf-8"))["outlets"]
    feeds = [feed for outlet in outlets for feed in outlet.get("feeds", [])]
    validators: dict[str, dict[str, str]] = {}
    gate = asyncio.Semaphore(args.concurrency)
    # One client per outlet: httpx's pool scans all its connections on every request,
    # so one client shared by thousands of hosts costs several times more per poll.
    clients = {url: httpx.AsyncClient(timeout=30) for url in feeds}
    passes = []

    async def poll(url: str) -> int:
        async with gate:
            response = await clients[url].get(url, headers=validators.get(url, {}))
        kept = {}
        if etag := response.headers.get("ETag"):
            kept["If-None-Match"] = etag
        if modified := response.headers.get("Last-Modified"):
            kept["If-Modified-Since"] = modified
        validators[url] = kept
        return response.status_code

    for _ in range(args.passes + 1):
        cpu, wall = _cpu(), time.monotonic()
        statuses = await asyncio.gather(*(poll(url) for url in feeds))
        passes.append({
            "polls": len(feeds),
            "cpu": _cpu() - cpu,
            "wall": time.monotonic() - wall,
            "counts": {"304": statuses.count(304), "200": statuses.count(200)},
        })  # fmt: skip
    for client in clients.values():
        await client.aclose()
    return passes


def _scrapy_passes(catalogue_path: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Scrapy alone, for reference: the same conditional GETs from one spider, with
    Atalaia's Scrapy settings but none of its components (no robots.txt, egress
    policy, AutoThrottle, item pipelines, Redis), one download slot per outlet."""
    import scrapy
    import yaml
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.http import Response
    from scrapy.settings import Settings

    outlets = yaml.safe_load(catalogue_path.read_text(encoding="utf-8"))["outlets"]
    feeds = [feed for outlet in outlets for feed in outlet.get("feeds", [])]
    validators: dict[str, dict[str, bytes]] = {}
    passes: list[dict[str, Any]] = []

    class Poll(scrapy.Spider):
        name = "poll"
        left = 0
        ended = asyncio.Event()

        async def start(self) -> Any:
            for _ in range(args.passes + 1):
                self.left, self.ended = len(feeds), asyncio.Event()
                cpu, wall = _cpu(), time.monotonic()
                for url in feeds:
                    yield scrapy.Request(
                        url, self.parse, headers=validators.get(url, {}), dont_filter=True,
                        meta={"handle_httpstatus_list": [304], "download_slot": url},
                    )  # fmt: skip
                await self.ended.wait()
                passes.append({"polls": len(feeds), "cpu": _cpu() - cpu,
                               "wall": time.monotonic() - wall})  # fmt: skip

        def parse(self, response: Response) -> None:
            kept = {}
            if etag := response.headers.get("ETag"):
                kept["If-None-Match"] = etag
            if modified := response.headers.get("Last-Modified"):
                kept["If-Modified-Since"] = modified
            validators[response.url] = kept
            self.left -= 1
            if self.left == 0:
                self.ended.set()

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update({
        "LOG_LEVEL": "ERROR", "ITEM_PIPELINES": {}, "DOWNLOADER_MIDDLEWARES": {},
        "ROBOTSTXT_OBEY": False, "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_HANDLERS": {"http": HTTP11, "https": HTTP11},  # Scrapy's own
    }, priority="cmdline")  # fmt: skip
    settings.set("DOWNLOADER_MIDDLEWARES", {
        "crawler.egress.middleware.EgressMiddleware": None,
        "crawler.slots.OutletSlotMiddleware": None,
        "crawler.robots.ExpiringRobotsTxtMiddleware": None,
    }, priority="cmdline")  # fmt: skip
    process = AsyncCrawlerProcess(settings)
    process.crawl(Poll)
    process.start()
    return passes


def _atalaia_passes(catalogue_path: Path, redis_url: str, args: argparse.Namespace) -> Any:
    """The daemon's crawler role (scheduler.daemon), fed by the scheduler's enqueue."""
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import reactor

    from alerts.active_watchlists import ActiveWatchlists
    from atalaia.settings import Settings
    from crawler.catalogue import load_catalogue
    from crawler.summary import OutletSummary
    from scheduler.daemon import Daemon, DaemonOptions
    from scheduler.metrics import Metrics

    settings = Settings.from_environment(
        outlets_path=catalogue_path,
        redis_url=redis_url,
        redis_prefix="poll:",
        sitemap_window="3650d",
        watchlists_path=ROOT / "watchlists.yaml",
    )
    catalogue = load_catalogue(settings.outlets_path)
    metrics = Metrics()
    options = DaemonOptions(roles=frozenset({"crawler"}), crawl_concurrency=args.concurrency)
    daemon = Daemon(
        settings, catalogue, ActiveWatchlists(settings.watchlists_path), redis_url, metrics,
        options,
    )  # fmt: skip
    passes: list[dict[str, Any]] = []
    failure: list[BaseException] = []
    ended: list[OutletSummary] = []
    counted = metrics.crawl_finished

    def crawl_finished(summary: OutletSummary) -> None:
        ended.append(summary)
        counted(summary)

    metrics.crawl_finished = crawl_finished  # type: ignore[method-assign]

    async def drive(stop: asyncio.Event) -> None:
        try:
            profile = os.environ.get("POLL_BENCH_PROFILE")  # a file: warm passes profiled
            profiler = cProfile.Profile(time.process_time) if profile else None
            for number in range(args.passes + 1):
                if profiler is not None and number == 1:
                    profiler.enable()
                passes.append(await one_pass())
            if profiler is not None and profile:
                profiler.disable()
                profiler.dump_stats(profile)
        except BaseException as exc:  # noqa: BLE001 (reported by the parent)
            failure.append(exc)
        stop.set()

    async def one_pass() -> dict[str, Any]:
        cpu, wall = _cpu(), time.monotonic()
        ended.clear()
        for outlet in catalogue.outlets:  # what the scheduler's leader does, per outlet
            await daemon.jobs.enqueue(outlet.id, time.time())
        while len(ended) < len(catalogue.outlets) or await daemon.client.exists(
            *(daemon.keys.crawl_job(o.id) for o in catalogue.outlets)
        ):  # every pass ended and its job acknowledged
            await asyncio.sleep(0.05)
        counts = {
            "not_modified": sum(s.not_modified for s in ended),
            "new_stories": sum(s.new_stories for s in ended),
            "errors": sum(s.errors for s in ended),
        }
        polls = sum(len(outlet.feeds) for outlet in catalogue.outlets)
        return {"polls": polls, "cpu": _cpu() - cpu, "wall": time.monotonic() - wall,
                "counts": counts}  # fmt: skip

    async def main() -> None:
        stop = asyncio.Event()
        await asyncio.gather(daemon.run(stop), drive(stop))
        cast(Any, reactor).stop()

    asyncio.get_event_loop().create_task(main())
    cast(Any, reactor).run(installSignalHandlers=False)
    if failure:
        raise failure[0]
    return passes


if __name__ == "__main__":
    main()
