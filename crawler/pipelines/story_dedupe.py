"""Story dedupe: an article is a new story, or a copy of one already seen.

A copy on another outlet (a syndicated wire story) is recorded on the first story
as `also_in`; a copy on the same outlet (the same article under another URL) is
only counted. Either way the copy goes no further, and its URLs are marked seen.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from scrapy.exceptions import DropItem

from atalaia.story import Story
from crawler.dedupe.stories import story_id_for
from crawler.items import ExtractedArticle
from crawler.pipelines.base import CrawlPipeline
from crawler.urls import canonical_url


class StoryDedupePipeline(CrawlPipeline):
    def process(self, item: ExtractedArticle) -> Story | ExtractedArticle:
        if not isinstance(item, ExtractedArticle):
            return item
        article, now = item.article, time.time()
        canonical = canonical_url(article.canonical_url or article.url)
        addresses = [article.canonical_url] if article.canonical_url else []
        seen = self.services.seen_urls
        if (
            article.canonical_url
            and canonical_url(article.url) != canonical
            and seen.is_seen(article.canonical_url, now)
        ):
            seen.done(article.outlet, article.url, now)
            self.count(item, "duplicates")
            raise DropItem(
                f"{article.url}: same page as {article.canonical_url}", log_level="DEBUG"
            )
        verdict = self.services.stories.register(
            story_id_for(canonical), article.outlet, article.url, item.signature, now
        )
        if not verdict.new:
            seen.done(article.outlet, article.url, now, also=addresses)
            self.count(item, "duplicates")
            if verdict.first_outlet != article.outlet:
                self.count(item, "syndicated")
            raise DropItem(
                f"{article.url}: copy of story {verdict.story_id} ({verdict.first_url})",
                log_level="DEBUG",
            )
        return Story(
            id=verdict.story_id, article=article, first_seen=datetime.fromtimestamp(now, UTC)
        )
