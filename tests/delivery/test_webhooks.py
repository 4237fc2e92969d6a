"""Webhook delivery against a real receiver on 127.0.0.1 that verifies every request."""

from __future__ import annotations

import json

import httpx
import pytest
import redis
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from alerts.delivery.signing import webhook_id
from atalaia.redis_keys import Keys

from .helpers import BASE, Clock, drain, enqueue, make_alert, new_secret, queue_is_empty, webhook
from .receiver import Receiver


def test_every_delivery_verifies_and_a_tampered_body_is_rejected(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    secret = new_secret()
    alerts = enqueue(redis_client, keys, [make_alert(n) for n in range(5)])
    with Receiver(secret) as receiver:
        summary, stats = drain(
            redis_url, keys, {"equipe": webhook(receiver.url, secret)}, Clock(BASE.timestamp())
        )
        assert summary.delivered == 5
        assert not receiver.rejected
        by_id = {r.webhook_id: r for r in receiver.requests}
        assert set(by_id) == {webhook_id(a.id, "equipe") for a in alerts}
        for alert in alerts:
            request = by_id[webhook_id(alert.id, "equipe")]
            assert json.loads(request.body) == alert.payload()
            assert request.headers["content-type"] == "application/json"

        sent = receiver.requests[0]
        tampered = sent.body.replace(b"Coreia", b"Coreya")
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(tampered, sent.headers)
        answer = httpx.post(receiver.url, content=tampered, headers=sent.headers)
        assert answer.status_code == 401
        assert len(receiver.rejected) == 1
    assert queue_is_empty(redis_client, keys)
    assert stats.delivered["equipe"] == 5
    assert stats.latency_count == 5


def test_several_secrets_sign_at_once_for_rotation(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    old, new = new_secret(), new_secret()
    enqueue(redis_client, keys, [make_alert(1)])
    with Receiver(old) as old_receiver, Receiver(new) as new_receiver:
        channels = {
            "a": webhook(old_receiver.url, f"{old} {new}"),
            "b": webhook(new_receiver.url, f"{old} {new}"),
        }
        enqueue(redis_client, keys, [make_alert(2, channels=("a", "b"))])
        drain(redis_url, keys, channels, Clock(BASE.timestamp()))
        assert len(old_receiver.accepted()) == 1
        assert len(new_receiver.accepted()) == 1
        signature = old_receiver.requests[0].headers["webhook-signature"]
        assert len(signature.split(" ")) == 2
        assert all(part.startswith("v1,") for part in signature.split(" "))


def test_slack_discord_and_teams_bodies_have_their_apps_shapes(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    alert = make_alert(1, channels=("slack", "discord", "teams"), title="Rússia & <Coreia>")
    enqueue(redis_client, keys, [alert])
    with Receiver() as receiver:
        channels = {
            name: webhook(f"{receiver.url}/{name}", format=name)
            for name in ("slack", "discord", "teams")
        }
        drain(redis_url, keys, channels, Clock(BASE.timestamp()))
        bodies = {r.path.rsplit("/", 1)[1]: json.loads(r.body) for r in receiver.requests}

    slack = bodies["slack"]
    assert isinstance(slack["text"], str) and "Rússia &amp; &lt;Coreia&gt;" in slack["text"]
    types = [block["type"] for block in slack["blocks"]]
    assert types[0] == "header" and "section" in types and "context" in types
    assert slack["blocks"][0]["text"] == {"type": "plain_text", "text": "Rússia & <Coreia>"}
    assert any(alert.article.url in json.dumps(b) for b in slack["blocks"])
    assert "*Rússia*" in slack["blocks"][1]["text"]["text"]

    discord = bodies["discord"]
    assert discord["content"].endswith("Rússia & <Coreia>")
    embed = discord["embeds"][0]
    assert embed["title"] == "Rússia & <Coreia>"
    assert embed["url"] == alert.article.url
    assert "**Rússia**" in embed["description"]
    assert {f["name"] for f in embed["fields"]} >= {"Veículo", "Publicado"}
    assert embed["timestamp"].startswith("2025-02-27T22:02:00")
    assert discord["allowed_mentions"] == {"parse": []}

    teams = bodies["teams"]
    assert teams["type"] == "message"
    attachment = teams["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "Rússia & <Coreia>"
    assert card["actions"][0] == {
        "type": "Action.OpenUrl", "title": "Ler a notícia", "url": alert.article.url,
    }  # fmt: skip


def test_delivery_state_survives_a_second_pass(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    """A channel recorded as delivered is not sent again, even if its entry comes back."""
    alert = make_alert(1)
    enqueue(redis_client, keys, [alert])
    with Receiver() as receiver:
        channels = {"equipe": webhook(receiver.url)}
        drain(redis_url, keys, channels, Clock(BASE.timestamp()))
        # The same alert shows up on the stream again (say, a replay): nothing is re-sent.
        redis_client.xadd(keys.alerts(), {"alert": alert.to_json()})
        summary, _ = drain(redis_url, keys, channels, Clock(BASE.timestamp()))
        assert summary.delivered == 0
        assert len(receiver.requests) == 1
    state = redis_client.hget(keys.delivery(alert.id), "equipe")
    assert state == b"delivered"
    assert queue_is_empty(redis_client, keys)
