"""Where new stories enter the alerting side: the one seam between crawling and alerts.

Every new story is appended to the capped stream of recent stories, which
`atalaia replay` and later stages read.
"""

from __future__ import annotations

import redis

from atalaia.redis_connection import Keys
from atalaia.story import Story


def recent_stories_key(keys: Keys) -> str:
    return keys("stories")


def accept_story(client: redis.Redis, keys: Keys, story: Story, *, max_recent: int) -> str:
    """Record `story` as new; returns its entry id in the recent-stories stream."""
    entry = client.xadd(
        recent_stories_key(keys),
        {"story": story.to_json(), "outlet": story.article.outlet},
        maxlen=max_recent,
        approximate=True,
    )
    return entry.decode() if isinstance(entry, bytes) else str(entry)
