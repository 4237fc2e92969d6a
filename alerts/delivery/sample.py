"""`atalaia deliveries test CHANNEL`: one sample alert sent now, and what came back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.alert import Alert, AlertMatch
from alerts.delivery.mail_message import UnsendableMail, instant_message
from alerts.delivery.outcome import Attempt
from alerts.delivery.smtp import Mailer
from alerts.delivery.webhook import WebhookSender, WebhookTimeouts, new_http_client
from alerts.watchlists import EmailChannel, WebhookChannel
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
    match = AlertMatch(term="Atalaia", field="lead", snippet=snippet, start=9, end=16)
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
    channel: WebhookChannel | EmailChannel,
    *,
    timeouts: WebhookTimeouts | None = None,
    mailer: Mailer | None = None,
) -> SampleReport:
    """Send a sample alert to `channel` once, outside the queue; nothing is recorded."""
    alert = sample_alert()
    message_id = "msg_test_" + uuid.uuid4().hex
    if isinstance(channel, WebhookChannel):
        timeouts = timeouts or WebhookTimeouts()
        async with new_http_client(timeouts) as client:
            attempt = await WebhookSender(client, timeouts).send(
                alert, name, channel, message_id=message_id
            )
    else:
        try:
            message = instant_message(alert, name, channel)
        except UnsendableMail as exc:
            attempt = Attempt(ok=False, error=str(exc), permanent=True)
        else:
            message_id = str(message["Message-ID"])
            attempt = await (mailer or Mailer()).send(channel.smtp_url, message)
    return SampleReport(
        channel=name,
        ok=attempt.ok,
        status=attempt.status,
        detail=attempt.summary,
        answer=attempt.answer,
        message_id=message_id,
    )
