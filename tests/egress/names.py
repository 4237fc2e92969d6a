"""A resolver for the egress tests: made-up `.invalid` names are 127.0.0.1.

The system resolver knows no `.invalid` name, so a crawl that fetches one proves
the connection went to the address the egress policy resolved and checked, with
no second lookup at connection time (where DNS rebinding would strike).
"""

from __future__ import annotations

import ipaddress

from crawler.egress.addresses import IPAddress
from crawler.egress.policy import system_resolve


async def resolve(host: str, port: int) -> list[IPAddress]:
    if host.endswith(".invalid"):
        return [ipaddress.IPv4Address("127.0.0.1")]
    return await system_resolve(host, port)
