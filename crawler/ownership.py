"""Which hosts an outlet owns: the one definition the crawler's attribution and
egress policy share.

An outlet owns its homepage's host (without a leading ``www.``) and every host in
its ``domains:``, each with all its subdomains; an entry that carries a port, or is
an IP address, owns exactly that host (and port) and nothing under it. Where two
outlets own a host (UOL owns ``uol.com.br``, Folha ``folha.uol.com.br``), the most
specific entry wins: `owner_of` picks Folha for ``www1.folha.uol.com.br``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class HostPattern:
    """One owned entry: a host (lowercase, no trailing dot) and an optional port."""

    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> HostPattern:
        """`folha.uol.com.br`, `127.0.0.1:8080` or a URL; ValueError if no host."""
        text = text.strip()
        parts = urlsplit(text if "//" in text else f"//{text}")
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            raise ValueError(f"{text!r} names no host")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"{text!r} has an invalid port") from None
        if port is not None and port == _DEFAULT_PORTS.get(parts.scheme.lower()):
            port = None
        if port is None and host.startswith("www.") and host.count(".") >= 2:
            host = host[len("www.") :]
        return cls(host, port)

    @property
    def exact(self) -> bool:
        """True when only this very host (and port) is owned, not its subdomains."""
        return self.port is not None or _is_ip(self.host)

    def matches(self, host: str, port: int | None) -> bool:
        if self.exact:
            return host == self.host and (self.port is None or port == self.port)
        return host == self.host or host.endswith("." + self.host)

    def __str__(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"


def url_host(url: str) -> tuple[str, int | None]:
    """The lowercase host of `url` and its port (None for the scheme's default)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    return host, port


def best_match(patterns: Iterable[HostPattern], url: str) -> HostPattern | None:
    """The most specific of `patterns` that owns `url`'s host, or None."""
    host, port = url_host(url)
    if not host:
        return None
    found = [pattern for pattern in patterns if pattern.matches(host, port)]
    if not found:
        return None
    return max(found, key=lambda p: (p.exact, p.host.count("."), len(p.host)))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
