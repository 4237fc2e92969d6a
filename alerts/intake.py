"""Where new stories enter the alerting side: the one seam between crawling and alerts.

Every new story is appended to the capped stream of recent stories (what `atalaia
replay` reads) and matched against the watchlists in force; each match becomes an
alert on the alert queue. All of it is queued in the caller's transaction, so it
happens once or not at all.
"""

from __future__ import annotations

from datetime import datetime

import redis

from alerts.active_watchlists import Compiled
from alerts.alert import Alert
from alerts.archive import STORY_SCRIPT
from alerts.queue import AlertQueue
from atalaia.redis_keys import Keys
from atalaia.story import Story


def accept_story(
    pipe: redis.client.Pipeline,
    keys: Keys,
    story: Story,
    *,
    max_recent: int,
    watchlists: Compiled | None,
    queue: AlertQueue,
    now: datetime,
) -> list[Alert]:
    """Queue, in the caller's transaction, what a new story sets off; returns its alerts.

    The story is kept (alerts.archive: the recent-stories stream, its index and the
    day's count) for the alert queue's `keep_for`.
    """
    script_keys, args = queue.archive.story_arguments(story, max_recent)
    pipe.eval(STORY_SCRIPT, len(script_keys), *script_keys, *args)
    alerts = watchlists.alerts_for(story, now) if watchlists is not None else []
    for alert in alerts:
        queue.queue_create(pipe, alert)
    return alerts
