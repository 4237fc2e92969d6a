"""Story dedupe and hand-off of one article: how many Redis round trips they take, and
that fewer round trips lost none of the hand-off's guarantees."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import pytest
import redis
import redis.connection
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from alerts.active_watchlists import ActiveWatchlists
from alerts.archive import Archive
from alerts.queue import AlertQueue
from atalaia.article import Article
from atalaia.redis_keys import Keys
from atalaia.settings import Settings
from atalaia.story import Story
from crawler.dedupe.seen_urls import SeenUrls
from crawler.dedupe.stories import StoryIndex, signature_of
from crawler.items import ExtractedArticle
from crawler.pipelines.handoff import StoryHandoffPipeline
from crawler.pipelines.story_dedupe import StoryDedupePipeline
from crawler.poll_state import PollStore
from crawler.services import CrawlContext, CrawlServices, attach

from .crawling import ROOT
from .test_stories import WIRE

WATCHED = WIRE + " O Kremlin disse que a Rússia acompanha o caso."
"""A story the repository's watchlist (coreia-russia) matches."""


@dataclass
class Stages:
    """The two pipelines of one crawler, and the services they share."""

    services: CrawlServices
    dedupe: StoryDedupePipeline
    handoff: StoryHandoffPipeline

    def run(self, url: str, text: str) -> Story:
        """Dedupe and hand on the article at `url` (raises DropItem for a copy)."""
        article = Article(url=url, outlet="g1", title="Governo anuncia", body=text)
        item = ExtractedArticle(article, tuple(signature_of(article.title, text)))
        story = self.dedupe.process_item(item)
        assert isinstance(story, Story)
        result = self.handoff.process_item(story)
        assert isinstance(result, Story)
        return result


@pytest.fixture
def stages(redis_client: redis.Redis, keys: Keys) -> Stages:
    settings = Settings()
    queue = AlertQueue(redis_client, keys, archive=Archive(keys))
    services = CrawlServices(
        settings=settings,
        client=redis_client,
        keys=keys,
        seen_urls=SeenUrls(redis_client, keys),
        stories=StoryIndex(redis_client, keys, ttl=86400),
        polls=PollStore(redis_client, keys, ttl=86400),
        alert_queue=queue,
        watchlists=ActiveWatchlists(ROOT / "watchlists.yaml"),
    )
    context = CrawlContext(settings)
    context._services = services
    crawler = attach(cast(Crawler, SimpleNamespace(spider=None)), context)
    return Stages(services, StoryDedupePipeline(crawler), StoryHandoffPipeline(crawler))


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many requests went to Redis (a pipeline or transaction is one)."""
    sent = [0]
    send = redis.connection.AbstractConnection.send_packed_command

    def counting(self: Any, command: Any, check_health: bool = True) -> None:
        sent[0] += 1
        send(self, command, check_health)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    yield sent


def test_a_new_story_that_matches_takes_two_round_trips(
    stages: Stages, round_trips: list[int], keys: Keys, redis_client: redis.Redis
) -> None:
    seen = stages.services.seen_urls
    url = "https://g1.globo.com/a"
    assert seen.claim("g1", [url], time.time()) == [url]
    stages.services.stories.register("warm", "x", "https://x/", [1] * 32, time.time())
    round_trips[0] = 0  # the register script is loaded now, as in a running crawler

    story = stages.run(url, WATCHED)

    assert round_trips[0] == 2  # register the story; hand it on in one transaction
    assert seen.states([url], time.time()) == ["done"]
    assert not redis_client.zscore(keys.pending("g1"), url)
    assert redis_client.hget(keys.story(story.id), "handed") == b"1"
    assert redis_client.xlen(keys.recent_stories()) == 1
    assert redis_client.xlen(keys.alerts()) == 1


def test_a_copy_of_an_own_story_is_found_in_one_call(
    stages: Stages, round_trips: list[int], redis_client: redis.Redis, keys: Keys
) -> None:
    stages.run("https://g1.globo.com/a", WATCHED)
    round_trips[0] = 0

    with pytest.raises(DropItem, match="copy of story"):
        stages.run("https://g1.globo.com/a-copia", WATCHED + " Com informações da Agência.")

    assert round_trips[0] == 2  # the register script, then the copy's done marks
    assert redis_client.xlen(keys.recent_stories()) == 1
    assert redis_client.xlen(keys.alerts()) == 1


def test_a_story_whose_hand_off_failed_is_not_done_and_is_handed_on_when_fetched_again(
    stages: Stages, monkeypatch: pytest.MonkeyPatch, redis_client: redis.Redis, keys: Keys
) -> None:
    seen = stages.services.seen_urls
    url = "https://g1.globo.com/a"
    seen.claim("g1", [url], time.time())

    def redis_fails(self: Any, raise_on_error: bool = True) -> list[Any]:
        raise redis.ConnectionError("Redis went away")

    with monkeypatch.context() as failing:
        failing.setattr(redis.client.Pipeline, "execute", redis_fails)
        with pytest.raises(DropItem, match="Redis"):
            stages.run(url, WATCHED)

    assert seen.states([url], time.time()) == ["claimed"]  # fetched again once released
    assert redis_client.zscore(keys.pending("g1"), url) is not None
    assert redis_client.xlen(keys.recent_stories()) == 0
    assert not redis_client.exists(keys.alerts())

    story = stages.run(url, WATCHED)  # the next pass: a new story again, handed on once

    assert seen.states([url], time.time()) == ["done"]
    assert redis_client.hget(keys.story(story.id), "handed") == b"1"
    assert redis_client.xlen(keys.recent_stories()) == 1
    assert redis_client.xlen(keys.alerts()) == 1
    with pytest.raises(DropItem, match="copy of story"):
        stages.run(url, WATCHED)  # and once handed on, the same page is a copy
