"""Failures: 500 then 200, a hang, 429 with Retry-After, 410, refused connections, redirects,
the end of the schedule, and secrets kept out of logs and dead letters."""

from __future__ import annotations

import logging
import socket
import time
from collections import Counter
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import redis

from alerts.delivery.deadletters import (
    disabled_channels,
    enable_channel,
    list_dead_letters,
    requeue,
    requeue_all,
)
from alerts.delivery.schedule import parse_retry_after
from alerts.delivery.signing import webhook_id
from alerts.delivery.store import retry_member
from atalaia.redis_keys import Keys

from .helpers import BASE, Clock, drain, enqueue, make_alert, new_secret, queue_is_empty, webhook
from .receiver import Answer, Receiver, Request, Responder


def fail_first(status: int, **headers: str) -> Responder:
    def respond(request: Request, seen: int) -> Answer:
        return Answer(status, headers=headers) if seen == 0 else Answer(200)

    return respond


def test_500_then_200_is_retried_with_the_same_webhook_id(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    secret = new_secret()
    alerts = enqueue(redis_client, keys, [make_alert(n) for n in range(10)])
    clock = Clock(BASE.timestamp())
    with Receiver(secret, fail_first(500)) as receiver:
        channels = {"equipe": webhook(receiver.url, secret)}
        summary, stats = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 0 and summary.retrying == 10
        assert stats.retried["equipe"] == 10
        # The stream moved on: retries wait in the sorted set, not in the stream.
        assert queue_is_empty(redis_client, keys)
        due = redis_client.zscore(keys.retries(), retry_member(alerts[0].id, "equipe"))
        assert due is not None and 4.5 <= due - clock.now <= 5.5  # 5s ± 10 % jitter

        clock.advance(3)
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 0  # not due yet

        clock.advance(3)
        summary, stats = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 10 and summary.retrying == 0
        assert len(receiver.accepted()) == 20
        counts = Counter(receiver.ids())
        assert set(counts) == {webhook_id(a.id, "equipe") for a in alerts}
        assert set(counts.values()) == {2}


def test_a_receiver_hanging_past_the_timeout_is_retried(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    def hang_once(request: Request, seen: int) -> Answer:
        return Answer(200, delay=3.0) if seen == 0 else Answer(200)

    enqueue(redis_client, keys, [make_alert(1)])
    clock = Clock(BASE.timestamp())
    with Receiver(responder=hang_once) as receiver:
        channels = {"equipe": webhook(receiver.url)}
        summary, _ = drain(redis_url, keys, channels, clock)  # total timeout: 1s
        assert summary.delivered == 0 and summary.retrying == 1
        (letter,) = redis_client.hmget(keys.delivery(make_alert(1).id), ["equipe:error"])
        assert letter == b"timed out after 1s"
        clock.advance(6)
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 1
        assert len(set(receiver.ids())) == 1 and len(receiver.ids()) == 2


def test_429_retry_after_is_honoured(redis_client: redis.Redis, redis_url: str, keys: Keys) -> None:
    enqueue(redis_client, keys, [make_alert(1)])
    clock = Clock(BASE.timestamp())
    with Receiver(responder=fail_first(429, **{"retry-after": "120"})) as receiver:
        channels = {"equipe": webhook(receiver.url)}
        drain(redis_url, keys, channels, clock)
        clock.advance(60)  # the schedule alone (5s) would retry by now
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 0 and len(receiver.requests) == 1
        clock.advance(61)
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 1 and len(receiver.requests) == 2


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2025, 2, 27, 12, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("30", now) == 30
    later = datetime(2025, 2, 27, 12, 2, tzinfo=UTC)
    assert parse_retry_after(format_datetime(later, usegmt=True), now) == 120
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_410_disables_the_channel_until_it_is_enabled(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    clock = Clock(BASE.timestamp())
    gone = True

    def respond(request: Request, seen: int) -> Answer:
        return Answer(410) if gone else Answer(200)

    enqueue(redis_client, keys, [make_alert(n) for n in range(3)])
    with Receiver(responder=respond) as receiver:
        channels = {"equipe": webhook(receiver.url)}
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.dead_lettered == 3
        assert [c.channel for c in disabled_channels(redis_client, keys)] == ["equipe"]
        assert queue_is_empty(redis_client, keys)
        # Later alerts are dead-lettered without a request while the channel is off.
        requests_before = len(receiver.requests)
        enqueue(redis_client, keys, [make_alert(9)])
        drain(redis_url, keys, channels, clock)
        assert len(receiver.requests) == requests_before
        assert len(list_dead_letters(redis_client, keys)) == 4

        gone = False
        assert enable_channel(redis_client, keys, "equipe")
        assert disabled_channels(redis_client, keys) == []
        requeued = requeue_all(redis_client, keys, clock.now)
        assert len(requeued) == 4
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 4
        assert list_dead_letters(redis_client, keys) == []


def test_refused_connections_and_redirects_are_retried_then_dead_lettered(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    clock = Clock(BASE.timestamp())
    with Receiver(responder=lambda r, s: Answer(302, headers={"location": "/elsewhere"})) as rx:
        channels = {
            "refused": webhook(f"http://127.0.0.1:{closed_port}/hook", retry=["1s", "1s"]),
            "redirect": webhook(rx.url, retry=["1s"]),
        }
        alert = make_alert(1, channels=("refused", "redirect"))
        enqueue(redis_client, keys, [alert])
        for _ in range(3):
            drain(redis_url, keys, channels, clock)
            clock.advance(2)
        assert [r.path for r in rx.requests] == ["/hook", "/hook"]  # never /elsewhere
    letters = {d.channel: d for d in list_dead_letters(redis_client, keys)}
    assert letters["refused"].attempts == 3 and letters["refused"].error == "connection refused"
    assert letters["redirect"].attempts == 2
    assert letters["redirect"].error == "HTTP 302 (redirects are not followed)"
    assert letters["refused"].alert_id == alert.id


def test_secrets_never_reach_logs_or_dead_letters(
    redis_client: redis.Redis, redis_url: str, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    secret = new_secret()
    token = "T0123/B4567/s3cr3tT0k3n"  # chat apps put a secret in the URL itself
    caplog.set_level(logging.DEBUG)
    clock = Clock(BASE.timestamp())
    with Receiver(secret, responder=lambda r, s: Answer(500, body=secret.encode())) as rx:
        channel = webhook(f"{rx.url}/{token}", secret, retry=["1s"])
        assert secret not in repr(channel) and token not in repr(channel)
        enqueue(redis_client, keys, [make_alert(1)])
        for _ in range(2):
            drain(redis_url, keys, {"equipe": channel}, clock)
            clock.advance(2)
        assert len(rx.accepted()) == 2
    (letter,) = list_dead_letters(redis_client, keys)
    assert letter.error == "HTTP 500"
    everything = [caplog.text, repr(letter), *(str(v) for v in _all_values(redis_client, keys))]
    for text in everything:
        assert secret not in text and secret.removeprefix("whsec_") not in text
        assert token not in text


def test_a_requeued_dead_letter_is_delivered(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    clock = Clock(BASE.timestamp())
    healthy = False

    def respond(request: Request, seen: int) -> Answer:
        return Answer(200) if healthy else Answer(503)

    enqueue(redis_client, keys, [make_alert(1), make_alert(2)])
    with Receiver(responder=respond) as rx:
        channels = {"equipe": webhook(rx.url, retry=[])}
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.dead_lettered == 2
        first, second = list_dead_letters(redis_client, keys)
        assert first.attempts == 1 and first.error == "HTTP 503"
        healthy = True
        requeue(redis_client, keys, [first.id], clock.now)
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 1
        assert [d.id for d in list_dead_letters(redis_client, keys)] == [second.id]
        ids = rx.ids()
        assert ids.count(webhook_id(first.alert_id, "equipe")) == 2


def _all_values(client: redis.Redis, keys: Keys) -> list[object]:
    values: list[object] = []
    for key in client.scan_iter(match=keys.prefix + "*"):
        kind = client.type(key)
        if kind == b"hash":
            values.append(client.hgetall(key))
        elif kind == b"stream":
            values.append(client.xrange(key))
        elif kind == b"zset":
            values.append(client.zrange(key, 0, -1))
        elif kind == b"string":
            values.append(client.get(key))
    return values


def test_drain_waits_for_a_retry_that_falls_due_within_its_bound(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    enqueue(redis_client, keys, [make_alert(1)])
    with Receiver(responder=fail_first(503)) as rx:
        channels = {"equipe": webhook(rx.url, retry=["0.3s"])}
        summary, _ = drain(redis_url, keys, channels, time.time, wait_for_retries=True)
        assert summary.delivered == 1 and summary.retrying == 0
        assert summary.seconds < 3
        assert len(rx.requests) == 2
