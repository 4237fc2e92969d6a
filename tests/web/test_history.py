"""Alerts and stories kept for browsing, their indexes, trimming and daily counts."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import redis

from alerts.active_watchlists import ActiveWatchlists
from alerts.archive import (
    Archive,
    outlet_matches_count,
    outlet_stories_count,
    watchlist_count,
)
from alerts.delivery.store import DeliveryStore
from alerts.history import AlertFilter, History
from alerts.replay import replay
from atalaia.redis_connection import async_client
from atalaia.redis_keys import Keys
from scheduler.commands.match import compile_query

from .catching import Catcher, article
from .conftest import ZONE

T0 = datetime(2025, 7, 15, 12, 0, tzinfo=UTC)


def history(client: redis.Redis, keys: Keys, keep_for: float = 30 * 86400) -> History:
    return History(client, keys, keep_for=keep_for)


def test_alerts_listed_newest_first_by_any_filter(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys
) -> None:
    caught = [
        ("Coreia do Norte testa míssil", "r7"),  # coreia
        ("Kremlin responde a sanções", "publico"),  # russia
        ("Coreia do Norte e Rússia assinam acordo", "publico"),  # both
        ("Chuva em Recife", "r7"),  # none
        ("Rússia anuncia exercícios", "r7"),  # russia
    ]
    for n, (title, outlet) in enumerate(caught):
        catcher.catch(article(title, outlet, n=n), T0 + timedelta(minutes=n))
    now = (T0 + timedelta(hours=1)).timestamp()
    kept = history(redis_client, keys)

    page = kept.alerts(AlertFilter(), now=now)
    titles = [a.alert.article.title for a in page.alerts]
    assert titles == [
        "Rússia anuncia exercícios",
        "Coreia do Norte e Rússia assinam acordo",
        "Coreia do Norte e Rússia assinam acordo",
        "Kremlin responde a sanções",
        "Coreia do Norte testa míssil",
    ]
    assert page.total == 5 and not page.has_more
    record = json.loads(redis_client.get(keys.kept_alert(page.alerts[0].id)) or b"{}")
    assert record["article"]["title"] == titles[0] and "body" not in record["article"]

    russia = kept.alerts(AlertFilter(watchlist="russia"), now=now)
    assert [a.alert.watchlist_id for a in russia.alerts] == ["russia"] * 3
    on_publico = kept.alerts(AlertFilter(outlet="publico"), now=now)
    assert {a.alert.article.outlet for a in on_publico.alerts} == {"publico"}
    assert on_publico.total == 3
    both = kept.alerts(AlertFilter(watchlist="coreia", outlet="publico"), now=now)
    assert [a.alert.article.title for a in both.alerts] == [
        "Coreia do Norte e Rússia assinam acordo"
    ]
    recent = kept.alerts(AlertFilter(since=(T0 + timedelta(minutes=2)).timestamp()), now=now)
    assert recent.total == 3

    second = kept.alerts(AlertFilter(), now=now, offset=2, limit=2)
    assert second.total == 5 and second.has_more
    assert [a.id for a in second.alerts] == [a.id for a in page.alerts[2:4]]


def test_following_sees_alerts_of_one_story_created_at_the_same_moment(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys
) -> None:
    kept = history(redis_client, keys)
    _, first = catcher.catch(article("Coreia do Norte testa míssil", n=1), T0)
    now = T0.timestamp() + 60
    shown = kept.alerts_since(AlertFilter(), T0.timestamp() - 1, (), now=now)
    assert [a.id for a in shown] == [first[0].id]
    _, both = catcher.catch(article("Coreia do Norte e Rússia", n=2), T0)  # same moment
    again = kept.alerts_since(AlertFilter(), T0.timestamp(), {first[0].id}, now=now)
    assert {a.id for a in again} == {a.id for a in both}


def test_daily_counts_per_watchlist_and_outlet_in_the_deployment_zone(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys
) -> None:
    late = datetime(2025, 7, 16, 1, 30, tzinfo=UTC)  # 22:30 on the 15th in São Paulo
    catcher.catch(article("Coreia do Norte testa míssil", n=1), late)
    catcher.catch(article("Chuva em Recife", n=2), late)
    catcher.catch(article("Kremlin e Coreia do Norte", "publico", n=3), T0 + timedelta(days=1))
    kept = history(redis_client, keys)
    days = [datetime(2025, 7, 15).date(), datetime(2025, 7, 16).date()]
    assert kept.daily_counts(watchlist_count("coreia"), days) == [1, 1]
    assert kept.daily_counts(watchlist_count("russia"), days) == [0, 1]
    assert kept.daily_counts(outlet_stories_count("r7"), days) == [2, 0]
    assert kept.daily_counts(outlet_matches_count("publico"), days) == [0, 2]
    ttl = redis_client.ttl(keys.day_counts(days[0]))
    assert 365 * 86400 < ttl <= 400 * 86400


def test_what_is_older_than_keep_for_is_trimmed(
    redis_client: redis.Redis, keys: Keys, files: tuple[object, object]
) -> None:
    hour = 3600.0
    catcher = Catcher(
        redis_client, keys, ActiveWatchlists(files[0]),  # type: ignore[arg-type]
        Archive(keys, keep_for=hour, zone=ZONE),
    )  # fmt: skip
    for n in range(250):
        catcher.catch(article(f"Rússia, nota {n}", n=n), T0 + timedelta(seconds=n))
    later = T0 + timedelta(hours=3)
    catcher.catch(article("Rússia de novo", n=999), later)
    # the stream is trimmed by MINID (whole nodes of 100 entries), the indexes exactly
    assert redis_client.xlen(keys.recent_stories()) < 200
    assert redis_client.zcard(keys.kept_alerts()) == 1
    assert redis_client.zcard(keys.kept_outlet_stories("r7")) == 1
    assert 0 < redis_client.ttl(keys.kept_alerts()) <= hour
    kept = History(redis_client, keys, keep_for=hour)
    page = kept.alerts(AlertFilter(), now=later.timestamp())
    assert [a.alert.article.title for a in page.alerts] == ["Rússia de novo"]
    assert [s.story.article.title for s in kept.stories(now=later.timestamp())] == [
        "Rússia de novo"
    ]
    record_ttl = redis_client.ttl(keys.kept_alert(page.alerts[0].id))
    assert 0 < record_ttl <= hour


def test_a_story_with_its_alerts_copies_and_deliveries(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys, redis_url: str
) -> None:
    story, alerts = catcher.catch(
        article("Coreia do Norte e Rússia assinam acordo", n=1, body="Kim e Putin. " * 5), T0
    )
    redis_client.hset(keys.story_also(story.id), "publico", "https://publico.invalid/x")
    coreia = next(a for a in alerts if a.watchlist_id == "coreia")

    async def deliver() -> None:
        client = async_client(redis_url)
        store = DeliveryStore(client, keys)
        await store.schedule_retry(coreia, "equipe", T0.timestamp() + 60, 2, "HTTP 503")
        await store.mark_delivered(coreia.id, "equipe", delivered_at=T0.timestamp() + 90)
        await client.aclose()

    asyncio.run(deliver())
    found = history(redis_client, keys).story(story.id)
    assert found is not None
    assert found.story.article.body.startswith("Kim e Putin.")
    assert [c.outlet for c in found.also_in] == ["publico"]
    assert set(found.watchlists) == {"coreia", "russia"}
    by_watchlist = {kept.alert.watchlist_id: kept for kept in found.alerts}
    delivery = by_watchlist["coreia"].deliveries[0]
    assert (delivery.channel, delivery.state, delivery.attempts) == ("equipe", "delivered", 3)
    assert delivery.delivered_at == T0.timestamp() + 90
    assert by_watchlist["coreia"].delivery == "delivered"
    assert by_watchlist["russia"].deliveries == () and by_watchlist["russia"].delivery == "none"
    assert history(redis_client, keys).story("no-such-story") is None


def test_stories_by_outlet_and_query(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys
) -> None:
    for n, (title, outlet) in enumerate(
        [("Reforma tributária avança", "r7"), ("Chuva em Lisboa", "publico"),
         ("Lula defende reforma", "publico"), ("Futebol: Flamengo vence", "r7")]
    ):  # fmt: skip
        catcher.catch(article(title, outlet, n=n), T0 + timedelta(minutes=n))
    kept = history(redis_client, keys)
    now = (T0 + timedelta(hours=1)).timestamp()
    every = kept.stories(now=now)
    assert [s.story.article.title for s in every][:2] == [
        "Futebol: Flamengo vence", "Lula defende reforma"
    ]  # fmt: skip
    assert all(s.watchlists == () for s in every)
    publico = kept.stories(now=now, outlet="publico")
    assert [s.story.article.title for s in publico] == ["Lula defende reforma", "Chuva em Lisboa"]
    matcher = compile_query("title:reforma*")
    found = kept.stories(now=now, matching=lambda a: bool(matcher.match(a)))
    assert [s.story.article.title for s in found] == [
        "Lula defende reforma", "Reforma tributária avança"
    ]  # fmt: skip
    assert len(kept.stories(now=now, limit=1)) == 1


def test_replayed_alerts_are_kept_too(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys, files: tuple[object, object]
) -> None:
    catcher.watchlists = ActiveWatchlists(files[0])  # type: ignore[arg-type]
    story, _ = catcher.catch(article("Kremlin anuncia exercícios", n=1), T0)
    summary = replay(
        redis_client, keys, catcher.watchlists.current, since=timedelta(days=3650),
        now=T0 + timedelta(minutes=5), archive=Archive(keys, zone=ZONE),
    )  # fmt: skip
    assert summary.already_alerted == 1  # replay makes no second alert
    found = history(redis_client, keys).story(story.id)
    assert found is not None and found.watchlists == ("russia",)
