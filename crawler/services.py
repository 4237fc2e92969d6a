"""The Redis-backed services a crawl uses, built once per Scrapy crawler from its settings."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from alerts.active_watchlists import ActiveWatchlists
from alerts.archive import Archive
from alerts.queue import AlertQueue
from atalaia.redis_connection import EmbeddedRedis, connect
from atalaia.redis_keys import Keys
from crawler.conditional_get import Validators
from crawler.dedupe.seen_urls import SeenUrls
from crawler.dedupe.stories import StoryIndex


@dataclass
class CrawlServices:
    client: redis.Redis
    keys: Keys
    seen_urls: SeenUrls
    stories: StoryIndex
    validators: Validators
    recent_stories: int
    alert_queue: AlertQueue
    watchlists: ActiveWatchlists | None


_services: weakref.WeakKeyDictionary[Crawler, CrawlServices] = weakref.WeakKeyDictionary()


def services_for(crawler: Crawler) -> CrawlServices:
    """The crawler's services; the first call connects (or embeds) Redis."""
    if crawler not in _services:
        _services[crawler] = _build(crawler)
    return _services[crawler]


def _build(crawler: Crawler) -> CrawlServices:
    settings = crawler.settings
    url = settings.get("ATALAIA_REDIS_URL")
    if not url:
        embedded = EmbeddedRedis(Path(settings.get("ATALAIA_DATA_DIR", "var")))
        url = embedded.start()
        if embedded.owned:
            crawler.signals.connect(_stopper(embedded), signal=signals.engine_stopped, weak=False)
    client = connect(url)
    keys = Keys(settings.get("ATALAIA_REDIS_PREFIX", "atalaia:"))
    ttl = settings.getfloat("ATALAIA_DEDUPE_TTL")
    keep_for = settings.getfloat("ATALAIA_KEEP_FOR")
    archive = Archive(keys, keep_for, ZoneInfo(settings.get("ATALAIA_TIMEZONE") or "UTC"))
    return CrawlServices(
        client=client,
        keys=keys,
        seen_urls=SeenUrls(
            client,
            keys,
            ttl=ttl,
            lease=settings.getfloat("ATALAIA_CLAIM_LEASE"),
            max_attempts=settings.getint("ATALAIA_ARTICLE_ATTEMPTS"),
        ),
        stories=StoryIndex(
            client, keys, ttl=settings.getfloat("ATALAIA_STORY_TTL"), also_ttl=keep_for
        ),
        validators=Validators(client, keys, ttl=ttl),
        recent_stories=settings.getint("ATALAIA_RECENT_STORIES"),
        alert_queue=AlertQueue(client, keys, ttl=ttl, archive=archive),
        watchlists=_watchlists(settings),
    )


def _watchlists(settings: Settings) -> ActiveWatchlists | None:
    """The watchlists in force: the object the runner shares, or the file named."""
    active = settings.get("ATALAIA_ACTIVE_WATCHLISTS")
    if isinstance(active, ActiveWatchlists):
        return active
    path = settings.get("ATALAIA_WATCHLISTS")
    return ActiveWatchlists(Path(path)) if path else None


def _stopper(embedded: EmbeddedRedis) -> Any:
    def stop() -> None:
        embedded.stop()

    return stop
