"""Article extraction in worker processes, so the crawl's event loop never waits on it.

Parsing and extracting a page costs a few milliseconds of CPU; done in the event
loop it would cap the crawl at one core and delay everything else the loop does
(downloads, Redis, alert delivery). The pool is shared by every crawler of the
process and created on first use.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from atalaia.article import NotAnArticle
from crawler.dedupe.stories import signature_of
from crawler.extraction.page import extract_article
from crawler.items import ExtractedArticle

_pool: ProcessPoolExecutor | None = None
_workers: int | None = None


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
    result = (
        call()
        if workers == 0
        else await asyncio.get_running_loop().run_in_executor(_shared_pool(workers), call)
    )
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
