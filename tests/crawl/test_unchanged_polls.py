"""Unchanged polls cost little: no parsing, one Redis read, even without validators.

Many real feeds send neither ETag nor Last-Modified: they answer 200 with the same
body on every poll. The body's hash, kept with the validators in the outlet's poll
hash (crawler.poll_state), tells the crawl it is the copy it processed last time.
"""

from __future__ import annotations

import re
from pathlib import Path

import redis

from atalaia.redis_keys import Keys
from crawler.poll_state import PollState, body_hash
from tests.newsroom import Newsroom

from .crawling import crawl, redis_commands, stories

LISTING = re.compile(r"/feed/|/arc/|/sitemap/|/rss/|/atom\.xml|^/[a-z]+/$")


def _listings(room: Newsroom) -> list[str]:
    return [a.path for a in room.access_log if a.path != "/robots.txt" and LISTING.search(a.path)]


def test_a_feed_without_validators_is_not_parsed_again_until_its_body_changes(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    for outlet_id in newsroom.outlets:
        newsroom.set_validators(outlet_id, False)
    first = crawl(newsroom_catalogue, redis_url, keys)
    assert first["totals"]["new_stories"] > 0
    assert first["totals"]["not_modified"] == 0
    newsroom.clear_access_log()

    second = crawl(newsroom_catalogue, redis_url, keys)
    polled = [a for a in newsroom.access_log if a.path in _listings(newsroom)]
    assert polled, "the listings were not polled"
    assert {a.status for a in polled} == {200}  # full bodies: nothing to validate with
    assert not any(a.header("If-None-Match") for a in polled)
    totals = second["totals"]
    assert totals["not_modified"] == len(polled)
    assert totals["feeds_fetched"] == totals["sections_fetched"] == 0  # none was parsed
    assert totals["articles_fetched"] == 0
    assert totals["errors"] == 0

    fresh = newsroom.publish("diario-planalto", topic="coreia")
    third = crawl(newsroom_catalogue, redis_url, keys)
    planalto = third["by_outlet"]["diario-planalto"]
    assert planalto["feeds_fetched"] == 1 and planalto["new_stories"] == 1
    assert fresh.canonical_url in {s.article.canonical_url for s in stories(redis_client, keys)}
    others = [o for name, o in third["by_outlet"].items() if name != "diario-planalto"]
    assert all(o["new_stories"] == 0 for o in others)


def test_an_unchanged_pass_reads_each_outlets_redis_state_once(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    """A warm pass of an unchanged outlet: one pipelined read of its due URLs and its
    poll hash, then only the record of the pass for `atalaia status`. (An outlet with
    sources that keep giving nothing also counts one more empty pass for each.)"""
    newsroom.set_validators("diario-planalto", False)  # one answers 200, the others 304
    crawl(newsroom_catalogue, redis_url, keys)
    with redis_commands(redis_url, keys.prefix) as seen:
        summary = crawl(newsroom_catalogue, redis_url, keys)
    assert summary["totals"]["new_stories"] == 0
    assert summary["totals"]["not_modified"] > 0
    quiet = [o for o, entry in summary["by_outlet"].items() if entry["empty_sources"] == 0]
    assert len(quiet) >= 5
    for outlet_id in quiet:
        mine = [
            (command, key) for command, key in seen
            if key in (keys.pending(outlet_id), keys.outlet_poll(outlet_id))
        ]  # fmt: skip
        assert sorted(mine) == [
            ("HGETALL", keys.outlet_poll(outlet_id)),
            ("ZRANGEBYSCORE", keys.pending(outlet_id)),
        ], outlet_id
        others = {
            (command, key) for command, key in seen
            if outlet_id in key and key not in (
                keys.pending(outlet_id), keys.outlet_poll(outlet_id), keys.outlet(outlet_id)
            )
        }  # fmt: skip
        assert others == set(), f"{outlet_id}: an unchanged pass touched more than its state"


def test_the_poll_state_keeps_validators_hashes_and_source_records() -> None:
    state = PollState()
    assert state.request_headers("https://a.pt/feed") == {}
    assert not state.unchanged("https://a.pt/feed", b"<rss/>")
    state.remember("https://a.pt/feed", etag='"v1"', last_modified=None, body=b"<rss/>", now=1000.0)
    assert state.request_headers("https://a.pt/feed") == {"If-None-Match": '"v1"'}
    assert state.unchanged("https://a.pt/feed", b"<rss/>")
    assert not state.unchanged("https://a.pt/feed", b"<rss>new</rss>")
    assert body_hash(b"<rss/>") in state.changed["v:https://a.pt/feed"]
    state.set_source_record("https://a.pt/feed", {"empty_passes": 2})
    assert state.source_record("https://a.pt/feed") == {"empty_passes": 2}

    kept = PollState(fields={**state.changed, "s:https://a.pt/old-feed": "{}"})
    kept.forget_stale({"https://a.pt/feed"}, now=1000.0 + 86400, max_age=30 * 86400)
    assert kept.removed == {"s:https://a.pt/old-feed"}  # a source the outlet dropped
    kept.forget_stale({"https://a.pt/feed"}, now=1000.0 + 31 * 86400, max_age=30 * 86400)
    assert "v:https://a.pt/feed" in kept.removed  # not processed for a month: read again
