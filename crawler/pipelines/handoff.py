"""Hands each new story to the next stage, then marks its URLs as done.

The story goes through `alerts.intake.accept_story`, the one seam between crawling
and alerting (which adds it to the capped stream of recent stories that `atalaia
replay` reads), in one transaction with marking the story handed on and its URLs
seen: if Redis fails first, none of it happened, the article stays pending and is
fetched again on a later pass, and it is handed on exactly once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from alerts.intake import accept_story
from atalaia.story import Story
from crawler.pipelines.base import CrawlPipeline


class StoryHandoffPipeline(CrawlPipeline):
    def process(self, item: Story) -> Story:
        if not isinstance(item, Story):
            return item
        services = self.services
        article = item.article
        also = [article.canonical_url] if article.canonical_url else []
        watchlists = services.watchlists.current if services.watchlists else None
        with services.client.pipeline(transaction=True) as handoff:  # all or nothing
            alerts = accept_story(
                handoff,
                services.keys,
                item,
                max_recent=services.recent_stories,
                watchlists=watchlists,
                queue=services.alert_queue,
                now=datetime.now(UTC),
            )
            services.stories.mark_handed(handoff, item.id, article.published_at)
            services.seen_urls.done(article.outlet, article.url, time.time(), also, handoff)
            handoff.execute()
        self.count(item, "new_stories")
        for alert in alerts:
            self.count(item, f"matches/{alert.watchlist_id}")
        return item
