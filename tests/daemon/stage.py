"""The stage for daemon tests: a small newsroom polled every 2 s, a signed webhook
receiver, a watchlist for North Korea, and `atalaia run` processes against one Redis.

    with Stage(tmp_path, redis_url, keys) as stage:
        stage.start("all")                         # atalaia run, every role
        stage.start("c1", "crawler")               # atalaia run --role crawler
        article = stage.publish()                  # a matching article, on the first outlet
        stage.wait_crawled(article); stage.wait_delivered()
        assert stage.repeated_alerts() == {}

Every process started is SIGKILLed when the stage closes, whatever the test did.
"""

from __future__ import annotations

import base64
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import redis
import yaml

from alerts.alert import Alert
from alerts.delivery.signing import webhook_id
from atalaia.redis_connection import connect
from atalaia.redis_keys import Keys
from atalaia.story import Story
from tests.crawl.crawling import stories
from tests.delivery.receiver import Receiver
from tests.newsroom import DEFAULT_SPECS, FakeArticle, Newsroom

from .daemon_process import DaemonProcess, wait_until

WATCHLIST = "coreia"
CHANNEL = "equipe"
TOPIC = "coreia"  # the newsroom's North Korea stories: their headlines name the terms
EVERY = "2s"
SECRET_VARIABLE = "ATALAIA_TEST_WEBHOOK_SECRET"


class Stage:
    def __init__(
        self,
        tmp_path: Path,
        redis_url: str,
        keys: Keys,
        *,
        outlets: int = 2,
        articles_per_outlet: int = 3,
        env: dict[str, str] | None = None,
    ) -> None:
        self.tmp_path = tmp_path
        self.redis_url = redis_url
        self.keys = keys
        self.room = Newsroom(
            outlets=DEFAULT_SPECS[:outlets], seed=0, articles_per_outlet=articles_per_outlet
        )
        self.outlet_ids = list(self.room.outlets)
        secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
        self.receiver = Receiver(secret=secret)
        self.catalogue = tmp_path / "outlets.yaml"
        self.watchlists = tmp_path / "watchlists.yaml"
        self.env = {
            "ATALAIA_REDIS_URL": redis_url,
            "ATALAIA_REDIS_PREFIX": keys.prefix,
            "ATALAIA_WATCHLISTS": str(self.watchlists),
            "ATALAIA_DATA_DIR": str(tmp_path / "var"),
            # The newsroom's articles are dated July 2025: follow sitemaps that far back.
            "ATALAIA_SITEMAP_WINDOW": "3650d",
            "ATALAIA_DOWNLOAD_TIMEOUT": "5",
            SECRET_VARIABLE: secret,
            **(env or {}),
        }
        self.daemons: list[DaemonProcess] = []
        self._client: redis.Redis | None = None

    # -- lifecycle ------------------------------------------------------------------

    def __enter__(self) -> Stage:
        self.room.start()
        self.receiver.start()
        catalogue = self.room.catalogue()
        for entry in catalogue["outlets"]:
            entry["every"] = EVERY
        self.catalogue.write_text(yaml.safe_dump(catalogue, allow_unicode=True), "utf-8")
        watchlists = {
            "channels": {
                CHANNEL: {
                    "type": "webhook",
                    "url": self.receiver.url,
                    "secret": "${" + SECRET_VARIABLE + "}",
                    "retry": ["1s", "2s", "5s"],
                }
            },
            "watchlists": [
                {
                    "id": WATCHLIST,
                    "name": "Coreia do Norte",
                    "terms": ["Coreia do Norte", "Kim Jong-un"],
                    "notify": [CHANNEL],
                }
            ],
        }
        self.watchlists.write_text(yaml.safe_dump(watchlists, allow_unicode=True), "utf-8")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for daemon in self.daemons:
            daemon.kill()
        self.receiver.stop()
        self.room.stop()
        if self._client is not None:
            try:
                stale = list(self._client.scan_iter(match=self.keys.prefix + "*", count=1000))
                if stale:
                    self._client.delete(*stale)
            except redis.RedisError:
                pass  # the test's own Redis, already gone
            self._client.close()

    def start(self, name: str, *roles: str, args: Sequence[str] = (), **env: str) -> DaemonProcess:
        """`atalaia run [--role ROLE ...] [ARGS]`, with its own metrics port and log file;
        `env` adds to (or overrides) the stage's environment."""
        daemon = DaemonProcess(
            self.tmp_path / "logs", name=name, outlets=self.catalogue, env={**self.env, **env}
        )
        self.daemons.append(daemon)
        return daemon.start(roles, args)

    def logs(self) -> str:
        """Every process's log, for failure messages."""
        return "\n".join(f"=== {d.name}\n{d.log()[-4000:]}" for d in self.daemons)

    # -- Redis ----------------------------------------------------------------------

    @property
    def client(self) -> redis.Redis:
        if self._client is None:
            self._client = connect(self.redis_url)
        return self._client

    def stories(self) -> list[Story]:
        return stories(self.client, self.keys)

    def story_counts(self) -> Counter[str]:
        """How many times each canonical URL was handed on as a story."""
        return Counter(s.article.canonical_url for s in self.stories())

    def pending_jobs(self) -> list[dict[str, Any]]:
        """Crawl jobs taken by a crawler and not acknowledged: entry id, outlet, consumer."""
        stream = self.keys.crawl_jobs()
        try:
            pending: Any = self.client.xpending_range(stream, "crawlers", "-", "+", 100)
        except redis.ResponseError:
            return []  # no group yet
        jobs = []
        for entry in pending:
            entry_id = entry["message_id"]
            fields: Any = self.client.xrange(stream, entry_id, entry_id)
            outlet = fields[0][1][b"outlet"].decode() if fields else None
            consumer = entry["consumer"]
            jobs.append({
                "id": entry_id.decode() if isinstance(entry_id, bytes) else entry_id,
                "outlet": outlet,
                "consumer": consumer.decode() if isinstance(consumer, bytes) else consumer,
                "idle_ms": int(entry["time_since_delivered"]),
            })  # fmt: skip
        return jobs

    def job_ids(self) -> set[str]:
        return {str(job["id"]) for job in self.pending_jobs()}

    def wait_running(
        self, outlet_id: str, *, not_in: set[str], timeout: float = 15
    ) -> dict[str, Any]:
        """A crawl job of `outlet_id` taken by a crawler, other than those in `not_in`
        (take `job_ids()` just after making the outlet slow: a job taken since then
        is crawling slowly, not finishing a quick crawl)."""
        found: list[dict[str, Any]] = []

        def running() -> bool:
            found[:] = [
                job for job in self.pending_jobs()
                if job["outlet"] == outlet_id and job["id"] not in not_in
            ]  # fmt: skip
            return bool(found)

        wait_until(running, timeout, interval=0.05, what=f"a crawl of {outlet_id} to start")
        return found[0]

    # -- the newsroom ---------------------------------------------------------------

    def publish(
        self, outlet_id: str | None = None, topic: str = TOPIC, **fields: Any
    ) -> FakeArticle:
        """A new article (by default a matching one, on the first outlet)."""
        return self.room.publish(outlet_id or self.outlet_ids[0], topic=topic, **fields)

    def crawled(self, article: FakeArticle) -> bool:
        return article.canonical_url in self.story_counts()

    def wait_crawled(self, *articles: FakeArticle, timeout: float = 30.0) -> None:
        wait_until(
            lambda: all(self.crawled(a) for a in articles),
            timeout,
            interval=0.2,
            what=f"{[a.canonical_url for a in articles]} to be crawled\n{self.logs()}",
        )

    def article_fetches(self) -> Counter[str]:
        """GETs answered for each article page (any of its URLs), by canonical URL."""
        by_path: dict[tuple[str, str], str] = {}
        for article in self.room.expected():
            for url in {article.url, article.canonical_url, *article.urls}:
                base = self.room.outlets[article.outlet_id].base_url
                by_path[(article.outlet_id, url.removeprefix(base))] = article.canonical_url
        fetched: Counter[str] = Counter()
        for access in self.room.access_log:
            canonical = by_path.get((access.outlet_id, access.path))
            if canonical is not None and access.method == "GET" and access.status == 200:
                fetched[canonical] += 1
        return fetched

    # -- alerts ---------------------------------------------------------------------

    def expected_alerts(self) -> set[str]:
        """The webhook-id of every alert due: one per North Korea story crawled."""
        topics = {a.canonical_url: a.topic for a in self.room.expected()}
        return {
            webhook_id(Alert.id_for(WATCHLIST, story.id), CHANNEL)
            for story in self.stories()
            if topics.get(story.article.canonical_url) == TOPIC
        }

    def received(self) -> Counter[str]:
        """Verified webhook requests, by webhook-id."""
        return Counter(r.webhook_id for r in self.receiver.accepted())

    def delivered(self) -> bool:
        """Every alert due has arrived (and nothing else did)."""
        expected = self.expected_alerts()
        return bool(expected) and set(self.received()) == expected

    def wait_delivered(self, timeout: float = 30.0) -> None:
        wait_until(
            self.delivered,
            timeout,
            interval=0.2,
            what=f"every alert to be delivered: expected {sorted(self.expected_alerts())}, "
            f"received {dict(self.received())}\n{self.logs()}",
        )

    def repeated_alerts(self) -> dict[str, int]:
        return {wid: n for wid, n in self.received().items() if n > 1}
