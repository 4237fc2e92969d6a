"""Senders: how an alert reaches each kind of channel.

A `Sender` makes one attempt to deliver one alert to one channel and says what
came of it (an `Attempt`); it never raises for what the network or the receiver
does. `send(alert, channel)` takes the channel's name: the id the receiver sees
(`webhook-id`, `Message-ID`) is derived from the alert and the channel name, so
every attempt of one alert to one channel carries the same one.

- `WebhookSender` (alerts.delivery.webhook): a signed POST, in the channel's
  `format` (standard, slack, discord, teams: alerts.delivery.formats).
- `MailSender` (alerts.delivery.mail): one mail per alert, and the `BatchSender`
  of the channel's digests.

Digests are a policy around a sender (alerts.delivery.digests.DigestPolicy): it
holds some alerts back and sends them in one batch at their time.

`SenderRegistry` is the one place that knows the kinds of channel. From the
channels of watchlists.yaml it builds each one's `Route`: its sender, its retry
schedule and its digest policy. The dispatcher and `atalaia deliveries test` go
through routes only.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from alerts.alert import Alert
from alerts.delivery.digests import DigestPolicy
from alerts.delivery.mail import MailSender
from alerts.delivery.outcome import Attempt
from alerts.delivery.schedule import RetrySchedule
from alerts.delivery.signing import webhook_id
from alerts.delivery.smtp import Mailer
from alerts.delivery.webhook import WebhookSender, WebhookTimeouts, new_http_client
from alerts.watchlists import ChannelConfig, EmailChannel, WebhookChannel


class Sender(Protocol):
    """Delivers alerts to one channel, one attempt per call."""

    async def send(self, alert: Alert, channel: str) -> Attempt:
        """One attempt to deliver `alert` to the channel named `channel`."""
        ...


@dataclass(frozen=True)
class Route:
    """How alerts reach the channel `name`."""

    name: str
    sender: Sender
    schedule: RetrySchedule  # the delays between attempts, then a dead letter
    digest: DigestPolicy | None = None  # None: every alert goes out on its own


@dataclass(kw_only=True, eq=False)
class SenderRegistry:
    """Builds the routes of the configured channels, and owns what their senders share.

    Each webhook channel has an HTTP client of its own, its pool as large as the
    channel's concurrency (httpx's pool costs grow with its size, and a slow channel
    keeps to its own); a client given as `http` serves them all. Mail channels share
    `mailer`. `message_id(alert id, channel)` names each webhook message. Use as
    `async with SenderRegistry(...)`, or call `aclose()`.
    """

    webhook_timeouts: WebhookTimeouts
    mailer: Mailer
    max_connections: int = 100
    http: httpx.AsyncClient | None = None
    message_id: Callable[[str, str], str] = webhook_id
    _clients: dict[str, httpx.AsyncClient] = field(default_factory=dict, init=False)

    async def __aenter__(self) -> SenderRegistry:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def routes(
        self, channels: Mapping[str, ChannelConfig], rng: random.Random | None = None
    ) -> dict[str, Route]:
        return {name: self.route(name, channel, rng) for name, channel in channels.items()}

    def route(self, name: str, channel: ChannelConfig, rng: random.Random | None = None) -> Route:
        """The route of one channel; `rng` draws the jitter of its retries."""
        schedule = RetrySchedule(channel.retry, rng)
        if isinstance(channel, WebhookChannel):
            sender = WebhookSender(
                channel, self._client(name), self.webhook_timeouts, self.message_id
            )
            return Route(name, sender, schedule)
        return self._mail_route(name, channel, schedule)

    def _mail_route(self, name: str, channel: EmailChannel, schedule: RetrySchedule) -> Route:
        mail = MailSender(channel, self.mailer)
        # Every mail channel can send a digest: one left from an earlier setting, too.
        digest = DigestPolicy(
            mail,
            at=channel.at if channel.mode == "digest" else None,
            timezone=channel.timezone,
            max_per_hour=channel.max_per_hour,
        )
        return Route(name, mail, schedule, digest)

    def _client(self, name: str) -> httpx.AsyncClient:
        if self.http is not None:
            return self.http
        client = self._clients.get(name)
        if client is None:
            client = self._clients[name] = new_http_client(
                self.webhook_timeouts, max_connections=self.max_connections
            )
        return client
