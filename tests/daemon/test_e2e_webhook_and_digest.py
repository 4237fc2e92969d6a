"""End to end: the daemon polls the newsroom, an article that matches is published, a
signed webhook arrives within the polling interval plus a few seconds, the instant
mail follows, and the email digest goes out at its time."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import yaml
from prometheus_client.parser import text_string_to_metric_families

from atalaia.redis_keys import Keys
from tests.delivery.receiver import Receiver
from tests.delivery.smtp_server import SmtpServer
from tests.newsroom import Newsroom

from ..crawl.crawling import ROOT

SECRET = "whsec_" + base64.b64encode(b"end-to-end-webhook-secret-1234").decode()
INTERVAL = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_published_article_reaches_webhook_mail_and_digest(
    redis_url: str, keys: Keys, tmp_path: Path
) -> None:
    # The digest's minute starts 30 to 90 s from now: late enough for the article published
    # below to be crawled and held (started in a minute's last seconds, "now + 1 minute"
    # made it due before the article was published).
    soon = datetime.now(UTC) + timedelta(seconds=30)
    digest_at = soon.replace(second=0, microsecond=0) + timedelta(minutes=1)
    with (
        Newsroom(articles_per_outlet=2) as room,
        Receiver(SECRET) as receiver,
        SmtpServer() as smtp,
    ):
        catalogue = room.write_catalogue(tmp_path / "outlets.yaml")
        data = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
        for outlet in data["outlets"]:
            outlet["every"] = f"{INTERVAL}s"
        catalogue.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        watchlists = tmp_path / "watchlists.yaml"
        watchlists.write_text(
            yaml.safe_dump(
                {
                    "channels": {
                        "equipe": {
                            "type": "webhook",
                            "url": receiver.url,
                            "secret": "${E2E_SECRET}",
                        },
                        "plantao": {
                            "type": "email",
                            "to": ["plantao@example.org"],
                            "from": "atalaia@example.org",
                            "smtp_url": "${E2E_SMTP}",
                            "mode": "instant",
                        },
                        "analistas": {
                            "type": "email",
                            "to": ["analistas@example.org"],
                            "from": "atalaia@example.org",
                            "smtp_url": "${E2E_SMTP}",
                            "mode": "digest",
                            "at": digest_at.strftime("%H:%M"),
                            "timezone": "UTC",
                        },
                    },
                    "watchlists": [
                        {
                            "id": "coreia",
                            "name": "Coreia do Norte",
                            "terms": ["Coreia do Norte", "Kim Jong-un"],
                            "notify": ["equipe", "plantao", "analistas"],
                        },
                    ],
                },
                allow_unicode=True,
            ),
            encoding="utf-8",
        )
        port = _free_port()
        env = {
            **os.environ, "ATALAIA_REDIS_URL": redis_url, "ATALAIA_REDIS_PREFIX": keys.prefix,
            "ATALAIA_SITEMAP_WINDOW": "3650d", "E2E_SECRET": SECRET, "E2E_SMTP": smtp.url,
        }  # fmt: skip
        daemon = subprocess.Popen(
            [sys.executable, "-m", "scheduler.cli", "run", "--outlets", str(catalogue),
             "--watchlists", str(watchlists), "--metrics-address", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            # The first passes take in what the outlets already carry.
            assert _wait(lambda: _healthy(port), 30), "the daemon never became healthy"
            time.sleep(INTERVAL + 3)
            receiver_before = len(receiver.accepted())
            article = room.publish("portal-rede", topic="coreia")
            published = time.monotonic()
            assert receiver.wait_for(
                lambda r: any(article.url.encode() in q.body for q in r.accepted()),
                timeout=INTERVAL + 10,
            ), "no webhook for the new article"
            assert time.monotonic() - published <= INTERVAL + 8
            hook = next(q for q in receiver.accepted() if article.url.encode() in q.body)
            assert hook.verified
            assert len(receiver.accepted()) > receiver_before
            assert _wait(lambda: any(article.title in m.part("plain") for m in smtp.mails
                                     if "plantao@example.org" in m.recipients), 15)  # fmt: skip

            # The digest goes out at its minute, with every alert since the last one.
            wait = (digest_at - datetime.now(UTC)).total_seconds()
            assert _wait(
                lambda: any("analistas@example.org" in m.recipients for m in smtp.mails),
                max(wait, 0) + 20,
            ), "no digest at its time"
            digest = next(m for m in smtp.mails if "analistas@example.org" in m.recipients)
            assert "novas notícias" in str(digest.message["Subject"])
            assert article.title in digest.part("plain")

            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
            families = {f.name: f for f in text_string_to_metric_families(metrics)}
            stories = sum(s.value for s in families["atalaia_stories"].samples)
            assert stories >= len(room.expected(listed_only=True))
            delivered = families["atalaia_alerts_delivered"].samples
            assert any(s.labels.get("channel") == "equipe" and s.value >= 1 for s in delivered)
            latency = families["atalaia_publication_to_alert_seconds"]
            assert any(s.name.endswith("_count") and s.value > 0 for s in latency.samples)
        finally:
            daemon.send_signal(signal.SIGTERM)
            output, _ = daemon.communicate(timeout=40)
        assert daemon.returncode == 0, output
        assert SECRET not in output
        assert "crawl portal-rede:" in output


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()
