"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every mail it takes."""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from atalaia.redis_connection import _free_port


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None
        return str(body.get_content())


class _Handler:
    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


class SmtpServer:
    """`with SmtpServer() as smtp:` then `smtp.url`, `smtp.mails`."""

    def __init__(self, password: str | None = None) -> None:
        self.handler = _Handler()
        self.port = _free_port()
        kwargs: dict[str, Any] = {}
        if password is not None:
            kwargs = {
                "authenticator": lambda *a: AuthResult(success=False, handled=False),
                "auth_require_tls": False,
                "auth_required": True,  # aiosmtpd warns: no TLS on loopback
            }
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def mails(self) -> list[Mail]:
        with self.handler.lock:
            return list(self.handler.mails)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
