"""Run watchlists over recent stories: after adding a watchlist, catch up on what it missed.

Alerts are created only for (watchlist, story) pairs never alerted before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis

from alerts.active_watchlists import Compiled
from alerts.archive import Archive
from alerts.queue import AlertQueue
from atalaia.errors import AtalaiaError
from atalaia.redis_keys import Keys
from atalaia.redis_streams import text
from atalaia.story import Story


class UnknownWatchlist(AtalaiaError):
    pass


@dataclass
class ReplaySummary:
    stories: int = 0
    new_alerts: dict[str, int] = field(default_factory=dict)
    already_alerted: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "stories": self.stories,
            "new_alerts": dict(sorted(self.new_alerts.items())),
            "already_alerted": self.already_alerted,
        }


def replay(
    client: redis.Redis,
    keys: Keys,
    watchlists: Compiled,
    *,
    since: timedelta,
    now: datetime,
    watchlist_id: str | None = None,
    batch: int = 500,
    archive: Archive | None = None,
) -> ReplaySummary:
    """Match the stories first seen in the last `since` and create the missing alerts."""
    if watchlist_id is not None and watchlist_id not in {
        w.id for w in watchlists.config.watchlists
    }:
        known = ", ".join(w.id for w in watchlists.config.watchlists) or "none"
        raise UnknownWatchlist(f"unknown watchlist {watchlist_id!r} (watchlists: {known})")
    queue = AlertQueue(client, keys, archive=archive)
    summary = ReplaySummary()
    start = f"{int((now - since).timestamp() * 1000)}-0"
    stream = keys.recent_stories()
    while True:
        entries = client.xrange(stream, min=start, max="+", count=batch) or []
        for _, fields in entries:
            if not fields:
                continue
            story = Story.from_json(fields[b"story"])
            summary.stories += 1
            for alert in watchlists.alerts_for(story, now):
                if watchlist_id is not None and alert.watchlist_id != watchlist_id:
                    continue
                if queue.create(alert):
                    summary.new_alerts[alert.watchlist_id] = (
                        summary.new_alerts.get(alert.watchlist_id, 0) + 1
                    )
                else:
                    summary.already_alerted += 1
        if len(entries) < batch:
            return summary
        last = entries[-1][0]
        start = "(" + text(last)
