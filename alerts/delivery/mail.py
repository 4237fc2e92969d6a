"""The email channel: one mail per alert, or one per digest batch.

The mails are built by alerts.delivery.mail_message and sent by alerts.delivery.smtp.
A mail the channel's settings cannot make (an address that breaks a header, say)
is a permanent failure: no retry can help, so the alert is dead-lettered at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from email.message import EmailMessage

from alerts.alert import Alert
from alerts.delivery.mail_message import UnsendableMail, digest_message, instant_message
from alerts.delivery.outcome import Attempt
from alerts.delivery.smtp import Mailer
from alerts.watchlists import EmailChannel


class MailSender:
    """The `Sender` of an email channel, and its `BatchSender` for digests
    (alerts.delivery.senders)."""

    def __init__(self, config: EmailChannel, mailer: Mailer) -> None:
        self.config = config
        self.mailer = mailer

    async def send(self, alert: Alert, channel: str) -> Attempt:
        """One mail for `alert`; never raises for what the SMTP server does."""
        try:
            message = instant_message(alert, channel, self.config)
        except UnsendableMail as exc:
            return Attempt(ok=False, error=str(exc), permanent=True)
        return await self._mail(message)

    async def send_batch(self, alerts: Sequence[Alert], channel: str, batch_id: str) -> Attempt:
        """One mail with every alert of a digest; the same Message-ID for every attempt
        of the batch."""
        try:
            message = digest_message(alerts, channel, self.config, batch_id)
        except UnsendableMail as exc:
            return Attempt(ok=False, error=str(exc), permanent=True)
        return await self._mail(message)

    async def _mail(self, message: EmailMessage) -> Attempt:
        attempt = await self.mailer.send(self.config.smtp_url, message)
        return replace(attempt, message_id=str(message["Message-ID"]))
