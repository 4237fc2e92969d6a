"""Resolving a request's host and deciding whether the crawl may connect to it.

Every address the host resolves to is judged (crawler.egress.addresses); the
connection then goes to the first allowed one (IPv4 first, as Scrapy's own
resolver does), and to nothing else: the download handler connects to exactly
the address decided here, never resolving the name again.

An outlet with `allow_private_network: true` may reach loopback and private
addresses, but only for its own hosts (`Outlet.owns`); every other URL, a link
or a redirect from that very outlet included, must resolve to public addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.exceptions import CannotResolveHostError, IgnoreRequest

from crawler.catalogue import Outlet
from crawler.egress.addresses import IPAddress, literal_address, refusal_reason
from crawler.ownership import url_host

Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]
"""resolve(host, port) -> the host's addresses; raises OSError when it has none."""

SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a URL's connection goes: the host and port as written, and the checked address."""

    host: str
    port: int
    address: str


@dataclass(frozen=True, slots=True)
class Refusal:
    url: str
    host: str
    address: str  # the refused address (the first one, when there were several), or ""
    reason: str

    @property
    def why(self) -> str:
        """`refused: 127.0.0.5 is a loopback address`, without the URL."""
        if not self.address:
            return f"refused: {self.reason}"
        if _standard_ip(self.host):  # written as an address already: no need to repeat it
            return f"refused: {self.host} is {self.reason}"
        return f"refused: {self.host} is {self.address}, {self.reason}"

    def __str__(self) -> str:
        return f"{self.url}: {self.why}"


class EgressRefused(IgnoreRequest):
    """A request the egress policy refused; carries the `Refusal`."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


async def system_resolve(host: str, port: int) -> list[IPAddress]:
    """The host's addresses from the system resolver (getaddrinfo, in a thread)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: dict[str, None] = {}
    for _, _, _, _, sockaddr in infos:
        found.setdefault(str(sockaddr[0]).split("%", 1)[0], None)
    addresses = []
    for text in found:
        address = literal_address(text)
        if address is not None:
            addresses.append(address)
    return addresses


class EgressPolicy:
    """Decides, for one crawl, where each request may connect; caches resolutions
    for `cache_seconds` so an article page does not cost a DNS lookup each."""

    def __init__(self, resolve: Resolver = system_resolve, cache_seconds: float = 60.0) -> None:
        self.resolve = resolve
        self.cache_seconds = cache_seconds
        self._cache: dict[tuple[str, int], tuple[float, Sequence[IPAddress]]] = {}
        # (host, port, private allowed) -> the addresses judged, and the verdict on them
        self._judged: dict[tuple[str, int, bool], tuple[Sequence[IPAddress], _Verdict]] = {}

    async def destination(self, url: str, outlet: Outlet | None) -> Destination:
        """Where `url` may be fetched from; EgressRefused (or CannotResolveHostError)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host, _ = url_host(url)
        if scheme not in SCHEMES:
            raise EgressRefused(Refusal(url, host, "", f"the scheme {scheme!r} is not crawled"))
        if not host:
            raise EgressRefused(Refusal(url, "", "", "no host"))
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            raise EgressRefused(Refusal(url, host, "", "an invalid port")) from None
        private_allowed = bool(outlet and outlet.allow_private_network and outlet.owns(url))
        addresses = await self._addresses(url, host, port)
        key = (host, port, private_allowed)
        judged = self._judged.get(key)
        if judged is None or judged[0] is not addresses:  # (judged again once re-resolved)
            judged = self._judged[key] = (addresses, _judge(host, port, addresses, private_allowed))
        verdict = judged[1]
        if isinstance(verdict, Destination):
            return verdict
        address, reason = verdict
        if outlet is not None and outlet.allow_private_network and not private_allowed:
            reason += f" and not one of {outlet.id}'s own hosts"
        raise EgressRefused(Refusal(url, host, address, reason))

    async def _addresses(self, url: str, host: str, port: int) -> Sequence[IPAddress]:
        key = (host, port)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        literal = literal_address(host)
        addresses: Sequence[IPAddress]
        if literal is not None:
            addresses = [literal]
        else:
            try:
                addresses = await self.resolve(host, port)
            except (OSError, UnicodeError) as exc:
                raise CannotResolveHostError(f"{host}: {exc}") from None
            if not addresses:
                raise CannotResolveHostError(f"{host}: no address")
        self._cache[key] = (now, addresses)
        return addresses


_Verdict = Destination | tuple[str, str]  # where to connect, or (refused address, why)


def _judge(host: str, port: int, addresses: Sequence[IPAddress], private_allowed: bool) -> _Verdict:
    """The first allowed address (IPv4 first), or the first one refused and why."""
    first_refused: tuple[str, str] | None = None
    for address in _ipv4_first(addresses):
        reason = refusal_reason(address, private_allowed=private_allowed)
        if reason is None:
            return Destination(host, port, str(address))
        first_refused = first_refused or (str(address), reason)
    assert first_refused is not None  # (a resolution gives at least one address)
    return first_refused


def _standard_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _ipv4_first(addresses: Sequence[IPAddress]) -> list[IPAddress]:
    return sorted(addresses, key=lambda a: a.version)
