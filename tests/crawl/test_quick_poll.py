"""A pass of the crawl engine polls its outlet's sources before it enters the crawl.

(crawler.quick_poll.) Whatever the sources answer, the pass reports what a pass
through the crawl reports, and no source is requested twice in one pass: a pass
that finds them all unchanged ends at once, the others continue in the crawl
with what was fetched.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from atalaia.redis_keys import Keys
from crawler.catalogue import load_catalogue
from tests.newsroom import Newsroom
from tests.newsroom.model import Fault

from .crawling import redis_commands, stories
from .test_engine import passes

OUTLET = "diario-planalto"


def _source_paths(catalogue: Path, outlet_id: str) -> list[str]:
    outlet = load_catalogue(catalogue).by_id[outlet_id]
    paths = []
    for url in outlet.source_urls:
        parts = urlsplit(url)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _requests(newsroom: Newsroom, paths: list[str]) -> Counter[str]:
    """How many times each of `paths` was requested."""
    wanted = set(paths)
    return Counter(a.path for a in newsroom.requests_for(OUTLET) if a.path in wanted)


@pytest.mark.parametrize("validators", [True, False], ids=["validators", "same-body"])
def test_an_unchanged_outlet_s_passes_request_each_source_once_and_report_it_unchanged(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys, validators: bool
) -> None:
    newsroom.set_validators(OUTLET, validators)
    sources = _source_paths(newsroom_catalogue, OUTLET)
    passes(newsroom_catalogue, redis_url, keys, [OUTLET])
    newsroom.clear_access_log()

    report = passes(newsroom_catalogue, redis_url, keys, [OUTLET], [OUTLET])

    for (summary,) in report["steps"]:
        assert summary["finished"]
        assert summary["not_modified"] == len(sources)
        assert summary["feeds_fetched"] == summary["sections_fetched"] == 0
        assert summary["new_stories"] == summary["articles_fetched"] == 0
        assert summary["errors"] == 0
    assert _requests(newsroom, sources) == dict.fromkeys(sources, 2)
    answered = {a.status for a in newsroom.requests_for(OUTLET) if a.path in sources}
    assert answered == ({304} if validators else {200})


def test_a_new_story_is_found_and_no_source_is_requested_twice(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    sources = _source_paths(newsroom_catalogue, OUTLET)
    passes(newsroom_catalogue, redis_url, keys, [OUTLET])
    fresh = newsroom.publish(OUTLET, topic="coreia")
    newsroom.clear_access_log()

    (summary,) = passes(newsroom_catalogue, redis_url, keys, [OUTLET])["steps"][0]

    assert summary["finished"] and summary["errors"] == 0
    assert summary["new_stories"] == 1
    assert fresh.canonical_url in {s.article.canonical_url for s in stories(redis_client, keys)}
    assert _requests(newsroom, sources) == dict.fromkeys(sources, 1)
    # Each source was either read (it lists the new story) or found unchanged, once.
    read = summary["feeds_fetched"] + summary["sections_fetched"]
    assert read >= 1 and read + summary["not_modified"] == len(sources)


@pytest.mark.parametrize(
    ("fault", "message"),
    [(Fault.error500(), "500"), (Fault.hang(30.0), "timed out")],
    ids=["error500", "hang"],
)
def test_a_failing_source_is_reported_and_its_retries_are_not_repeated(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys, fault: Fault,
    message: str,
) -> None:  # fmt: skip
    sources = _source_paths(newsroom_catalogue, OUTLET)
    passes(newsroom_catalogue, redis_url, keys, [OUTLET])
    newsroom.set_fault(OUTLET, fault)
    newsroom.clear_access_log()

    fails = passes(newsroom_catalogue, redis_url, keys, [OUTLET], retry_times=1, download_timeout=1)
    (summary,) = fails["steps"][0]

    assert summary["finished"]
    assert summary["errors"] == len(sources)
    assert all(message in text for text in summary["error_messages"]), summary["error_messages"]
    assert summary["new_stories"] == summary["not_modified"] == 0
    # One try and one retry each, as a pass through the crawl alone makes.
    assert _requests(newsroom, sources) == dict.fromkeys(sources, 2)

    newsroom.set_fault(OUTLET, None)
    fresh = newsroom.publish(OUTLET, topic="coreia")
    (after,) = passes(newsroom_catalogue, redis_url, keys, [OUTLET])["steps"][0]
    assert after["errors"] == 0 and after["new_stories"] == 1, fresh.canonical_url


def test_passes_that_start_together_read_their_state_and_touch_nothing_else(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    """Each outlet's warm pass on the engine reads its due URLs and its poll hash and,
    when nothing changed, writes nothing."""
    outlets = sorted(newsroom.outlets)
    passes(newsroom_catalogue, redis_url, keys, outlets)
    with redis_commands(redis_url, keys.prefix) as seen:
        (step,) = passes(newsroom_catalogue, redis_url, keys, outlets)["steps"]
    quiet = [s["outlet"] for s in step if s["empty_sources"] == 0 and s["errors"] == 0]
    assert len(quiet) >= 5
    for summary in step:
        assert summary["finished"] and summary["new_stories"] == 0
    for outlet_id in quiet:
        mine = sorted((command, key) for command, key in seen if outlet_id in key)
        assert mine == [
            ("HGETALL", keys.outlet_poll(outlet_id)),
            ("ZRANGEBYSCORE", keys.pending(outlet_id)),
        ], outlet_id


def test_a_pass_stopped_while_its_sources_hang_ends_at_once(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    """A daemon that stops closes its engine: a pass still polling a source that does
    not answer ends then (unfinished, so its job is released), not after the
    download timeout and its retries."""
    passes(newsroom_catalogue, redis_url, keys, [OUTLET])
    newsroom.set_fault(OUTLET, Fault.hang(120.0))
    started = time.monotonic()
    report = passes(
        newsroom_catalogue, redis_url, keys, [OUTLET], close_after=2.0, download_timeout=30
    )
    assert time.monotonic() - started < 20  # (a fresh process, then 2 s)
    (summary,) = report["steps"][0]
    assert summary["finished"] is False
    assert newsroom.requests_for(OUTLET), "nothing was requested: the test proves less"
