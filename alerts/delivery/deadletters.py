"""Dead letters and disabled channels, for the CLI and `atalaia status` (synchronous).

A dead letter is an alert a channel never took: its retry schedule ran out, the
channel answered 410 Gone or was disabled, or the channel is no longer
configured. Re-queuing one puts it back on the retries set, due now, with its
attempts counted from zero; a running dispatcher picks it up within a second.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import redis

from alerts.delivery.store import RETRY, retry_member
from atalaia.errors import AtalaiaError
from atalaia.redis_keys import Keys
from atalaia.redis_streams import text

STATE_TTL = 30 * 86400
_STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")


class DeadLetterNotFound(AtalaiaError):
    """No dead letter has the id the user gave."""


@dataclass(frozen=True)
class DeadLetter:
    id: str
    alert_id: str
    channel: str
    attempts: int
    error: str
    failed_at: float
    alert_json: str

    @property
    def title(self) -> str:
        try:
            return str(json.loads(self.alert_json)["article"]["title"])
        except (KeyError, TypeError, ValueError):
            return ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "alert_id": self.alert_id,
            "channel": self.channel,
            "attempts": self.attempts,
            "error": self.error,
            "failed_at": self.failed_at,
            "title": self.title,
        }


@dataclass(frozen=True)
class DisabledChannel:
    channel: str
    since: float
    reason: str


def list_dead_letters(client: redis.Redis, keys: Keys, limit: int = 1000) -> list[DeadLetter]:
    """The oldest `limit` dead letters, oldest first."""
    entries: Any = client.xrange(keys.dead_letters(), count=limit)
    return [_dead_letter(entry_id, fields) for entry_id, fields in entries]


def count_dead_letters(client: redis.Redis, keys: Keys) -> int:
    return int(client.xlen(keys.dead_letters()))


def requeue(client: redis.Redis, keys: Keys, ids: list[str], now: float) -> list[DeadLetter]:
    """Put the dead letters `ids` back on the retries set, due `now`."""
    letters = []
    for entry_id in ids:
        found: Any = (
            client.xrange(keys.dead_letters(), min=entry_id, max=entry_id)
            if _STREAM_ID.fullmatch(entry_id)
            else None
        )
        if not found:
            raise DeadLetterNotFound(f"no dead letter with id {entry_id}")
        letters.append(_dead_letter(*found[0]))
    for letter in letters:
        _requeue_one(client, keys, letter, now)
    return letters


def requeue_all(client: redis.Redis, keys: Keys, now: float) -> list[DeadLetter]:
    done: list[DeadLetter] = []
    while batch := list_dead_letters(client, keys, limit=500):
        for letter in batch:
            _requeue_one(client, keys, letter, now)
        done += batch
    return done


def disabled_channels(client: redis.Redis, keys: Keys) -> list[DisabledChannel]:
    """Channels switched off by a 410 Gone, until `atalaia deliveries enable`."""
    raw: Any = client.hgetall(keys.disabled_channels())
    channels = []
    for name, value in raw.items():
        record = json.loads(value)
        channels.append(DisabledChannel(text(name), float(record["since"]), record["reason"]))
    return sorted(channels, key=lambda c: c.channel)


def enable_channel(client: redis.Redis, keys: Keys, channel: str) -> bool:
    """Re-enable `channel`; False when it was not disabled."""
    return bool(client.hdel(keys.disabled_channels(), channel))


def _requeue_one(client: redis.Redis, keys: Keys, letter: DeadLetter, now: float) -> None:
    with client.pipeline(transaction=True) as pipe:
        if letter.alert_id and letter.channel:
            state = keys.delivery(letter.alert_id)
            pipe.hset(
                state,
                mapping={
                    letter.channel: RETRY,
                    f"{letter.channel}:attempts": 0,
                    "alert": letter.alert_json,
                },
            )
            pipe.expire(state, STATE_TTL)
            pipe.zadd(keys.retries(), {retry_member(letter.alert_id, letter.channel): now})
        else:  # not an alert at all: it goes back on the stream as it came
            pipe.xadd(keys.alerts(), {"alert": letter.alert_json})
        pipe.xdel(keys.dead_letters(), letter.id)
        pipe.execute()


def _dead_letter(entry_id: Any, fields: Any) -> DeadLetter:
    data = {text(k): text(v) for k, v in fields.items()}
    return DeadLetter(
        id=text(entry_id),
        alert_id=data.get("alert_id", ""),
        channel=data.get("channel", ""),
        attempts=int(data.get("attempts", 0) or 0),
        error=data.get("error", ""),
        failed_at=float(data.get("failed_at", 0) or 0),
        alert_json=data.get("alert", ""),
    )
