"""What a crawl is given, and the Redis-backed services built from it.

A `CrawlContext` (Atalaia's settings, the Redis URL, the watchlists and catalogue
the run loaded) is set once on each Scrapy crawler with `attach`; spiders,
pipelines and middlewares read it with `context_for` and `services_for`, never
through Scrapy settings values. The services are built on first use, once per
context, so every crawler of a run shares one Redis connection pool. Under
`scrapy crawl` no one attaches a context: one is made from the environment and
the crawler's `-s ATALAIA_*` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import redis
from scrapy import signals
from scrapy.crawler import Crawler

from alerts.active_watchlists import ActiveWatchlists
from alerts.archive import Archive
from alerts.queue import AlertQueue
from atalaia.redis_connection import EmbeddedRedis, connect
from atalaia.redis_keys import Keys
from atalaia.settings import Settings, variable
from crawler.catalogue import Catalogue
from crawler.dedupe.seen_urls import SeenUrls
from crawler.dedupe.stories import StoryIndex
from crawler.poll_state import PollStore

_ATTRIBUTE = "atalaia_context"


@dataclass
class CrawlServices:
    settings: Settings
    client: redis.Redis
    keys: Keys
    seen_urls: SeenUrls
    stories: StoryIndex
    polls: PollStore
    alert_queue: AlertQueue
    watchlists: ActiveWatchlists | None

    @property
    def recent_stories(self) -> int:
        return self.settings.recent_stories


@dataclass
class CrawlContext:
    """A run's settings and shared objects (`catalogue`: the one the run loaded,
    whose outlets links are attributed to; None: read from `settings.outlets_path`
    by whoever needs it; `watchlists` None: read from `settings.watchlists_path`)."""

    settings: Settings
    redis_url: str | None = None
    watchlists: ActiveWatchlists | None = None
    catalogue: Catalogue | None = None
    _services: CrawlServices | None = field(default=None, init=False, repr=False)

    def services(self, crawler: Crawler) -> CrawlServices:
        """The services; the first call connects to Redis (or embeds one, stopped
        when `crawler`'s engine stops)."""
        if self._services is None:
            self._services = self._build(crawler)
        return self._services

    def _build(self, crawler: Crawler) -> CrawlServices:
        settings = self.settings
        url = self.redis_url or settings.redis_url
        if not url:
            embedded = EmbeddedRedis(settings.data_dir)
            url = embedded.start()
            if embedded.owned:
                crawler.signals.connect(embedded.stop, signal=signals.engine_stopped, weak=False)
        client = connect(url)
        keys = Keys(settings.redis_prefix)
        watchlists = self.watchlists
        if watchlists is None and settings.watchlists_path:
            watchlists = ActiveWatchlists(Path(settings.watchlists_path))
        archive = Archive(keys, settings.keep_for, settings.zone)
        return CrawlServices(
            settings=settings,
            client=client,
            keys=keys,
            seen_urls=SeenUrls(
                client,
                keys,
                ttl=settings.dedupe_ttl,
                lease=settings.claim_lease,
                max_attempts=settings.article_attempts,
            ),
            stories=StoryIndex(client, keys, ttl=settings.story_ttl, also_ttl=settings.keep_for),
            polls=PollStore(client, keys, ttl=settings.dedupe_ttl),
            alert_queue=AlertQueue(client, keys, ttl=settings.dedupe_ttl, archive=archive),
            watchlists=watchlists,
        )


def attach(crawler: Crawler, context: CrawlContext) -> Crawler:
    """Give `crawler` its run's context (before it starts); returns the crawler."""
    setattr(crawler, _ATTRIBUTE, context)
    return crawler


def context_for(crawler: Crawler) -> CrawlContext:
    """The context attached to `crawler`, or one made from the environment and the
    crawler's own `ATALAIA_*` settings (`scrapy crawl -s ATALAIA_SITEMAP_WINDOW=3d`)."""
    context = getattr(crawler, _ATTRIBUTE, None)
    if context is None:
        given = {
            name: crawler.settings[variable(name)]
            for name in Settings.model_fields
            if crawler.settings.get(variable(name)) is not None
        }
        context = CrawlContext(Settings.from_environment(**given))
        attach(crawler, context)
    assert isinstance(context, CrawlContext)
    return context


def services_for(crawler: Crawler) -> CrawlServices:
    """The crawler's services; the first call connects (or embeds) Redis."""
    return context_for(crawler).services(crawler)
