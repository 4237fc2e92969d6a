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


def accept_story(pipe: redis.client.Pipeline, keys: Keys, story: Story, *, max_recent: int) -> None:
    """Queue, in the caller's transaction, what a new story sets off."""
    pipe.xadd(
        recent_stories_key(keys),
        {"story": story.to_json(), "outlet": story.article.outlet},
        maxlen=max_recent,
        approximate=True,
    )
