"""Sending a mail over SMTP, from a `smtp_url`.

`smtp://user:pass@host:587` uses STARTTLS when the server offers it;
`smtps://user:pass@host:465` is TLS from the first byte. User and password are
percent-decoded. smtplib is blocking, so each mail is sent in a worker thread.
Errors are reported without the URL, the user or the password.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from alerts.delivery.outcome import Attempt, scrub


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    user: str
    password: str = ""

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        implicit_tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if implicit_tls else 587),
            implicit_tls=implicit_tls,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )

    def __repr__(self) -> str:
        return f"SmtpServer(host={self.host!r}, port={self.port}, tls={self.implicit_tls})"


class Mailer:
    """Sends one message per call; `tls_context` lets tests trust a local certificate."""

    def __init__(self, timeout: float = 30.0, tls_context: ssl.SSLContext | None = None) -> None:
        self.timeout = timeout
        self.tls_context = tls_context

    async def send(self, smtp_url: str, message: EmailMessage) -> Attempt:
        server = SmtpServer.from_url(smtp_url)
        private = (smtp_url, server.password, server.user)
        try:
            refused = await asyncio.to_thread(self._send, server, message)
        except smtplib.SMTPResponseException as exc:
            error = exc.smtp_error
            detail = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
            return Attempt(ok=False, status=exc.smtp_code, error=scrub(
                f"SMTP {exc.smtp_code} {detail}".strip(), private
            ))  # fmt: skip
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            return Attempt(ok=False, error=f"every recipient refused (SMTP {codes})")
        except (smtplib.SMTPException, OSError) as exc:
            reason = scrub(str(exc), private) or type(exc).__name__
            return Attempt(ok=False, error=f"SMTP: {reason}")
        if refused:
            return Attempt(ok=True, status=250, answer=f"{len(refused)} recipients refused")
        return Attempt(ok=True, status=250)

    def _send(self, server: SmtpServer, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        context = self.tls_context or ssl.create_default_context()
        connection: smtplib.SMTP
        if server.implicit_tls:
            connection = smtplib.SMTP_SSL(
                server.host, server.port, timeout=self.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        with connection:
            connection.ehlo()
            if not server.implicit_tls and connection.has_extn("starttls"):
                connection.starttls(context=context)
                connection.ehlo()
            if server.user:
                connection.login(server.user, server.password)
            return connection.send_message(message)
