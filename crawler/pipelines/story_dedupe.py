"""Story dedupe: an article is a new story, or a copy of one already seen.

A copy on another outlet (a syndicated wire story) is recorded on the first story
as `also_in`; a copy on the same outlet (the same article under another URL) is
only counted. Either way the copy goes no further, and its URLs are marked seen.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from scrapy.exceptions import DropItem

from atalaia.article import Article
from atalaia.story import Story
from crawler.dedupe.stories import story_id_for
from crawler.pipelines.base import CrawlPipeline
from crawler.urls import canonical_url


class StoryDedupePipeline(CrawlPipeline):
    def process(self, item: Article) -> Story | Article:
        if not isinstance(item, Article):
            return item
        now = time.time()
        canonical = canonical_url(item.canonical_url or item.url)
        addresses = [item.canonical_url] if item.canonical_url else []
        seen = self.services.seen_urls
        if (
            item.canonical_url
            and canonical_url(item.url) != canonical
            and seen.is_seen(item.canonical_url, now)
        ):
            seen.done(item.outlet, item.url, now)
            self.count("duplicates")
            raise DropItem(f"{item.url}: same page as {item.canonical_url}", log_level="DEBUG")
        verdict = self.services.stories.register(
            story_id_for(canonical), item.outlet, item.url, item.title, item.body, now
        )
        if not verdict.new:
            seen.done(item.outlet, item.url, now, also=addresses)
            self.count("duplicates")
            if verdict.first_outlet != item.outlet:
                self.count("syndicated")
            raise DropItem(
                f"{item.url}: copy of story {verdict.story_id} ({verdict.first_url})",
                log_level="DEBUG",
            )
        return Story(id=verdict.story_id, article=item, first_seen=datetime.fromtimestamp(now, UTC))
