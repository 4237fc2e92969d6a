"""What one delivery attempt came to, in words safe to log and to keep in a dead letter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attempt:
    """The result of one attempt to deliver to one channel.

    `error` never holds a secret, a credential or a webhook URL (some URLs, Slack's
    and Discord's, are themselves secrets): it names what happened ("HTTP 503",
    "timed out after 15s", "connection refused").
    """

    ok: bool
    status: int | None = None
    error: str = ""
    retry_after: str | None = None  # the receiver's Retry-After header, as sent
    gone: bool = False
    answer: str = ""  # the start of the receiver's answer, for `atalaia deliveries test`
    permanent: bool = False  # no retry can succeed (the mail cannot be built): dead-letter now
    message_id: str = ""  # what the receiver saw it as: `webhook-id`, or the mail's Message-ID

    @property
    def summary(self) -> str:
        if self.ok:
            return f"HTTP {self.status}" if self.status is not None else "accepted"
        return self.error


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every non-empty secret replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
