"""Catching stories as the crawler does (the hand-off seam), and serving the web app
on loopback with the real uvicorn, for the web and history tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import yaml

from alerts.active_watchlists import ActiveWatchlists
from alerts.alert import Alert
from alerts.archive import Archive
from alerts.intake import accept_story
from alerts.queue import AlertQueue
from atalaia.article import Article
from atalaia.redis_keys import Keys
from atalaia.settings import Settings
from atalaia.story import Story
from crawler.catalogue import Catalogue, load_catalogue
from crawler.dedupe.stories import story_id_for
from scheduler.metrics import Metrics
from scheduler.web.app import create_app
from scheduler.web.context import Web
from scheduler.web.server import WebServer

WATCHLISTS: dict[str, Any] = {
    "channels": {
        "equipe": {"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret": ""},
    },
    "watchlists": [
        {"id": "coreia", "name": "Coreia do Norte", "terms": ["Coreia do Norte"],
         "notify": ["equipe"]},
        {"id": "russia", "name": "Rússia", "query": "Rússia OR Kremlin"},
    ],
}  # fmt: skip

OUTLETS: dict[str, Any] = {
    "outlets": [
        {"id": "r7", "name": "R7", "timezone": "America/Sao_Paulo",
         "homepage": "https://noticias.r7.com/", "feeds": ["https://noticias.r7.com/feed.xml"]},
        {"id": "publico", "name": "Público", "timezone": "Europe/Lisbon",
         "homepage": "https://www.publico.pt/", "feeds": ["https://www.publico.pt/rss"]},
    ]
}  # fmt: skip


def write_files(tmp_path: Path) -> tuple[Path, Path]:
    watchlists = tmp_path / "watchlists.yaml"
    watchlists.write_text(yaml.safe_dump(WATCHLISTS, allow_unicode=True), "utf-8")
    outlets = tmp_path / "outlets.yaml"
    outlets.write_text(yaml.safe_dump(OUTLETS, allow_unicode=True), "utf-8")
    return watchlists, outlets


def article(title: str, outlet: str = "r7", body: str = "", n: int = 0) -> Article:
    url = f"https://example.{outlet}.invalid/{n}"
    return Article(
        url=url, outlet=outlet, title=title, canonical_url=url,
        lead=f"Lead of {title}", body=body or f"Body of {title}.",
        published_at=datetime(2025, 7, 15, 14, 9, tzinfo=UTC),
    )  # fmt: skip


class Catcher:
    """Hands stories on through `alerts.intake.accept_story`, as the crawler's
    hand-off pipeline does, with the clock given."""

    def __init__(
        self, client: redis.Redis, keys: Keys, watchlists: ActiveWatchlists, archive: Archive
    ) -> None:
        self.client = client
        self.keys = keys
        self.watchlists = watchlists
        self.queue = AlertQueue(client, keys, archive=archive)

    def catch(self, item: Article, now: datetime) -> tuple[Story, list[Alert]]:
        story = Story(story_id_for(item.canonical_url), item, now)
        with self.client.pipeline(transaction=True) as pipe:
            alerts = accept_story(
                pipe, self.keys, story, max_recent=100_000,
                watchlists=self.watchlists.current, queue=self.queue, now=now,
            )  # fmt: skip
            pipe.execute()
        return story, alerts


def web_for(
    client: redis.Redis,
    keys: Keys,
    watchlists_path: Path,
    outlets_path: Path,
    *,
    token: str | None = None,
    now: float | None = None,
    **settings: Any,
) -> Web:
    async def healthy() -> bool | str:
        return True

    catalogue: Catalogue = load_catalogue(outlets_path)
    web = Web(
        client=client,
        keys=keys,
        settings=Settings(redis_prefix=keys.prefix, web_token=token, **settings),
        catalogue=catalogue,
        watchlists=ActiveWatchlists(watchlists_path),
        healthy=healthy,
        registry=Metrics().registry,
    )
    if now is not None:
        web.now = lambda: now
    return web


@contextmanager
def served(app: Any, host: str = "127.0.0.1", **options: Any) -> Iterator[str]:
    """Serve `app` with the real uvicorn on a free port of `host`, in a thread with its
    own event loop; yields the base URL."""
    loop = asyncio.new_event_loop()
    server = WebServer(app, host, 0, **options)
    ready = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.start())
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread below
            failed.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    if failed:
        raise failed[0]
    try:
        yield f"http://{host}:{server.bound_port}"
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def serve_web(web: Web) -> Any:
    return served(create_app(web))
