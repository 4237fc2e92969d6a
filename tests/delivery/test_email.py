"""Email delivery to a real SMTP server (aiosmtpd): instant mails, digests, the hourly cap,
and article text that cannot add or break a header."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import redis

from alerts.delivery.deadletters import list_dead_letters
from atalaia.redis_keys import Keys

from .helpers import Clock, drain, email, enqueue, make_alert, queue_is_empty
from .smtp_server import SmtpServer

# 07:00 in São Paulo; the digest goes at 08:00 there (11:00 UTC).
MORNING = datetime(2025, 2, 27, 10, 0, tzinfo=UTC)


def test_instant_mail_is_multipart_and_escapes_the_article(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    alert = make_alert(1, channels=("analistas",), title="Ação <script>alert(1)</script> & cia")
    enqueue(redis_client, keys, [alert, make_alert(2, channels=("analistas",))])
    with SmtpServer() as smtp:
        summary, _ = drain(
            redis_url, keys, {"analistas": email(smtp.url)}, Clock(MORNING.timestamp())
        )
        assert summary.delivered == 2
        mails = sorted(smtp.mails, key=lambda m: "Ação" not in str(m.message["Subject"]))
    first = mails[0]
    assert first.recipients == ["analistas@example.org"]
    assert first.sender == "atalaia@example.org"
    message = first.message
    assert message.get_content_type() == "multipart/alternative"
    assert str(message["Subject"]) == (
        "[Atalaia] Coreia do Norte e Rússia: Ação <script>alert(1)</script> & cia"
    )
    page = first.part("html")
    assert "<script>" not in page
    assert "Ação &lt;script&gt;alert(1)&lt;/script&gt; &amp; cia" in page
    assert "<mark>Rússia</mark>" in page
    assert f'href="{alert.article.url}"' in page
    text = first.part("plain")
    assert "Ação <script>alert(1)</script> & cia" in text and alert.article.url in text
    assert queue_is_empty(redis_client, keys)


def test_a_title_with_crlf_adds_no_header_and_portuguese_subjects_decode(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    title = "Coração da crise\r\nBcc: x@example.org\r\n\r\nCorpo injetado"
    enqueue(redis_client, keys, [make_alert(1, channels=("analistas",), title=title)])
    with SmtpServer() as smtp:
        drain(redis_url, keys, {"analistas": email(smtp.url)}, Clock(MORNING.timestamp()))
        (mail,) = smtp.mails
    assert mail.recipients == ["analistas@example.org"]
    head = mail.raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc:") for line in head.split(b"\r\n"))
    message = mail.message
    assert message["Bcc"] is None
    subject = str(message["Subject"])
    assert subject == (
        "[Atalaia] Coreia do Norte e Rússia: Coração da crise Bcc: x@example.org Corpo injetado"
    )
    raw_subject = next(
        line for line in head.decode("ascii").split("\r\n") if line.startswith("Subject:")
    )
    assert "=?utf-8?" in raw_subject.lower()  # RFC 2047, ASCII on the wire
    unfolded = head.decode("ascii").replace("\r\n ", " ").replace("\r\n\t", " ")
    encoded = next(line for line in unfolded.split("\r\n") if line.startswith("Subject:"))
    assert str(make_header(decode_header(encoded.removeprefix("Subject: ")))) == subject


def test_digest_goes_at_its_time_grouped_by_watchlist_newest_first(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    clock = Clock(MORNING.timestamp())
    coreia = ("coreia-russia", "Coreia do Norte e Rússia")
    clima = ("clima", "Clima")
    alerts = [
        make_alert(1, ("manha",), watchlist=coreia, created_at=MORNING - timedelta(hours=5)),
        make_alert(2, ("manha",), watchlist=clima, created_at=MORNING - timedelta(hours=4)),
        make_alert(3, ("manha",), watchlist=coreia, created_at=MORNING - timedelta(hours=3)),
        make_alert(4, ("manha",), watchlist=clima, created_at=MORNING - timedelta(hours=1)),
        make_alert(5, ("manha",), watchlist=coreia, created_at=MORNING - timedelta(hours=2)),
    ]
    enqueue(redis_client, keys, alerts)
    with SmtpServer() as smtp:
        channel = email(smtp.url, mode="digest", at="08:00", timezone="America/Sao_Paulo")
        summary, _ = drain(redis_url, keys, {"manha": channel}, clock)
        assert summary.held_for_digest == 5 and not smtp.mails
        assert queue_is_empty(redis_client, keys)  # held in the digest, not in the stream

        clock.advance(59 * 60)  # 07:59
        drain(redis_url, keys, {"manha": channel}, clock)
        assert not smtp.mails
        clock.advance(2 * 60)  # 08:01
        summary, _ = drain(redis_url, keys, {"manha": channel}, clock)
        assert summary.delivered == 5
        drain(redis_url, keys, {"manha": channel}, clock)  # no second digest
        (mail,) = smtp.mails

        # One more alert starts the next digest: tomorrow at 08:00.
        enqueue(redis_client, keys, [make_alert(6, ("manha",), watchlist=clima)])
        drain(redis_url, keys, {"manha": channel}, clock)
        clock.advance(23 * 3600)
        drain(redis_url, keys, {"manha": channel}, clock)
        assert len(smtp.mails) == 1
        clock.advance(3600)
        drain(redis_url, keys, {"manha": channel}, clock)
        assert len(smtp.mails) == 2
        assert str(smtp.mails[1].message["Subject"]) == "[Atalaia] Clima: 1 nova notícia"

    assert str(mail.message["Subject"]) == (
        "[Atalaia] Clima e Coreia do Norte e Rússia: 5 novas notícias"
    )
    text = mail.part("plain")
    order = [
        text.index("== Clima (2) =="),
        text.index("nº 4"), text.index("nº 2"),
        text.index("== Coreia do Norte e Rússia (3) =="),
        text.index("nº 5"), text.index("nº 3"), text.index("nº 1"),
    ]  # fmt: skip
    assert order == sorted(order)
    page = mail.part("html")
    assert page.index("<h2>Clima (2)</h2>") < page.index("<h2>Coreia do Norte e Rússia (3)</h2>")


def test_an_instant_channel_over_its_hourly_cap_sends_the_rest_as_one_mail(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    clock = Clock((MORNING + timedelta(minutes=15)).timestamp())
    enqueue(redis_client, keys, [make_alert(n, ("analistas",)) for n in range(5)])
    with SmtpServer() as smtp:
        channels = {"analistas": email(smtp.url, max_per_hour=2)}
        summary, _ = drain(redis_url, keys, channels, clock)
        assert summary.delivered == 2 and summary.held_for_digest == 3
        assert len(smtp.mails) == 2
        clock.advance(44 * 60)  # 10:59
        drain(redis_url, keys, channels, clock)
        assert len(smtp.mails) == 2
        clock.advance(2 * 60)  # 11:01: a new hour
        drain(redis_url, keys, channels, clock)
        assert len(smtp.mails) == 3
        subject = str(smtp.mails[2].message["Subject"])
        assert subject == "[Atalaia] Coreia do Norte e Rússia: 3 novas notícias"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_credentials_stay_out_of_logs_and_dead_letters(
    redis_client: redis.Redis, redis_url: str, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = "s3nh4-Sup3r-S3cr3ta"
    enqueue(redis_client, keys, [make_alert(1, ("analistas",))])
    with SmtpServer(password=password) as smtp:
        url = f"smtp://atalaia:{password}@127.0.0.1:{smtp.port}"
        channel = email(url, retry=[])
        assert password not in repr(channel) and password not in str(channel)
        summary, _ = drain(redis_url, keys, {"analistas": channel}, Clock(MORNING.timestamp()))
        assert summary.dead_lettered == 1
    (letter,) = list_dead_letters(redis_client, keys)
    assert letter.error.startswith("SMTP 535")
    assert password not in caplog.text and password not in repr(letter)
