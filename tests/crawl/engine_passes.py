"""Passes on one crawl engine, in a fresh process (Twisted's reactor runs once per process).

    python -m tests.crawl.engine_passes CATALOGUE REDIS_URL PREFIX STEPS [SETTINGS]

STEPS is JSON: a list of steps, each a list of outlet ids crawled at once; a step
starts when the one before has ended. SETTINGS (JSON) are Atalaia settings to apply,
and "close_after": seconds after which the engine is closed, as a daemon that
stops does. Prints JSON: each step's summaries, and how many Scrapy crawlers ran
and exist at the end.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess, Crawler

from atalaia.settings import Settings
from crawler.catalogue import load_catalogue
from crawler.engine import CrawlEngine
from crawler.scrapy_settings import scrapy_settings
from crawler.services import CrawlContext


def main() -> None:
    catalogue_path, redis_url, prefix, steps_json = sys.argv[1:5]
    steps: list[list[str]] = json.loads(steps_json)
    given = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    close_after = given.pop("close_after", None)
    settings = Settings.from_environment(
        outlets_path=Path(catalogue_path), redis_prefix=prefix, sitemap_window="3650d", **given
    )
    catalogue = load_catalogue(settings.outlets_path)
    process = AsyncCrawlerProcess(scrapy_settings(settings, log_level="ERROR"))
    engine = CrawlEngine(process, CrawlContext(settings, redis_url, catalogue=catalogue))
    engine.start()
    report: dict[str, Any] = {"steps": []}

    async def run() -> None:
        if close_after is not None:
            loop = asyncio.get_running_loop()
            loop.call_later(close_after, lambda: loop.create_task(engine.close()))
        try:
            await run_steps()
        except Exception as exc:  # noqa: BLE001 (the test reads it)
            report["error"] = repr(exc)
        engine.finish_after()

    async def run_steps() -> None:
        for step in steps:
            jobs = await asyncio.gather(*(engine.crawl(catalogue.by_id[o]) for o in step))
            report["steps"].append([asdict(job.summary()) | {"finished": job.finished}
                                    for job in jobs])  # fmt: skip
            report["crawlers"] = len(process.crawlers)
        gc.collect()
        report["crawler_objects"] = sum(isinstance(o, Crawler) for o in gc.get_objects())

    running = asyncio.get_event_loop().create_task(run())
    process.start(stop_after_crawl=True)
    assert running.done()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
