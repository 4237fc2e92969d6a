"""The outlet a request is for: the one named in its meta, or the spider's own."""

from __future__ import annotations

from typing import Any

from scrapy import Request

from crawler.catalogue import Outlet


def outlet_of(request: Request, spider: Any) -> Outlet | None:
    """`request.meta["atalaia_outlet"]` (an article attributed to another outlet of the
    catalogue), else the spider's outlet; None for a spider without one."""
    outlet = request.meta.get("atalaia_outlet") or getattr(spider, "outlet", None)
    return outlet if isinstance(outlet, Outlet) else None
