"""Where the web app listens: `HOST:PORT`, and whether that is loopback only."""

from __future__ import annotations

import ipaddress

from atalaia.errors import AtalaiaError

DEFAULT_ADDRESS = "127.0.0.1:9410"


class InvalidAddress(AtalaiaError, ValueError):
    """A listening address that is not HOST:PORT."""


def parse_address(text: str) -> tuple[str, int]:
    """`"127.0.0.1:9410"` → `("127.0.0.1", 9410)`; IPv6 as `"[::1]:9410"`."""
    host, colon, port_text = text.strip().rpartition(":")
    if not colon or not host or not port_text:
        raise InvalidAddress(
            f"invalid address {text!r}: expected HOST:PORT, e.g. {DEFAULT_ADDRESS} "
            "(0.0.0.0:9410 listens on every interface)"
        )
    if host.startswith("["):
        if not host.endswith("]") or len(host) < 3:
            raise InvalidAddress(f"invalid address {text!r}: an IPv6 host is written [::1]:9410")
        host = host[1:-1]
    elif ":" in host:
        raise InvalidAddress(f"invalid address {text!r}: write an IPv6 host in brackets, [::1]")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise InvalidAddress(f"invalid address {text!r}: the port must be a number 0-65535")
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    """True for `localhost` and 127.0.0.0/8 or ::1; every other host (0.0.0.0, a
    name, a LAN address) can be reached from elsewhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
