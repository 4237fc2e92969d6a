"""Alert records from crawling: one per watchlist and story, whatever happens twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import redis

from alerts.alert import Alert
from atalaia.redis_keys import Keys
from tests.delivery.receiver import Receiver
from tests.newsroom import Newsroom

from ..crawl.crawling import ROOT, atalaia, crawl, stories

WATCHED_TOPICS = {"coreia", "russia"}


def alert_ids(client: redis.Redis, keys: Keys) -> set[str]:
    prefix = keys.alert("")
    return {
        (k.decode() if isinstance(k, bytes) else k).removeprefix(prefix)
        for k in client.scan_iter(match=prefix + "*")
    }


def test_crawl_creates_one_alert_per_matching_story_and_none_again(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    summary = crawl(newsroom_catalogue, redis_url, keys)
    topic_of = {a.canonical_url: a.topic for a in newsroom.expected()}
    crawled = stories(redis_client, keys)
    watched = [s for s in crawled if topic_of[s.article.canonical_url] in WATCHED_TOPICS]
    assert watched, "the newsroom should publish stories about Coreia do Norte and Rússia"
    expected = {Alert.id_for("coreia-russia", s.id) for s in watched}
    assert alert_ids(redis_client, keys) == expected
    assert summary["matches"] == {"coreia-russia": len(expected)}
    assert any(topic_of[s.article.canonical_url] == "bielorrussia" for s in crawled)

    newsroom.publish("portal-rede", topic="esportes")
    again = crawl(newsroom_catalogue, redis_url, keys)
    assert again["totals"]["new_stories"] == 1
    assert again["matches"] == {}
    assert alert_ids(redis_client, keys) == expected


def test_republished_copy_joins_also_in_without_a_second_alert(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    crawl(newsroom_catalogue, redis_url, keys)
    before = alert_ids(redis_client, keys)
    copies = newsroom.publish_wire(["jornal-metropole", "diario-planalto"], topic="russia")
    summary = crawl(newsroom_catalogue, redis_url, keys)
    new = alert_ids(redis_client, keys) - before
    assert len(new) == 1
    assert summary["matches"] == {"coreia-russia": 1}
    (story,) = [s for s in stories(redis_client, keys) if s.article.canonical_url in
                {c.canonical_url for c in copies}]  # fmt: skip
    also = redis_client.hgetall(keys.story_also(story.id))
    assert len(also) == 1


def test_two_crawlers_at_once_make_each_alert_once(
    redis_url: str, redis_client: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    with Newsroom(articles_per_outlet=12) as room:
        catalogue = room.write_catalogue(tmp_path / "outlets.yaml")
        room.publish_wire(list(room.outlets)[:4], topic="coreia")
        processes = [atalaia_background(catalogue, redis_url, keys) for _ in range(2)]
        for process in processes:
            _, err = process.communicate(timeout=180)
            assert process.returncode == 0, err
        crawled = stories(redis_client, keys)
        urls = [s.article.canonical_url for s in crawled]
        assert len(urls) == len(set(urls)), "a story was handed on twice"
        expected_stories = {a.story_id for a in room.expected(listed_only=True)}
        assert len(crawled) == len(expected_stories)
        watched = [s for s in crawled if "Coreia do Norte" in s.article.body + s.article.title
                   or "Rússia" in s.article.body + s.article.title]  # fmt: skip
        assert len(alert_ids(redis_client, keys)) == len(watched)


def atalaia_background(catalogue: Path, redis_url: str, keys: Keys) -> subprocess.Popen[str]:
    env = {
        **os.environ, "ATALAIA_REDIS_URL": redis_url, "ATALAIA_REDIS_PREFIX": keys.prefix,
        "ATALAIA_WATCHLISTS": str(ROOT / "watchlists.yaml"), "ATALAIA_SITEMAP_WINDOW": "3650d",
    }  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "crawl", "--json", "--deliver-timeout", "0",
         "--outlets", str(catalogue)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_replay_creates_only_missing_alerts(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys, tmp_path: Path,
) -> None:  # fmt: skip
    empty = tmp_path / "none.yaml"
    empty.write_text("watchlists: []\n", encoding="utf-8")
    crawl(newsroom_catalogue, redis_url, keys, ATALAIA_WATCHLISTS=str(empty))
    assert alert_ids(redis_client, keys) == set()
    result = atalaia("replay", "--since", "1h", "--json", redis_url=redis_url, keys=keys)
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)
    created = first["new_alerts"].get("coreia-russia", 0)
    assert created > 0 and created == len(alert_ids(redis_client, keys))
    assert first["stories"] == len(stories(redis_client, keys))
    second = json.loads(
        atalaia("replay", "--since", "1h", "--json", redis_url=redis_url, keys=keys).stdout
    )
    assert second["new_alerts"] == {}
    assert second["already_alerted"] == created
    unknown = atalaia("replay", "--watchlist", "nada", redis_url=redis_url, keys=keys)
    assert unknown.returncode == 2 and "unknown watchlist 'nada'" in unknown.stderr


SECRET = "whsec_" + "YXRhbGFpYS1jcmF3bC1kZWxpdmVyeS1zZWNyZXQ="


def test_crawl_delivers_its_alerts_and_records_freshness(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys, tmp_path: Path,
) -> None:  # fmt: skip
    with Receiver(SECRET) as receiver:
        watchlists = tmp_path / "watchlists.yaml"
        watchlists.write_text(
            "channels:\n"
            f"  equipe: {{type: webhook, url: '{receiver.url}', secret: '${{CRAWL_SECRET}}'}}\n"
            "watchlists:\n"
            "  - {id: coreia-russia, terms: [Coreia do Norte, Rússia], notify: [equipe]}\n",
            encoding="utf-8",
        )
        result = atalaia(
            "crawl", "--json", "--outlets", str(newsroom_catalogue),
            "--watchlists", str(watchlists), redis_url=redis_url, keys=keys,
            env={"CRAWL_SECRET": SECRET},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        alerts = summary["matches"]["coreia-russia"]
        assert alerts > 0
        assert summary["deliveries"]["delivered"] == alerts
        assert len({r.webhook_id for r in receiver.accepted()}) == alerts
        assert not receiver.rejected
    for story in stories(redis_client, keys):
        record = redis_client.hgetall(keys.story(story.id))
        assert b"first_seen" in record and b"published_at" in record
    for alert_id in alert_ids(redis_client, keys):
        assert redis_client.hget(keys.delivery(alert_id), "delivered_at")
