"""The outlet a request is for: the spider's own, or the one an article was attributed to.

A spider crawling outlet A that finds an article of outlet B (a portal's feed listing
a partner's story) sets `request.meta["atalaia_outlet"]` to B; everything that acts
per outlet (extraction's timezone and language, dedupe's pending set, the egress
policy) asks `outlet_of` rather than reading `spider.outlet`.
"""

from __future__ import annotations

from typing import Any, Protocol

from scrapy import Request

from crawler.catalogue import Outlet
from crawler.job import job_of

META_KEY = "atalaia_outlet"


class HasOutlet(Protocol):
    outlet: Outlet


def outlet_of(request: Request | None, spider: HasOutlet) -> Outlet:
    """`request.meta["atalaia_outlet"]` when set, else the spider's outlet."""
    outlet = request.meta.get(META_KEY) if request is not None else None
    return outlet if isinstance(outlet, Outlet) else spider.outlet


def request_outlet(request: Request, spider: Any) -> Outlet | None:
    """The outlet `request` is for: `outlet_of` its pass (crawler.job); for a request
    of no pass, the spider's own `outlet` when it has one (crawler.fetch)."""
    job = job_of(request)
    if job is not None:
        return outlet_of(request, job)
    outlet = getattr(spider, "outlet", None)
    return outlet if isinstance(outlet, Outlet) else None
