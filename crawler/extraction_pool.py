"""Article extraction in worker processes, so the crawl's event loop never waits on it.

Parsing and extracting a page costs a few milliseconds of CPU; done in the event
loop it would cap the crawl at one core and delay everything else the loop does
(downloads, Redis, alert delivery). The pool is shared by every crawler of the
process and created on first use.

A worker that dies (killed, out of memory, crashed by a page) breaks the whole
pool: it is replaced at once and the article tried once more in the new pool; if
that breaks too, the page is the likely cause and `ExtractionCrashed` is raised
for it. Each break is reported to `HEALTH`, so /healthz shows an extraction stage
whose workers keep dying.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from atalaia.article import NotAnArticle
from atalaia.stage_health import StageHealth
from crawler.dedupe.stories import signature_of
from crawler.extraction.page import extract_article
from crawler.items import ExtractedArticle

log = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
_workers: int | None = None

HEALTH = StageHealth()
"""This process's extraction health: a failure per broken pool."""
STAGE = "extraction"


class ExtractionCrashed(Exception):
    """The page's extraction killed a worker process twice in a row."""


def default_workers() -> int:
    """One worker per core but the one the event loop runs on (at least one)."""
    return max(1, (os.cpu_count() or 2) - 1)


async def extract_in_pool(
    html: bytes,
    url: str,
    *,
    outlet: str,
    timezone: str,
    language: str,
    declared_charset: str | None,
    workers: int,
    listed_at: datetime | None = None,
    now: datetime | None = None,
    hubs: Sequence[str] = (),
) -> ExtractedArticle:
    """`extract_article` and the story fingerprint, in a worker process (in this one
    when `workers` is 0)."""
    call = functools.partial(
        _extract,
        html,
        url,
        outlet=outlet,
        timezone=timezone,
        language=language,
        declared_charset=declared_charset,
        listed_at=listed_at,
        now=now,
        hubs=tuple(hubs),
    )
    result = call() if workers == 0 else await _in_pool(call, url, workers)
    if isinstance(result, str):
        raise NotAnArticle(url, result)
    return result


def _extract(
    html: bytes,
    url: str,
    *,
    outlet: str,
    timezone: str,
    language: str,
    declared_charset: str | None,
    listed_at: datetime | None = None,
    now: datetime | None = None,
    hubs: tuple[str, ...] = (),
) -> ExtractedArticle | str:
    """The article, or why the page is not one (exceptions with fields do not pickle)."""
    try:
        article = extract_article(
            html,
            url,
            outlet=outlet,
            timezone=timezone,
            language=language,
            declared_charset=declared_charset,
            listed_at=listed_at,
            now=now,
            hubs=hubs,
        )
    except NotAnArticle as exc:
        return exc.reason
    return ExtractedArticle(article, tuple(signature_of(article.title, article.body)))


async def _in_pool(
    call: functools.partial[ExtractedArticle | str], url: str, workers: int
) -> ExtractedArticle | str:
    """Run `call` in the pool; a broken pool is replaced and the call made once more."""
    loop = asyncio.get_running_loop()
    pool = _shared_pool(workers)
    try:
        return await loop.run_in_executor(pool, call)
    except BrokenProcessPool:
        _replace_broken(pool, url)
    pool = _shared_pool(workers)
    try:
        return await loop.run_in_executor(pool, call)
    except BrokenProcessPool:
        _replace_broken(pool, url)
        raise ExtractionCrashed(
            "the extraction worker died twice on this page (a page that crashes it?)"
        ) from None


def _replace_broken(pool: ProcessPoolExecutor, url: str) -> None:
    """Drop `pool` (if it is still the shared one) so the next call starts a new one."""
    global _pool
    if _pool is not pool:
        return  # another extraction of the same broken pool replaced it already
    _pool = None
    pool.shutdown(wait=False, cancel_futures=True)
    HEALTH.failed(STAGE, "an extraction worker process died", time.time())
    log.warning("an extraction worker process died (while extracting %s); pool replaced", url)


def _shared_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _workers
    if _pool is None or _workers != workers:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        # Workers start from a fresh interpreter: forking a process that runs an
        # event loop, threads and Redis connections is not safe.
        _pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        _workers = workers
    return _pool


def _watch_parent(parent: int) -> None:
    """In a worker: leave Ctrl-C to the crawl process (which stops the pool), and
    exit when the crawl process is gone (killed with SIGKILL, say) rather than
    linger as an orphan."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


@atexit.register
def _shutdown() -> None:
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
