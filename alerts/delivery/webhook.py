"""The webhook channel: one signed POST per attempt, after the Standard Webhooks spec.

Redirects are never followed (a 3xx is a failed attempt); 2xx is success; 410
Gone means the receiver wants no more; anything else, a timeout or a refused
connection is a failure the dispatcher retries on the channel's schedule.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx

from alerts.alert import Alert
from alerts.delivery.formats import body_for
from alerts.delivery.outcome import Attempt, scrub
from alerts.delivery.signing import signature, webhook_id
from alerts.watchlists import WebhookChannel
from atalaia.settings import USER_AGENT

ANSWER_BYTES = 2048


@dataclass(frozen=True, slots=True)
class WebhookTimeouts:
    """Connect and total (connect + send + answer) limits of one attempt, in seconds."""

    connect: float = 5.0
    total: float = 15.0


class HideUrlPaths(logging.Filter):
    """httpx logs each request's full URL at INFO; a chat app's URL is a secret.

    Installed on the `httpx` logger, it keeps only the scheme and host of every
    URL in the record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                f"{a.scheme}://{a.host}/…" if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


def _hide_url_paths() -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, HideUrlPaths) for f in logger.filters):
        logger.addFilter(HideUrlPaths())


def new_http_client(timeouts: WebhookTimeouts, *, max_connections: int = 100) -> httpx.AsyncClient:
    _hide_url_paths()
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeouts.total, connect=timeouts.connect),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=50),
        headers={"user-agent": USER_AGENT},
        trust_env=False,
    )


class WebhookSender:
    """The `Sender` of a webhook channel (alerts.delivery.senders).

    `message_id(alert id, channel name)` names each message (`webhook-id`): by
    default the same for every attempt of one alert to one channel, so receivers
    can drop repeats.
    """

    def __init__(
        self,
        config: WebhookChannel,
        client: httpx.AsyncClient,
        timeouts: WebhookTimeouts,
        message_id: Callable[[str, str], str] = webhook_id,
    ) -> None:
        self.config = config
        self.client = client
        self.timeouts = timeouts
        self.message_id = message_id

    async def send(self, alert: Alert, channel: str) -> Attempt:
        """One attempt; never raises for what the network or the receiver does."""
        message_id = self.message_id(alert.id, channel)
        attempt = await self._attempt(body_for(self.config.format, alert), message_id)
        return replace(attempt, message_id=message_id)

    async def _attempt(self, body: bytes, message_id: str) -> Attempt:
        timestamp = int(time.time())  # the receiver checks it against its own clock
        headers = {
            "content-type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
        }
        if self.config.secrets:
            headers["webhook-signature"] = signature(
                self.config.secrets, message_id, timestamp, body
            )
        try:
            async with asyncio.timeout(self.timeouts.total):
                return await self._post(body, headers)
        except (TimeoutError, httpx.TimeoutException):
            return Attempt(ok=False, error=f"timed out after {self.timeouts.total:g}s")
        except httpx.ConnectError as exc:
            return Attempt(ok=False, error=_connect_error(exc))
        except httpx.HTTPError as exc:
            # Transport trouble (reset, protocol error); its text may carry the URL.
            reason = scrub(str(exc), _private(self.config)) or "no detail"
            return Attempt(ok=False, error=f"{type(exc).__name__}: {reason}")

    async def _post(self, body: bytes, headers: dict[str, str]) -> Attempt:
        request = self.client.build_request("POST", self.config.url, content=body, headers=headers)
        response = await self.client.send(request, stream=True)
        try:
            answer = await _read_some(response)
        finally:
            await response.aclose()
        status = response.status_code
        text = scrub(answer.decode("utf-8", "replace"), _private(self.config))
        if 200 <= status < 300:
            return Attempt(ok=True, status=status, answer=text)
        reason = f"HTTP {status}"
        if 300 <= status < 400:
            reason += " (redirects are not followed)"
        return Attempt(
            ok=False,
            status=status,
            error=reason,
            retry_after=response.headers.get("retry-after"),
            gone=status == 410,
            answer=text,
        )


async def _read_some(response: httpx.Response) -> bytes:
    answer = b""
    async for chunk in response.aiter_raw():
        answer += chunk
        if len(answer) >= ANSWER_BYTES:
            break
    return answer[:ANSWER_BYTES]


def _connect_error(exc: httpx.ConnectError) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, OSError) and cause.strerror:
            return f"cannot connect: {cause.strerror}"
        cause = cause.__cause__ or cause.__context__
    return "cannot connect"


def _private(channel: WebhookChannel) -> tuple[str, ...]:
    """What must never be shown: the secrets and the URL (chat apps' URLs are secrets)."""
    return (*channel.secrets, channel.url, channel.url.split("?", 1)[0])
