"""Crawl benchmark: the full pipeline against a raw Scrapy download of the same pages.

    python -m bench.crawl_bench [--outlets 20] [--articles 500] [--latency 0.2]

Starts a private Redis server and a local newsroom (Arc XP-style outlets, whose
news sitemaps list every article), warms the newsroom's page cache, then in the
same run:

1. raw: one Scrapy crawler per outlet, with Atalaia's crawl settings (robots.txt,
   2 requests at a time per outlet, AutoThrottle) but Scrapy's own HTTP handler
   (no egress policy), that only downloads the pages the full pass downloads (each
   outlet's feeds and sitemaps, its articles, and the non-article links they list:
   video hubs, tag pages, a 404, a soft 404) and throws them away;
2. full: `atalaia crawl` over the same outlets: discovery, URL dedupe, fetch,
   extraction, story dedupe and hand-off to Redis.

Reports the raw crawl's pages/s, the full pass's stories/s, and the ratio of their
times for the same pages (raw seconds / full seconds; target: at least 0.5), and
Redis memory per seen URL (target: under 120 bytes), both as measured on this
crawl and on 200,000 synthetic URLs. (With few articles per outlet, listings and
non-articles are a large part of the pages: comparing stories/s to article
pages/s alone would charge the pipeline for pages the raw crawl never fetched.)

`--latency` is how long each newsroom response takes. Real outlets answer in 100
to 500 ms, so the default is 0.2 s; with 0 the newsroom answers at once, both
crawls become CPU-bound, and on a 2-core machine the newsroom server, the crawl
and the extraction workers compete for the same cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from atalaia.redis_connection import EmbeddedRedis, connect
from atalaia.redis_keys import Keys
from crawler.dedupe.seen_urls import SeenUrls
from tests.newsroom import Newsroom
from tests.newsroom.model import OutletSpec, Style

ROOT = Path(__file__).resolve().parents[1]

RAW_CRAWL = """
import json, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

class Download(scrapy.Spider):
    name = "download"
    def __init__(self, urls, **kwargs):
        super().__init__(**kwargs)
        self.urls = urls
    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True,
                                 meta={"handle_httpstatus_all": True})
    def parse(self, response):
        self.crawler.stats.inc_value("bench/pages")

plan = json.load(open(sys.argv[1]))
settings = Settings()
settings.setmodule("crawler.settings", priority="project")
settings.set("ITEM_PIPELINES", {})
# The newsroom is on 127.0.0.1, which the egress policy refuses to a spider without
# outlets: the raw download goes through Scrapy's own HTTP handler.
settings.set("DOWNLOADER_MIDDLEWARES", {"crawler.egress.middleware.EgressMiddleware": None})
http = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
settings.set("DOWNLOAD_HANDLERS", {"http": http, "https": http})
settings.set("LOG_LEVEL", "ERROR")
process = CrawlerProcess(settings)
crawlers = []
for urls in plan.values():
    crawler = process.create_crawler(Download)
    crawlers.append(crawler)
    process.crawl(crawler, urls=urls)
started = time.monotonic()
process.start()
elapsed = time.monotonic() - started
pages = sum(c.stats.get_value("bench/pages", 0) for c in crawlers)
print(json.dumps({"pages": pages, "seconds": elapsed}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument(
        "--latency", type=float, default=0.2, help="seconds per newsroom response (default 0.2)"
    )
    args = parser.parse_args()
    specs = [OutletSpec(f"bench-{i:02d}", f"Bench {i}", Style.ARCXP) for i in range(args.outlets)]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        redis_server = EmbeddedRedis(work / "redis")
        redis_url = redis_server.start()
        try:
            with Newsroom(
                outlets=specs, articles_per_outlet=args.articles, latency=args.latency
            ) as room:
                catalogue = room.write_catalogue(work / "outlets.yaml")
                plan = {o: _pages(room, o) for o in room.outlets}
                total = sum(len(room.expected(o)) for o in room.outlets)
                print(
                    f"newsroom: {args.outlets} outlets x {args.articles} articles, "
                    f"latency {args.latency}s; warming its page cache...",
                    flush=True,
                )
                _warm(plan)
                raw = _raw_crawl(plan, work)
                full = _full_crawl(catalogue, redis_url, work)
            crawl_memory = _seen_memory(redis_url, total)
        finally:
            redis_server.stop()
        synthetic_memory = _synthetic_memory(work / "redis-synthetic")
    raw_rate = raw["pages"] / raw["seconds"]
    stories = full["totals"]["new_stories"]
    full_rate = stories / full["seconds"]
    print(f"raw download : {raw['pages']} pages in {raw['seconds']:.1f}s = {raw_rate:.0f} pages/s")
    print(
        f"full pipeline: {stories} stories in {full['seconds']:.1f}s = {full_rate:.0f} stories/s"
        f" (errors: {full['totals']['errors']})"
    )
    ratio = raw["seconds"] / full["seconds"]
    print(f"ratio        : {ratio:.2f} (target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'})")
    print(
        f"Redis memory per seen URL: {crawl_memory:.0f} bytes on this crawl, "
        f"{synthetic_memory:.0f} bytes on 200,000 URLs "
        f"(target < 120: {'met' if synthetic_memory < 120 else 'NOT met'})"
    )


def _pages(room: Newsroom, outlet_id: str) -> list[str]:
    """What a full pass of the outlet downloads: its listings and every link in them."""
    entry = room.outlets[outlet_id].catalogue_entry()
    listings = [*entry.get("feeds", []), *entry.get("sitemaps", [])]
    links = [a.url for a in room.expected(outlet_id)]
    links += [n.url for n in room.non_articles(outlet_id)]
    return listings + links


def _warm(plan: dict[str, list[str]]) -> None:
    urls = [url for urls in plan.values() for url in urls]
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(8) as pool:
        list(pool.map(client.get, urls))


def _raw_crawl(plan: dict[str, list[str]], work: Path) -> dict[str, float]:
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan))
    result = subprocess.run(
        [sys.executable, "-c", RAW_CRAWL, str(plan_file)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def _full_crawl(catalogue: Path, redis_url: str, work: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "ATALAIA_REDIS_URL": redis_url,
        "ATALAIA_REDIS_PREFIX": "bench:",
        "ATALAIA_SITEMAP_WINDOW": "3650d",
        "ATALAIA_WATCHLISTS": str(ROOT / "watchlists.yaml"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "crawl", "--json", "--outlets", str(catalogue)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _seen_memory(redis_url: str, urls: int) -> float:
    client = connect(redis_url)
    used = 0
    for key in client.scan_iter(match="bench:seen:*"):
        used += int(client.memory_usage(key, samples=0) or 0)
    return used / max(urls, 1)


def _synthetic_memory(data_dir: Path, count: int = 200_000) -> float:
    server = EmbeddedRedis(data_dir)
    client = connect(server.start())
    try:
        client.config_set("appendonly", "no")
        seen = SeenUrls(client, Keys("bench:"))
        now = time.time()
        before = int(client.info("memory")["used_memory"])
        for start in range(0, count, 1000):
            urls = [f"https://g1.globo.com/mundo/noticia/2026/11/26/artigo-{i}.ghtml"
                    for i in range(start, start + 1000)]  # fmt: skip
            seen.claim("g1", urls, now)
            with client.pipeline(transaction=False) as pipe:
                for url in urls:
                    seen.done("g1", url, now, pipe=pipe)
                pipe.execute()
        client.delete(Keys("bench:").pending("g1"))
        return (int(client.info("memory")["used_memory"]) - before) / count
    finally:
        server.stop()


if __name__ == "__main__":
    main()
