"""What an outlet's last polls left, in one small hash per outlet: `outlet:<id>:poll`.

- `v:<url>`, for each feed, sitemap or section page processed to its end: JSON
  `[etag, last_modified, body_hash, saved_at]`. The next poll sends the first two
  as If-None-Match / If-Modified-Since; a 304, or a 200 whose body hashes as the
  last one did (many feeds send no validators), is unchanged: it is not parsed.
- `s:<source url>`, for each configured source that gave nothing lately: its run of
  empty passes (crawler.source_health; `atalaia status` reads them).

A pass reads the hash together with the outlet's due article URLs in one pipelined
call at its start (`PollStore.load`), keeps what changed in memory, and writes it
in one pipelined call at its end (`PollStore.save`, nothing at all when nothing
changed). So an unchanged poll costs one read and no parsing. Validators are only
remembered once every new link of the response is claimed (crawler.spiders.outlet):
a pass that dies before its end loses no link, it only reads the source again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import redis

from atalaia.redis_keys import Keys
from atalaia.redis_streams import json_object, text
from crawler.dedupe.seen_urls import SeenUrls

VALIDATORS = "v:"
SOURCE = "s:"


def body_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=12).hexdigest()


@dataclass
class PollState:
    """One outlet's poll hash as its pass sees it: read at the start, changes kept."""

    fields: dict[str, str] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    def request_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for the last copy of `url` processed."""
        etag, modified, _ = self._validators(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def unchanged(self, url: str, body: bytes) -> bool:
        """Whether `body` is the copy of `url` last processed to its end."""
        known = self._validators(url)[2]
        return bool(known) and known == body_hash(body)

    def remember(
        self, url: str, *, etag: str | None, last_modified: str | None, body: bytes, now: float
    ) -> None:
        """Keep the validators of a response whose content has been fully processed."""
        value = [etag or "", last_modified or "", body_hash(body), round(now)]
        self._set(VALIDATORS + url, json.dumps(value, separators=(",", ":")))

    def forget(self, url: str) -> None:
        """Drop `url`'s validators: it is read in full next time."""
        self._delete(VALIDATORS + url)

    def source_record(self, source: str) -> dict[str, Any]:
        """The run of empty passes kept for `source` ({} when it gave links lately)."""
        return json_object(self._get(SOURCE + source))

    def set_source_record(self, source: str, record: dict[str, Any] | None) -> None:
        if record is None:
            self._delete(SOURCE + source)
        else:
            self._set(SOURCE + source, json.dumps(record, separators=(",", ":")))

    def forget_stale(self, sources: Collection[str], now: float, max_age: float) -> None:
        """Drop the records of sources the outlet no longer has, and validators not
        saved for `max_age` seconds (child sitemaps of past months): at worst, one
        more full read."""
        for name, value in list(self.fields.items()):
            if name.startswith(SOURCE) and name[len(SOURCE) :] not in sources:
                self._delete(name)
            elif name.startswith(VALIDATORS) and name not in self.changed:
                saved = _list(value)[3:4]
                if not saved or not isinstance(saved[0], int | float) or now - saved[0] > max_age:
                    self._delete(name)

    def _validators(self, url: str) -> tuple[str, str, str]:
        value = _list(self._get(VALIDATORS + url))
        parts = [part if isinstance(part, str) else "" for part in value[:3]] + ["", "", ""]
        return parts[0], parts[1], parts[2]

    def _get(self, name: str) -> str | None:
        if name in self.removed:
            return None
        return self.changed.get(name, self.fields.get(name))

    def _set(self, name: str, value: str) -> None:
        self.removed.discard(name)
        if self.fields.get(name) != value:
            self.changed[name] = value

    def _delete(self, name: str) -> None:
        self.changed.pop(name, None)
        if name in self.fields:
            self.removed.add(name)


class PollStore:
    """Reads and writes outlets' poll hashes (and their due URLs) for the crawl."""

    def __init__(self, client: redis.Redis, keys: Keys, *, ttl: float) -> None:
        self.client = client
        self.keys = keys
        self.ttl = int(ttl)

    def load(self, outlet_id: str, now: float, seen_urls: SeenUrls) -> tuple[list[str], PollState]:
        """In one round trip: the outlet's pending article URLs due for another try
        (`seen_urls.due`), and its poll state."""
        return self.load_many([outlet_id], now, seen_urls)[0]

    def load_many(
        self, outlet_ids: Sequence[str], now: float, seen_urls: SeenUrls
    ) -> list[tuple[list[str], PollState]]:
        """`load` for each of `outlet_ids`, all in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        for outlet_id in outlet_ids:
            seen_urls.queue_due(pipe, outlet_id, now)
            pipe.hgetall(self.keys.outlet_poll(outlet_id))
        replies = pipe.execute()
        return [
            (
                [text(url) for url in due],
                PollState({text(name): text(value) for name, value in raw.items()}),
            )
            for due, raw in zip(replies[::2], replies[1::2], strict=True)
        ]

    def save(
        self, outlet_id: str, state: PollState, pipe: redis.client.Pipeline | None = None
    ) -> None:
        """Write what the pass changed (nothing, and no round trip, if nothing did)."""
        if not state.changed and not state.removed:
            return
        own = pipe is None
        pipe = self.client.pipeline(transaction=False) if pipe is None else pipe
        key = self.keys.outlet_poll(outlet_id)
        if state.removed:
            pipe.hdel(key, *sorted(state.removed))
        if state.changed:
            pipe.hset(key, mapping=cast(dict[Any, Any], state.changed))
        pipe.expire(key, self.ttl)
        if own:
            pipe.execute()
        state.fields.update(state.changed)
        for name in state.removed:
            state.fields.pop(name, None)
        state.changed, state.removed = {}, set()


def read_source_records(
    client: redis.Redis, keys: Keys, outlet_ids: Iterable[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per outlet id, its sources' records of empty passes, in one round trip."""
    ids = list(outlet_ids)
    pipe = client.pipeline(transaction=False)
    for outlet_id in ids:
        pipe.hgetall(keys.outlet_poll(outlet_id))
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for outlet_id, raw in zip(ids, pipe.execute(), strict=True):
        records = {}
        for name, value in raw.items():
            name = text(name)
            if name.startswith(SOURCE):
                records[name[len(SOURCE) :]] = json_object(value)
        found[outlet_id] = records
    return found


def _list(value: str | None) -> list[Any]:
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []
