"""What kind of network address a host stands for, and whether a crawl may reach it.

Hosts written as numbers are read the way the C library reads them, so that the
address checked is the address connected to: `127.1`, `0x7f000001`, `2130706433`,
`017700000001` and `0177.0.0.1` are all 127.0.0.1; `[::ffff:127.0.0.1]` is too
(an IPv4 address inside IPv6: mapped, NAT64, 6to4 or IPv4-compatible forms are
judged by the IPv4 address they carry).
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Networks an intranet lives on: what `allow_private_network` opens (with loopback).
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def literal_address(host: str) -> IPAddress | None:
    """The address `host` spells, if it is written as a number; None for a name."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]  # an IPv6 zone (fe80::1%eth0)
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return _inet_aton(text)


def _inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """IPv4 in the forms inet_aton(3) accepts: 1 to 4 parts, each decimal, octal
    (leading 0) or hexadecimal (0x); the last part fills the remaining bytes."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        number = _c_number(part)
        if number is None:
            return None
        numbers.append(number)
    *leading, last = numbers
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (4 - len(leading))):
        return None
    value = 0
    for n in leading:
        value = value << 8 | n
    value = value << (8 * (4 - len(leading))) | last
    return ipaddress.IPv4Address(value)


def _c_number(part: str) -> int | None:
    try:
        if part.startswith("0x"):
            return (
                int(part[2:] or "0", 16) if all(c in "0123456789abcdef" for c in part[2:]) else None
            )
        if not part.isascii() or not part.isdigit():
            return None
        if part.startswith("0") and len(part) > 1:
            return int(part, 8)
        return int(part)
    except ValueError:
        return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, IPv4-compatible)."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: IPAddress, *, private_allowed: bool = False) -> str | None:
    """Why a crawl may not connect to `address` (None: it may).

    Only globally routable unicast addresses are allowed; with `private_allowed`,
    loopback and private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)
    too. Link-local (169.254.169.254, the cloud metadata service), multicast,
    unspecified and reserved addresses never are.
    """
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = refusal_reason(inner, private_allowed=private_allowed)
        return None if reason is None else f"{reason} (inside the IPv6 address {address})"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_loopback:
        return None if private_allowed else "a loopback address"
    if any(address in network for network in _PRIVATE_NETWORKS):
        return None if private_allowed else "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "an address that is not publicly routable"
    return None
