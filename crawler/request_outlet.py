"""The outlet a request is for: its own, or another catalogue outlet it was attributed to."""

from __future__ import annotations

from typing import Any

from crawler.catalogue import Outlet


def outlet_of(request: Any, spider: Any) -> Outlet:
    """`request.meta["atalaia_outlet"]` when the spider set one (a link attributed to
    another outlet of the catalogue), else the spider's own outlet."""
    meta = getattr(request, "meta", None) or {}
    outlet = meta.get("atalaia_outlet")
    return outlet if isinstance(outlet, Outlet) else spider.outlet
