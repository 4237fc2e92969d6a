"""Which addresses a crawl may reach, however the host is spelled."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

import pytest
from scrapy.exceptions import CannotResolveHostError

from crawler.catalogue import Outlet
from crawler.egress.addresses import IPAddress, literal_address, refusal_reason
from crawler.egress.policy import Destination, EgressPolicy, EgressRefused


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001".lower(), "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("::1", "::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("169.254.169.254", "169.254.169.254"),
        ("0", "0.0.0.0"),
    ],
)
def test_numeric_hosts_are_read_as_the_c_library_reads_them(host: str, address: str) -> None:
    assert literal_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "host", ["example.com", "g1.globo.com", "1.2.3.4.5", "08", "256.1", "1.2.3.256"]
)
def test_names_are_not_addresses(host: str) -> None:
    assert literal_address(host) is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.5", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.7", "not publicly routable"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::7f00:1", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("2002:7f00:1::1", "loopback"),
        ("::127.0.0.1", "loopback"),
    ],
)
def test_internal_addresses_are_refused(address: str, reason: str) -> None:
    verdict = refusal_reason(ipaddress.ip_address(address))
    assert verdict is not None and reason in verdict


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "200.147.3.157", "2606:4700::1111", "64:ff9b::808:808"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("10.0.0.7", True),
        ("fd12::1", True),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
    ],
)
def test_private_networks_open_loopback_and_private_only(address: str, allowed: bool) -> None:
    verdict = refusal_reason(ipaddress.ip_address(address), private_allowed=True)
    assert (verdict is None) == allowed


LOCAL = Outlet(
    id="local",
    name="Local",
    homepage="http://127.0.0.1:8123/",
    domains=("intranet.example",),
    allow_private_network=True,
    feeds=("http://127.0.0.1:8123/feed/",),
)
PUBLIC = Outlet(
    id="publico",
    name="Público",
    homepage="https://www.publico.pt/",
    feeds=("https://www.publico.pt/rss",),
)


class FakeResolver:
    """Answers from a table; remembers which names it was asked."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append(host)
        if host not in self.table:
            raise OSError("Name or service not known")
        return [ipaddress.ip_address(a) for a in self.table[host]]


def resolver(table: dict[str, Sequence[str]]) -> FakeResolver:
    return FakeResolver(table)


def destination(policy: EgressPolicy, url: str, outlet: Outlet | None) -> Destination:
    return asyncio.run(policy.destination(url, outlet))


def refusal(policy: EgressPolicy, url: str, outlet: Outlet | None) -> str:
    with pytest.raises(EgressRefused) as refused:
        destination(policy, url, outlet)
    return str(refused.value)


def test_an_outlet_with_private_network_reaches_its_own_hosts_only() -> None:
    policy = EgressPolicy(
        resolver({"intranet.example": ["10.0.0.7"], "wiki.intranet.example": ["10.0.0.8"]})
    )
    assert destination(policy, "http://127.0.0.1:8123/a.html", LOCAL).address == "127.0.0.1"
    assert destination(policy, "http://intranet.example/a", LOCAL).address == "10.0.0.7"
    assert destination(policy, "http://wiki.intranet.example/a", LOCAL).address == "10.0.0.8"
    for url in [
        "http://127.0.0.1:8124/admin",  # another port of the same address
        "http://127.0.0.5:8123/",  # another loopback address
        "http://0x7f000001:8123/",  # the same address, spelled otherwise: not the owned host
        "http://2130706433:8123/",
        "http://[::ffff:127.0.0.1]:8123/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8123/",
    ]:
        message = refusal(EgressPolicy(resolver({"localhost": ["127.0.0.1"]})), url, LOCAL)
        assert "not one of local's own hosts" in message or "link-local" in message, message


def test_an_outlet_without_private_network_reaches_public_addresses_only() -> None:
    policy = EgressPolicy(
        resolver(
            {"www.publico.pt": ["2001:4860::1", "93.184.216.34"], "evil.example": ["127.0.0.1"]}
        )
    )
    assert destination(policy, "https://www.publico.pt/x", PUBLIC) == Destination(
        "www.publico.pt", 443, "93.184.216.34"
    )
    message = refusal(policy, "http://evil.example/", PUBLIC)
    assert message == "http://evil.example/: refused: evil.example is 127.0.0.1, a loopback address"
    assert "loopback" in refusal(policy, "http://127.0.0.1:8123/", PUBLIC)
    assert "scheme 'file'" in refusal(policy, "file:///etc/passwd", PUBLIC)
    assert "scheme 'ftp'" in refusal(policy, "ftp://ftp.example/", PUBLIC)


def test_a_name_with_public_and_internal_addresses_connects_to_a_public_one() -> None:
    policy = EgressPolicy(resolver({"mixed.example": ["127.0.0.1", "93.184.216.34"]}))
    assert destination(policy, "http://mixed.example/", PUBLIC).address == "93.184.216.34"


def test_an_unknown_name_is_a_resolution_error_not_a_refusal() -> None:
    with pytest.raises(CannotResolveHostError):
        destination(EgressPolicy(resolver({})), "http://nowhere.invalid/", PUBLIC)


def test_resolutions_are_cached_within_a_crawl() -> None:
    resolve = resolver({"www.publico.pt": ["93.184.216.34"]})
    policy = EgressPolicy(resolve)
    for path in ("a", "b", "c"):
        destination(policy, f"https://www.publico.pt/{path}", PUBLIC)
    assert resolve.calls == ["www.publico.pt"]


def test_a_name_resolved_again_is_judged_again() -> None:
    """A verdict lasts as long as the resolution it was made on: a name that answers
    with a public address, then (rebinding) with a private one, is refused then."""
    resolve = resolver({"www.publico.pt": ["93.184.216.34"]})
    policy = EgressPolicy(resolve, cache_seconds=0)
    assert destination(policy, "https://www.publico.pt/a", PUBLIC).address == "93.184.216.34"
    resolve.table["www.publico.pt"] = ["127.0.0.1"]
    assert "loopback" in refusal(policy, "https://www.publico.pt/b", PUBLIC)
    assert resolve.calls == ["www.publico.pt"] * 2
