"""URL dedupe in Redis: claimed once across processes, retried when a fetch fails, expiring."""

from __future__ import annotations

import multiprocessing
import time

import redis

from atalaia.redis_keys import Keys
from crawler.dedupe.seen_urls import DAY, SeenUrls

# Redis expires keys by its own clock, so the logical time starts at the real one.
NOW = time.time()


def test_a_url_is_claimed_once_and_variants_count_as_the_same(
    redis_client: redis.Redis, keys: Keys
) -> None:
    seen = SeenUrls(redis_client, keys)
    first = seen.claim(
        "g1", ["https://g1.globo.com/a?utm_source=rss", "https://g1.globo.com/b"], NOW
    )
    assert first == ["https://g1.globo.com/a?utm_source=rss", "https://g1.globo.com/b"]
    assert seen.claim("g1", ["https://www.g1.globo.com/a", "https://g1.globo.com/b#x"], NOW) == []
    seen.done("g1", "https://g1.globo.com/a?utm_source=rss", NOW)
    assert seen.is_seen("https://g1.globo.com/a", NOW)
    assert not seen.is_seen("https://g1.globo.com/b", NOW)  # claimed, not done yet


def test_failed_fetch_is_retried_on_a_later_pass_then_given_up(
    redis_client: redis.Redis, keys: Keys
) -> None:
    seen = SeenUrls(redis_client, keys, max_attempts=3)
    url = "https://uol.com.br/x.htm"
    assert seen.claim("uol", [url], NOW) == [url]
    assert seen.due("uol", NOW) == []  # in flight, within its lease
    retry = seen.failed("uol", url, NOW)
    assert (retry.attempts, retry.gave_up) == (1, False)
    assert seen.due("uol", NOW + 1) == [url]
    assert seen.claim("uol", [url], NOW + 1) == [url]
    seen.failed("uol", url, NOW + 2)
    assert seen.claim("uol", [url], NOW + 3) == [url]
    retry = seen.failed("uol", url, NOW + 4)
    assert retry.gave_up
    assert seen.due("uol", NOW + 5) == []
    assert seen.claim("uol", [url], NOW + 5) == []


def test_claim_of_a_dead_crawler_expires_and_is_taken_over(
    redis_client: redis.Redis, keys: Keys
) -> None:
    seen = SeenUrls(redis_client, keys, lease=600)
    url = "https://folha.uol.com.br/mundo/1.shtml"
    assert seen.claim("folha", [url], NOW) == [url]
    assert seen.claim("folha", [url], NOW + 599) == []
    assert seen.due("folha", NOW + 601) == [url]
    assert seen.claim("folha", [url], NOW + 601) == [url]


def test_seen_urls_expire_after_the_dedupe_window(redis_client: redis.Redis, keys: Keys) -> None:
    seen = SeenUrls(redis_client, keys, ttl=3 * DAY)
    url = "https://publico.pt/2025/02/27/mundo/noticia/x"
    seen.claim("publico", [url], NOW)
    seen.done("publico", url, NOW)
    assert seen.is_seen(url, NOW + 2 * DAY)
    assert not seen.is_seen(url, NOW + 5 * DAY)
    bucket = keys.seen(int(NOW // DAY))
    ttl = redis_client.ttl(bucket)
    assert 3 * DAY < ttl <= 4 * DAY + 1


def _claim_many(url: str, prefix: str, start: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    client = redis.Redis.from_url(url)
    seen = SeenUrls(client, Keys(prefix))
    while time.time() < start:
        time.sleep(0.001)
    urls = [f"https://r7.com/internacional/n-{i}" for i in range(300)]
    queue.put(seen.claim("r7", urls, NOW))


def test_two_processes_claiming_at_once_never_both_get_a_url(
    redis_url: str, redis_client: redis.Redis, keys: Keys
) -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    start = time.time() + 0.5
    workers = [
        multiprocessing.Process(target=_claim_many, args=(redis_url, keys.prefix, start, queue))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert not set(results[0]) & set(results[1])
    assert len(results[0]) + len(results[1]) == 300
