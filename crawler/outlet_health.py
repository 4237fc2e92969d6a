"""How each outlet's crawling is going, as kept in Redis, for `atalaia status` and metrics.

The hash `outlet:<id>` (written by crawler.runner.record_outcome after every pass)
holds `last_crawl` and `last_success` (epoch seconds), `last_error` (the first
error message of the last failed pass) and `last_summary` (the last pass's
OutletSummary as JSON). `outlet:<id>:stories:<YYYY-MM-DD>` counts the new stories
of one day, the day taken in the outlet's own timezone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis

from atalaia.redis_connection import Keys
from atalaia.redis_streams import json_object, text

STORIES_DAY_TTL = 8 * 86400
"""How long a day's story counter is worth keeping (a week back, and a day of slack)."""


def stories_today_key(keys: Keys, outlet_id: str, day: date) -> str:
    """The counter of new stories from `outlet_id` on `day` (in the outlet's timezone)."""
    return keys("outlet", outlet_id, "stories", day.isoformat())


def local_day(zone: ZoneInfo, now: float) -> date:
    """The date at the outlet at the moment `now` (epoch seconds)."""
    return datetime.fromtimestamp(now, zone).date()


@dataclass(frozen=True)
class OutletHealth:
    outlet: str
    last_crawl: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    stories_today: int = 0
    last_summary: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """`never` crawled, `ok` (the last pass succeeded) or `failing`."""
        if self.last_crawl is None:
            return "never"
        if self.last_success is not None and self.last_success >= self.last_crawl:
            return "ok"
        return "failing"

    @property
    def last_pass_errors(self) -> int:
        return int(self.last_summary.get("errors", 0) or 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "state": self.state,
            "last_crawl": self.last_crawl,
            "last_success": self.last_success,
            "last_error": self.last_error,
            "stories_today": self.stories_today,
            "last_pass_errors": self.last_pass_errors,
            "last_summary": self.last_summary or None,
        }


def read_outlet_health(
    client: redis.Redis, keys: Keys, outlets: Sequence[tuple[str, ZoneInfo]], now: float
) -> list[OutletHealth]:
    """The health of each `(outlet id, timezone)`, in the order given, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for outlet_id, zone in outlets:
        pipe.hgetall(keys("outlet", outlet_id))
        pipe.get(stories_today_key(keys, outlet_id, local_day(zone, now)))
    replies: list[Any] = pipe.execute()
    return [
        _health(outlet_id, replies[2 * index], replies[2 * index + 1])
        for index, (outlet_id, _) in enumerate(outlets)
    ]


def _health(outlet_id: str, record: dict[bytes, bytes], stories: bytes | None) -> OutletHealth:
    fields = {text(name): text(value) for name, value in record.items()}
    return OutletHealth(
        outlet=outlet_id,
        last_crawl=_seconds(fields.get("last_crawl")),
        last_success=_seconds(fields.get("last_success")),
        last_error=fields.get("last_error") or None,
        stories_today=int(stories or 0),
        last_summary=json_object(fields.get("last_summary")),
    )


def _seconds(raw: str | None) -> float | None:
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return None
