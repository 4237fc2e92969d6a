"""`atalaia deliveries test CHANNEL`: one sample alert sent now, and what came back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.alert import Alert, Hit
from alerts.delivery.senders import SenderRegistry
from alerts.delivery.smtp import Mailer
from alerts.delivery.webhook import WebhookTimeouts
from alerts.watchlists import ChannelConfig
from atalaia.article import Article


@dataclass(frozen=True)
class SampleReport:
    channel: str
    ok: bool
    status: int | None
    detail: str  # "HTTP 204", or what went wrong; never a secret
    answer: str  # the start of what the receiver answered
    message_id: str


def sample_alert(now: datetime | None = None) -> Alert:
    now = now or datetime.now(UTC)
    snippet = "Teste do Atalaia: se esta mensagem chegou, o canal está configurado."
    article = Article(
        url="https://example.org/noticias/teste-atalaia",
        outlet="atalaia",
        title="Teste de entrega do Atalaia: alerta de exemplo",
        lead=snippet,
        published_at=now,
        language="pt-BR",
    )
    match = Hit(term="Atalaia", field="lead", snippet=snippet, start=9, end=16)
    return Alert(
        id="alert_test_" + uuid.uuid4().hex[:12],
        watchlist_id="teste",
        watchlist_name="Teste de entrega",
        story_id="test",
        article=article,
        matches=(match,),
        created_at=now,
    )


async def send_sample(
    name: str,
    channel: ChannelConfig,
    *,
    timeouts: WebhookTimeouts | None = None,
    mailer: Mailer | None = None,
) -> SampleReport:
    """Send a sample alert to `channel` once, outside the queue; nothing is recorded."""
    alert = sample_alert()
    test_id = "msg_test_" + uuid.uuid4().hex  # a webhook's id: marked as a test
    async with SenderRegistry(
        webhook_timeouts=timeouts or WebhookTimeouts(),
        mailer=mailer or Mailer(),
        message_id=lambda alert_id, channel: test_id,
    ) as senders:
        attempt = await senders.route(name, channel).sender.send(alert, name)
    return SampleReport(
        channel=name,
        ok=attempt.ok,
        status=attempt.status,
        detail=attempt.summary,
        answer=attempt.answer,
        message_id=attempt.message_id or test_id,
    )
