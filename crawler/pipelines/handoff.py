"""Hands each new story to the next stage, then marks its URLs as done.

The story joins the capped stream of recent stories (what `atalaia replay` reads)
and goes through `alerts.intake.accept_story`, the one seam between crawling and
alerting. Its URLs are marked seen only after that, so a failure before this point
leaves the article pending and it is fetched again on a later pass.
"""

from __future__ import annotations

import time

from scrapy import Spider
from scrapy.crawler import Crawler

from alerts.intake import accept_story
from atalaia.story import Story
from crawler.services import CrawlServices, services_for


class StoryHandoffPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoryHandoffPipeline:
        return cls(crawler)

    @property
    def services(self) -> CrawlServices:
        return services_for(self.crawler)

    def process_item(self, item: Story, spider: Spider | None = None) -> Story:
        if not isinstance(item, Story):
            return item
        services = self.services
        accept_story(services.client, services.keys, item, max_recent=services.recent_stories)
        article = item.article
        also = [article.canonical_url] if article.canonical_url else []
        services.seen_urls.done(article.outlet, article.url, time.time(), also=also)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("atalaia/new_stories")
        return item
