"""Reading what was caught: kept alerts and stories, their deliveries, daily counts.

The read side of alerts.archive, for `atalaia alerts`, `atalaia stories` and the
web app (synchronous: the web app calls it in a worker thread). Every listing is
a range read of one time index plus one pipelined round trip for the records, so
its cost grows with the page, not with what is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import redis

from alerts.alert import Alert
from alerts.delivery.store import DEAD, DELIVERED, DIGEST, RETRY
from atalaia.article import Article
from atalaia.redis_keys import Keys
from atalaia.redis_streams import text, texts
from atalaia.story import Copy, Story

PENDING = "pending"
"""Not handled by a dispatcher yet (or its state has expired)."""
NO_CHANNEL = "none"
"""The watchlist notifies no channel: the alert is only kept, for browsing."""

StoryFilter = Callable[[Article], bool]


@dataclass(frozen=True)
class ChannelDelivery:
    """How one channel's delivery of one alert stands."""

    channel: str
    state: str
    """delivered, retry, digest, dead or pending."""
    attempts: int = 0
    error: str = ""
    delivered_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "state": self.state,
            "attempts": self.attempts,
            "error": self.error,
            "delivered_at": self.delivered_at,
        }


@dataclass(frozen=True)
class KeptAlert:
    alert: Alert
    also_in: tuple[Copy, ...] = ()
    """Every other outlet that carried the story, as known now."""
    deliveries: tuple[ChannelDelivery, ...] = ()

    @property
    def id(self) -> str:
        return self.alert.id

    @property
    def created(self) -> float:
        return self.alert.created_at.timestamp()

    @property
    def delivery(self) -> str:
        """One word for the alert's delivery: the least advanced of its channels."""
        states = {d.state for d in self.deliveries}
        if not states:
            return NO_CHANNEL
        for state in (DEAD, RETRY, PENDING, DIGEST):
            if state in states:
                return state
        return DELIVERED

    def to_dict(self) -> dict[str, Any]:
        data = self.alert.to_dict()
        data["also_in"] = [{"outlet": c.outlet, "url": c.url} for c in self.also_in]
        data["delivery"] = self.delivery
        data["deliveries"] = [d.to_dict() for d in self.deliveries]
        return data


@dataclass(frozen=True)
class AlertFilter:
    watchlist: str | None = None
    outlet: str | None = None
    since: float | None = None
    """Epoch seconds: only alerts created from then on."""


@dataclass(frozen=True)
class AlertPage:
    alerts: list[KeptAlert]
    total: int
    """How many alerts the filter selects, on every page."""
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.alerts) < self.total


@dataclass(frozen=True)
class KeptStory:
    story: Story
    """With its body when the stream still holds it; else rebuilt from an alert."""
    also_in: tuple[Copy, ...] = ()
    watchlists: tuple[str, ...] = ()
    """The watchlists it matched (an alert of each is kept)."""
    alerts: tuple[KeptAlert, ...] = field(default=())

    def to_dict(self, *, body: bool = False) -> dict[str, Any]:
        data = self.story.to_dict()
        if not body:
            data["article"].pop("body", None)
        data["also_in"] = [{"outlet": c.outlet, "url": c.url} for c in self.also_in]
        data["watchlists"] = list(self.watchlists)
        return data


class History:
    """What alerts.archive keeps, read back."""

    def __init__(self, client: redis.Redis, keys: Keys, *, keep_for: float) -> None:
        self.client = client
        self.keys = keys
        self.keep_for = keep_for

    # -- alerts -----------------------------------------------------------------------

    def alerts(
        self, chosen: AlertFilter, *, now: float, offset: int = 0, limit: int = 50
    ) -> AlertPage:
        """The newest alerts `chosen` selects, `limit` from `offset`, and how many in all."""
        index = self.keys.kept_alerts(chosen.watchlist, chosen.outlet)
        low = self._low(chosen.since, now)
        with self.client.pipeline(transaction=False) as pipe:
            pipe.zrevrangebyscore(index, "+inf", low, start=offset, num=limit)
            pipe.zcount(index, low, "+inf")
            ids, total = pipe.execute()
        return AlertPage(self.alerts_by_id(texts(ids)), int(total), offset, limit)

    def alerts_since(
        self, chosen: AlertFilter, after: float, seen: Iterable[str], *, now: float
    ) -> list[KeptAlert]:
        """Alerts created at `after` or later, oldest first, but those in `seen` (for
        following: alerts of one story share their creation time)."""
        index = self.keys.kept_alerts(chosen.watchlist, chosen.outlet)
        low = max(after, self._low(chosen.since, now))
        ids = texts(self.client.zrangebyscore(index, low, "+inf", start=0, num=500))
        skip = set(seen)
        return self.alerts_by_id([i for i in ids if i not in skip])

    def alert(self, alert_id: str) -> KeptAlert | None:
        found = self.alerts_by_id([alert_id])
        return found[0] if found else None

    def alerts_by_id(self, alert_ids: Sequence[str]) -> list[KeptAlert]:
        """The kept alerts, in the order given; those expired are left out."""
        if not alert_ids:
            return []
        raw: list[Any] = self.client.mget([self.keys.kept_alert(i) for i in alert_ids])
        alerts = [Alert.from_json(record) for record in raw if record is not None]
        with self.client.pipeline(transaction=False) as pipe:
            for alert in alerts:
                pipe.hgetall(self.keys.delivery(alert.id))
                pipe.hgetall(self.keys.story_also(alert.story_id))
            replies = pipe.execute()
        return [
            KeptAlert(
                alert,
                _merge_copies(alert.also_in, replies[2 * n + 1], alert.article.outlet),
                _deliveries(alert.channels, replies[2 * n]),
            )
            for n, alert in enumerate(alerts)
        ]

    def latest(self, chosen: AlertFilter) -> float | None:
        """When the newest alert `chosen` selects was created."""
        newest = self.client.zrevrange(
            self.keys.kept_alerts(chosen.watchlist, chosen.outlet), 0, 0, withscores=True
        )
        return float(newest[0][1]) if newest else None

    # -- stories ----------------------------------------------------------------------

    def story(self, story_id: str) -> KeptStory | None:
        """A story kept, with its alerts; None when nothing of it is kept."""
        record = _record(self.client.hgetall(self.keys.kept_story(story_id)))
        alerts = tuple(self.alerts_by_id(list(_alert_fields(record).values())))
        story = None
        if record.get("entry"):
            found = self._entries([record["entry"]])
            story = found[0] if found else None
        if story is None and alerts:  # the stream let it go first: the alert keeps the rest
            first = alerts[0].alert
            seen = float(record.get("first_seen") or first.created_at.timestamp())
            story = Story(story_id, first.article, datetime.fromtimestamp(seen, UTC))
        if story is None:
            return None
        live: Any = self.client.hgetall(self.keys.story_also(story_id))
        copies = _merge_copies(story.also_in, live, story.article.outlet)
        watchlists = tuple(kept.alert.watchlist_id for kept in alerts)
        return KeptStory(story, copies, watchlists, alerts)

    def stories(
        self,
        *,
        now: float,
        outlet: str | None = None,
        since: float | None = None,
        matching: StoryFilter | None = None,
        limit: int = 50,
        batch: int = 200,
    ) -> list[KeptStory]:
        """The newest stories kept (of `outlet`), first seen since `since`, that
        `matching` accepts; at most `limit`, newest first."""
        low = self._low(since, now)
        found: list[KeptStory] = []
        for stories in self._story_batches(outlet, low, batch):
            for story in stories:
                if matching is None or matching(story.article):
                    found.append(KeptStory(story, story.also_in))
                    if len(found) >= limit:
                        return self._with_copies(found)
        return self._with_copies(found)

    def stream_position(self) -> str:
        """The id of the newest story in the stream now ("0-0" when empty)."""
        newest: Any = self.client.xrevrange(self.keys.recent_stories(), "+", "-", count=1)
        return text(newest[0][0]) if newest else "0-0"

    def stories_after(self, position: str, *, block_ms: int = 1000) -> tuple[str, list[KeptStory]]:
        """Stories handed on after stream `position`, oldest first (waiting up to
        `block_ms` for one), and the position to read from next."""
        reply: Any = self.client.xread(
            {self.keys.recent_stories(): position}, count=500, block=block_ms
        )
        entries = [entry for _, batch in reply or [] for entry in batch]
        if not entries:
            return position, []
        stories = [s for s in (_story(fields) for _, fields in entries) if s is not None]
        return text(entries[-1][0]), self._with_copies([KeptStory(s, s.also_in) for s in stories])

    def _story_batches(self, outlet: str | None, low: float, batch: int) -> Iterator[list[Story]]:
        """Batches of stories, newest first, first seen at `low` or later."""
        if outlet is None:
            high = "+"
            while True:
                entries: Any = self.client.xrevrange(
                    self.keys.recent_stories(), high, f"{int(low * 1000)}-0", count=batch
                )
                stories = [_story(fields) for _, fields in entries]
                yield [s for s in stories if s is not None and s.first_seen.timestamp() >= low]
                if len(entries) < batch:
                    return
                high = "(" + text(entries[-1][0])
        else:
            offset = 0
            while True:
                ids = texts(
                    self.client.zrevrangebyscore(
                        self.keys.kept_outlet_stories(outlet), "+inf", low, start=offset, num=batch
                    )
                )
                yield self._entries(ids)
                if len(ids) < batch:
                    return
                offset += batch

    def _entries(self, entry_ids: Sequence[str]) -> list[Story]:
        with self.client.pipeline(transaction=False) as pipe:
            for entry_id in entry_ids:
                pipe.xrange(self.keys.recent_stories(), entry_id, entry_id)
            replies = pipe.execute()
        stories = [_story(reply[0][1]) for reply in replies if reply]
        return [s for s in stories if s is not None]

    def _with_copies(self, found: list[KeptStory]) -> list[KeptStory]:
        with self.client.pipeline(transaction=False) as pipe:
            for kept in found:
                pipe.hgetall(self.keys.story_also(kept.story.id))
                pipe.hgetall(self.keys.kept_story(kept.story.id))
            replies = pipe.execute()
        return [
            KeptStory(
                kept.story,
                _merge_copies(kept.also_in, replies[2 * n], kept.story.article.outlet),
                tuple(_alert_fields(_record(replies[2 * n + 1]))),
            )
            for n, kept in enumerate(found)
        ]

    # -- daily counts -----------------------------------------------------------------

    def daily_counts(self, count_field: str, days: Sequence[date]) -> list[int]:
        """The count `count_field` (alerts.archive.watchlist_count, ...) on each day."""
        with self.client.pipeline(transaction=False) as pipe:
            for day in days:
                pipe.hget(self.keys.day_counts(day), count_field)
            replies = pipe.execute()
        return [int(reply or 0) for reply in replies]

    def _low(self, since: float | None, now: float) -> float:
        """The oldest creation time worth reading: `since`, or what is still kept."""
        oldest = now - self.keep_for
        return max(since, oldest) if since is not None else oldest


def _deliveries(channels: Sequence[str], raw: dict[Any, Any]) -> tuple[ChannelDelivery, ...]:
    state = {text(k): text(v) for k, v in raw.items()}
    found = []
    for channel in channels:
        current = state.get(channel, PENDING)
        failed = int(state.get(f"{channel}:attempts", 0) or 0)
        attempts = failed + 1 if current == DELIVERED else failed
        when = state.get(f"{channel}:delivered_at")
        found.append(
            ChannelDelivery(
                channel, current, attempts, state.get(f"{channel}:error", ""),
                float(when) if when else None,
            )
        )  # fmt: skip
    return tuple(found)


def _record(raw: Any) -> dict[str, str]:
    return {text(k): text(v) for k, v in dict(raw or {}).items()}


def _alert_fields(record: dict[str, str]) -> dict[str, str]:
    """watchlist id -> alert id, from a kept story's hash."""
    return {
        name.removeprefix("alert:"): value
        for name, value in sorted(record.items())
        if name.startswith("alert:")
    }


def _merge_copies(known: Iterable[Copy], live: dict[Any, Any], own: str) -> tuple[Copy, ...]:
    copies = {c.outlet: c for c in known}
    for outlet, url in live.items():
        copies.setdefault(text(outlet), Copy(text(outlet), text(url)))
    copies.pop(own, None)
    return tuple(sorted(copies.values(), key=lambda c: c.outlet))


def _story(fields: Any) -> Story | None:
    raw = fields.get(b"story") if fields else None
    if raw is None:
        return None
    try:
        return Story.from_json(raw)
    except (ValueError, KeyError, TypeError):
        return None  # not a story: skipped, as replay does
