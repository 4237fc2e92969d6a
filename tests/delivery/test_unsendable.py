"""A mail that can never be sent (its address breaks the header) goes to the dead letters
at once, instant or digest, instead of failing again every minute."""

from __future__ import annotations

from datetime import UTC, datetime

import redis

from alerts.delivery.deadletters import list_dead_letters
from alerts.watchlists import EmailChannel
from atalaia.redis_keys import Keys

from .helpers import Clock, drain, enqueue, make_alert, queue_is_empty
from .smtp_server import SmtpServer

MORNING = datetime(2025, 2, 27, 10, 0, tzinfo=UTC)


def broken_channel(smtp_url: str, mode: str = "instant") -> EmailChannel:
    """A channel `check` now refuses (CR/LF in `to`), as an older version accepted it."""
    return EmailChannel.model_construct(
        type="email", to=("analistas@example.org\r\nBcc: intruso@example.org",),
        sender="atalaia@example.org", smtp_url=smtp_url, mode=mode, at="08:00",
        timezone="America/Sao_Paulo", max_per_hour=None, retry=("5s", "5m"),
    )  # fmt: skip


def test_an_unsendable_instant_mail_is_dead_lettered_at_once(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    enqueue(redis_client, keys, [make_alert(1, channels=("analistas",))])
    with SmtpServer() as smtp:
        summary, stats = drain(
            redis_url, keys, {"analistas": broken_channel(smtp.url)}, Clock(MORNING.timestamp())
        )
        assert smtp.mails == []
    assert summary.dead_lettered == 1 and summary.retrying == 0
    assert stats.internal_errors == 0
    (letter,) = list_dead_letters(redis_client, keys)
    assert letter.channel == "analistas" and letter.attempts == 1
    assert letter.error.startswith("cannot build the mail: ")
    assert queue_is_empty(redis_client, keys)


def test_an_unsendable_digest_is_dead_lettered_at_once(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    enqueue(redis_client, keys, [make_alert(n, channels=("analistas",)) for n in (1, 2)])
    clock = Clock(MORNING.timestamp())
    channels = {"analistas": broken_channel("smtp://127.0.0.1:1", mode="digest")}
    held, _ = drain(redis_url, keys, channels, clock)
    assert held.held_for_digest == 2
    clock.advance(3600 + 60)  # past 08:00 in São Paulo
    summary, stats = drain(redis_url, keys, channels, clock)
    assert summary.dead_lettered == 2 and stats.internal_errors == 0
    letters = list_dead_letters(redis_client, keys)
    assert len(letters) == 2
    assert all(letter.error.startswith("cannot build the mail: ") for letter in letters)
