"""The newsroom: fake outlets on loopback, each on its own port, and the truth about them."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

from .model import (
    DEFAULT_SPECS,
    Access,
    FakeArticle,
    Fault,
    NonArticle,
    OutletSpec,
    Trap,
)
from .outlet import FakeOutlet
from .server import OutletServer
from .text import TOPIC_CYCLE, TOPICS, Newsdesk, Story

#: The default clock: a July afternoon, so Lisbon is on summer time (UTC+1) and the
#: "Lisbon local time labelled GMT" trap is live. Pass `now=` for another moment.
DEFAULT_NOW = datetime(2025, 7, 15, 18, 0, tzinfo=UTC)

AGENCY_LINES = {
    "Agência Brasil": ("Com informações da Agência Brasil.", "(Com Agência Brasil)"),
    "Lusa": ("Com Lusa.", "(Com agência Lusa)"),
}


class Newsroom:
    """Fake Portuguese-language news outlets on 127.0.0.1, for tests and benchmarks.

    Use as a context manager (or `start()` / `stop()`). Ports are bound at construction,
    so URLs and the catalogue are known before starting. Content is deterministic from
    `seed`; times are relative to `now`. `latency` delays every response, on every outlet.
    With `distinct_hosts`, outlet i listens on 127.0.0.(i + 2) instead of 127.0.0.1, for
    clients that key per-host limits by host name alone (Scrapy's download slots do).
    `poll_interval` is how often each outlet's idle server wakes up: raise it for
    thousands of outlets (stopping then takes up to that long).
    """

    def __init__(
        self,
        *,
        outlets: Sequence[OutletSpec] | None = None,
        seed: int = 0,
        articles_per_outlet: int = 5,
        latency: float = 0.0,
        now: datetime | None = None,
        distinct_hosts: bool = False,
        poll_interval: float = 0.05,
    ) -> None:
        specs = list(DEFAULT_SPECS if outlets is None else outlets)
        if len({s.id for s in specs}) != len(specs):
            raise ValueError("outlet ids must be unique")
        self.seed = seed
        self.now = (now or DEFAULT_NOW).astimezone(UTC)
        self._stopping = threading.Event()
        self._log: list[Access] = []
        self._log_lock = threading.Lock()
        self._publish_lock = threading.Lock()
        self._serial = 0
        self._published = 0
        self._titles: set[str] = set()
        self._servers: dict[str, OutletServer] = {}
        self._started = False
        self.outlets: dict[str, FakeOutlet] = {}
        for index, spec in enumerate(specs):
            host = f"127.0.0.{index + 2}" if distinct_hosts else "127.0.0.1"
            server = OutletServer(
                None, host=host, latency=latency, stopping=self._stopping,
                record=self._record, poll_interval=poll_interval,
            )  # fmt: skip
            outlet = FakeOutlet(spec, f"http://{host}:{server.port}", seed=seed)
            server.outlet = outlet
            self._servers[spec.id] = server
            self.outlets[spec.id] = outlet
            self._fill(outlet, index, articles_per_outlet)

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> Newsroom:
        if not self._started:
            for server in self._servers.values():
                server.start()
            self._started = True
        return self

    def stop(self) -> None:
        """Stop every outlet; hanging and slow handlers are released at once."""
        self._stopping.set()
        stoppers = [threading.Thread(target=s.stop) for s in self._servers.values()]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()

    def __enter__(self) -> Newsroom:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- the catalogue -----------------------------------------------------------------

    def catalogue(self) -> dict[str, Any]:
        """`{"outlets": [...]}` in the seeds/outlets.yaml shape, pointing at the fakes."""
        return {"outlets": [outlet.catalogue_entry() for outlet in self.outlets.values()]}

    def write_catalogue(self, path: str | Path) -> Path:
        target = Path(path)
        text = yaml.safe_dump(self.catalogue(), allow_unicode=True, sort_keys=False)
        target.write_text(text, encoding="utf-8")
        return target

    def url(self, outlet_id: str, path: str = "/") -> str:
        return self.outlets[outlet_id].base_url + path

    def serve(
        self,
        outlet_id: str,
        path: str,
        body: str | bytes,
        content_type: str = "application/xml; charset=utf-8",
    ) -> str:
        """Serve a document a test wrote (a feed in some real shape, a homepage) at `path`
        of the outlet, ahead of its own routes; returns its URL. `str` is sent as UTF-8."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.outlets[outlet_id].serve(path, data, content_type)

    # --- publishing --------------------------------------------------------------------

    def publish(
        self,
        outlet_id: str,
        *,
        topic: str | None = None,
        title: str | None = None,
        lead: str | None = None,
        body: str | None = None,
        authors: Sequence[str] | None = None,
        published_at: datetime | None = None,
        duplicate_urls: bool = False,
    ) -> FakeArticle:
        """A new article, at once in the outlet's feed, sitemaps and section pages.

        Unset fields are generated; `body` is paragraphs separated by blank lines;
        `published_at` defaults to one minute after the last publication.
        """
        outlet = self.outlets[outlet_id]
        with self._publish_lock:
            serial = self._next_serial()
            when = published_at or self._next_time()
            story = self._story(
                outlet, topic or TOPIC_CYCLE[serial % len(TOPIC_CYCLE)], serial, when
            )
            story = _override(story, title=title, lead=lead, authors=authors)
            article = outlet.make_article(
                story, serial=serial, n=len(outlet.articles), published_at=when,
                duplicate=duplicate_urls, body=_split(body),
            )  # fmt: skip
            outlet.add_article(article, guid=serial)
        return article

    def publish_duplicate_urls(self, outlet_id: str, **fields: Any) -> FakeArticle:
        """An article linked as `...?utm_source=rss&utm_medium=feed` from feeds, clean from
        sitemaps, and also served (and linked from sections) at `/amp/<path>`, whose page
        has `<link rel=canonical>` to the clean URL. `fields` as for `publish`."""
        return self.publish(outlet_id, duplicate_urls=True, **fields)

    def publish_undated(
        self, outlet_id: str, *, title: str | None = None, published_at: datetime | None = None
    ) -> FakeArticle:
        """An article whose page shows no date at all (`Trap.NO_DATE_ON_PAGE`): only the
        feed item's pubDate and the sitemap's publication date say when it was
        published. Best on an outlet whose article URLs carry no day (ARC XP's
        `/section/YYYY/MM/slug/`)."""
        outlet = self.outlets[outlet_id]
        with self._publish_lock:
            serial = self._next_serial()
            when = published_at or self._next_time()
            topic = TOPIC_CYCLE[serial % len(TOPIC_CYCLE)]
            story = self._story(outlet, topic, serial, when)
            story = _override(story, title=title, lead=None, authors=None)
            article = outlet.make_article(
                story, serial=serial, n=len(outlet.articles), published_at=when,
                extra_traps=frozenset({Trap.NO_DATE_ON_PAGE}),
            )  # fmt: skip
            outlet.add_article(article, guid=serial)
        return article

    def publish_wire(
        self, outlet_ids: Sequence[str], *, topic: str = "russia", agency: str | None = None
    ) -> list[FakeArticle]:
        """One agency story on several outlets, lightly edited by each.

        Every copy has the same body (the second copy adds "Com informações da Agência
        Brasil.", the third "(Com Agência Brasil)"), its own headline wording and its
        outlet's boilerplate, a few minutes apart; they share `story_id`.
        """
        if len(outlet_ids) < 2:
            raise ValueError("a wire story needs two or more outlets")
        outlets = [self.outlets[i] for i in outlet_ids]
        european = all(o.spec.language == "pt-PT" for o in outlets)
        agency = agency or ("Lusa" if european else "Agência Brasil")
        lines = AGENCY_LINES.get(agency, (f"Com informações da {agency}.", f"(Com {agency})"))
        copies = []
        with self._publish_lock:
            serial = self._next_serial()
            when = self._next_time()
            desk = Newsdesk(self.seed, european=european)
            story = desk.story(topic, serial, when.astimezone(outlets[0].zone), f"wire:{serial}")
            story = dataclasses.replace(story, authors=(agency,))
            for k, outlet in enumerate(outlets):
                closing = "" if k == 0 else lines[(k - 1) % 2]
                article = outlet.make_article(
                    story, serial=serial, n=len(outlet.articles), variant=k,
                    published_at=when + timedelta(minutes=3 * k), story_id=f"wire:{serial}",
                    extra_traps=frozenset({Trap.WIRE_COPY}), closing=closing,
                )  # fmt: skip
                outlet.add_article(article, guid=serial * 10 + k)
                copies.append(article)
        return copies

    # --- faults --------------------------------------------------------------------------

    def set_fault(self, outlet_id: str, fault: Fault | None) -> None:
        """Make one outlet misbehave (None: behave again); the others are untouched."""
        self.outlets[outlet_id].fault = fault

    def set_validators(self, outlet_id: str, on: bool) -> None:
        """With `on` False, the outlet sends no ETag or Last-Modified and never answers
        304, as many real feeds do: only the body tells whether it changed."""
        self.outlets[outlet_id].validators = on

    # --- the truth and the log -----------------------------------------------------------

    def expected(
        self, outlet_id: str | None = None, *, listed_only: bool = False
    ) -> list[FakeArticle]:
        """The articles an ideal crawl finds, oldest first per outlet.

        `listed_only`: just those linked from the current listings (feeds show only the
        newest 50 items, section pages the newest 50 of their section).
        """
        chosen = [self.outlets[outlet_id]] if outlet_id else list(self.outlets.values())
        found: list[FakeArticle] = []
        for outlet in chosen:
            found += outlet.listed_articles() if listed_only else outlet.articles
        return found

    def non_articles(self, outlet_id: str | None = None) -> list[NonArticle]:
        """Links in the listings that lead to no article (video hub, tag, 404s, robots trap)."""
        chosen = [self.outlets[outlet_id]] if outlet_id else list(self.outlets.values())
        return [thing for outlet in chosen for thing in outlet.non_articles]

    @property
    def access_log(self) -> list[Access]:
        """A snapshot of every request answered so far (or hung: status 0)."""
        with self._log_lock:
            return list(self._log)

    def requests_for(
        self, outlet_id: str, path_prefix: str = "", *, method: str | None = None
    ) -> list[Access]:
        return [
            a
            for a in self.access_log
            if a.outlet_id == outlet_id
            and a.path.startswith(path_prefix)
            and (method is None or a.method == method)
        ]

    def fetched(self, url: str) -> bool:
        """Whether anything requested this absolute URL (path and query as given)."""
        for outlet in self.outlets.values():
            if url.startswith(outlet.base_url + "/"):
                path = url[len(outlet.base_url) :]
                return any(a.path == path for a in self.requests_for(outlet.id))
        return False

    def clear_access_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def _record(self, access: Access) -> None:
        with self._log_lock:
            self._log.append(access)

    # --- building ------------------------------------------------------------------------

    def _fill(self, outlet: FakeOutlet, index: int, count: int) -> None:
        when = self.now - timedelta(minutes=2 * index + 1)
        times = []
        for n in range(count):
            times.append(when)
            when -= timedelta(minutes=6 + (n * 7919 + index * 104729 + self.seed) % 25)
        for n, published in enumerate(reversed(times)):
            serial = self._next_serial()
            topic = TOPIC_CYCLE[(n + index * 5) % len(TOPIC_CYCLE)]
            story = self._story(outlet, topic, serial, published)
            article = outlet.make_article(story, serial=serial, n=n, published_at=published)
            outlet.add_article(article, guid=serial)
        if outlet.spec.non_articles and count:
            outlet.add_non_articles(times[0])

    def _story(self, outlet: FakeOutlet, topic: str, serial: int, when: datetime) -> Story:
        """A story whose headline no other story in the newsroom has."""
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}; known: {', '.join(TOPICS)}")
        desk = Newsdesk(self.seed, european=outlet.spec.language == "pt-PT")
        local = when.astimezone(outlet.zone)
        story = desk.story(topic, serial, local, f"{outlet.id}:{serial}")
        attempt = 0
        while story.headlines[0] in self._titles and attempt < 50:
            attempt += 1
            story = desk.story(topic, serial, local, f"{outlet.id}:{serial}", attempt)
        self._titles.add(story.headlines[0])
        return story

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _next_time(self) -> datetime:
        self._published += 1
        return self.now + timedelta(minutes=self._published)


def _override(
    story: Story, *, title: str | None, lead: str | None, authors: Sequence[str] | None
) -> Story:
    changes: dict[str, Any] = {}
    if title is not None:
        changes["headlines"] = (title, *story.headlines[1:])
    if lead is not None:
        changes["lead"] = lead
    if authors is not None:
        changes["authors"] = tuple(authors)
    return dataclasses.replace(story, **changes) if changes else story


def _split(body: str | None) -> tuple[str, ...] | None:
    if body is None:
        return None
    return tuple(p.strip() for p in body.split("\n\n") if p.strip())
