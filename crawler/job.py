"""One outlet's pass inside a long-lived crawl: its counters, claims and sources.

The crawl engine (crawler.engine) runs many passes on one Scrapy crawler, so what a
pass did cannot live in the crawler's stats or on the spider: each request carries
its pass in `request.meta["atalaia_job"]`, and everything that counts asks it.

A pass is finished when nothing of it is outstanding: every request it handed to
Scrapy has had its callback or errback run to the end, and every item it yielded
has left the item pipelines. `outstanding` counts both; it starts at one, held
while the pass's first requests are made.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from scrapy import Request

from crawler.catalogue import Outlet
from crawler.poll_state import PollState
from crawler.source_health import SourcePass
from crawler.summary import OutletSummary

META_KEY = "atalaia_job"
MAX_MESSAGES = 20

logger = logging.getLogger("outlet")  # the spider's logger: failures read as before


class Job:
    """One pass over `outlet`; `on_finished` is called once, when it ends."""

    def __init__(self, outlet: Outlet, on_finished: Callable[[Job], None] | None = None) -> None:
        self.outlet = outlet
        self.stats: dict[str, Any] = {}  # `atalaia/<counter>`, as OutletSummary reads them
        self.claimed: dict[str, set[str]] = {}  # per outlet id (attributed articles too)
        self.source_passes: dict[str, SourcePass] = {}  # per configured source URL
        self.poll = PollState()  # the outlet's validators and source records (read at start)
        self.due: list[str] | None = None  # its articles due again, once read with `poll`
        # Sources requested before the pass reached the crawl (crawler.quick_poll): the
        # request to send for each, its download's outcome in its meta.
        self.prefetched: dict[str, Request] = {}
        self.outstanding = 1
        self.started = time.monotonic()
        self.seconds: float | None = None
        self.finished: bool | None = None  # True: ran to its end; False: stopped
        self.stop_reason = ""
        self._on_finished = on_finished

    def __repr__(self) -> str:
        return f"<Job {self.outlet.id} outstanding={self.outstanding}>"

    # What the pass did ----------------------------------------------------------

    def count(self, name: str, value: int = 1) -> None:
        key = f"atalaia/{name}"
        self.stats[key] = self.stats.get(key, 0) + value

    def count_refusal(self, kind: str) -> None:
        """Count a page refused as not an article, in all and by its kind of reason."""
        self.count("non_articles")
        self.count(f"non_articles/{kind}")

    def note_error(self, message: str, *, log: bool = True) -> None:
        """Count an error of this outlet, keep its message for the summary and log it
        (one WARNING line, unless it was logged already)."""
        self.count("errors")
        self._keep("atalaia/error_messages", message)
        if log:
            logger.warning("%s: %s", self.outlet.id, message)

    def note_warning(self, message: str) -> None:
        """Keep a warning of this pass for the summary (counted by the caller)."""
        self._keep("atalaia/warning_messages", message)
        logger.warning("%s: %s", self.outlet.id, message)

    def note_unexpected(self) -> None:
        """An exception a callback did not handle (Scrapy logged it)."""
        self.stats["spider_exceptions/count"] = self.stats.get("spider_exceptions/count", 0) + 1

    def hold(self, outlet_id: str, urls: Iterable[str]) -> None:
        """Article URLs this pass claimed: released at its end if not done."""
        self.claimed.setdefault(outlet_id, set()).update(urls)

    def source_pass(self, source: str) -> SourcePass:
        return self.source_passes.setdefault(source, SourcePass())

    def _keep(self, key: str, message: str) -> None:
        messages = self.stats.setdefault(key, [])
        if len(messages) < MAX_MESSAGES:
            messages.append(message)

    # Its end --------------------------------------------------------------------

    def started_one(self) -> None:
        """A request or item of this pass was handed to Scrapy (crawler.job_spider
        counts them down)."""
        self.outstanding += 1

    def end(self, *, finished: bool, reason: str = "finished") -> None:
        """The pass is over (`finished`: ran to its end); calls `on_finished` once."""
        if self.finished is not None:
            return
        self.finished = finished
        self.stop_reason = reason
        self.seconds = time.monotonic() - self.started
        if self._on_finished is not None:
            self._on_finished(self)

    def summary(self) -> OutletSummary:
        seconds = self.seconds if self.seconds is not None else time.monotonic() - self.started
        return OutletSummary.from_stats(self.outlet.id, self.stats, seconds)


def job_of(request: Request | None) -> Job | None:
    """The pass a request belongs to (None for Scrapy's own, such as robots.txt)."""
    job = request.meta.get(META_KEY) if request is not None else None
    return job if isinstance(job, Job) else None
