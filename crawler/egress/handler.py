"""The HTTP(S) download handler that connects only to the address the policy checked.

Scrapy's handler (HTTP11DownloadHandler) lets Twisted resolve the host again when
it connects, so a name that answered with a public address to the check could
answer with 127.0.0.1 to the connection (DNS rebinding). This one connects to the
destination the egress middleware decided (`request.meta["atalaia_destination"]`),
or decides it here when the request did not pass the middleware; the Host header
and TLS server name stay the URL's host.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _BindAddressAgent,
    _ScrapyAgent,
)
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils._download_handlers import normalize_bind_address, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP6ClientEndpoint, wrapClientTLS
from twisted.web.client import URI, Agent
from twisted.web.error import SchemeNotSupported
from twisted.web.iweb import IPolicyForHTTPS

from crawler.egress.middleware import DESTINATION, policy_for
from crawler.egress.policy import Destination, EgressPolicy
from crawler.request_outlet import request_outlet


class PinnedHTTPDownloadHandler(HTTP11DownloadHandler):
    """HTTP11DownloadHandler, connecting to the checked address only (no proxies)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.policy: EgressPolicy = policy_for(crawler)

    async def download_request(self, request: Request) -> Response:
        destination = await self._destination(request)
        agent = _PinnedScrapyAgent(
            destination,
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        with wrap_twisted_exceptions():
            return await maybe_deferred_to_future(agent.download_request(request))

    async def _destination(self, request: Request) -> Destination:
        checked = request.meta.get(DESTINATION)
        parsed = urlparse_cached(request)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        if (
            isinstance(checked, Destination)
            and checked.host == (parsed.hostname or "").rstrip(".").lower()
            and checked.port == port
        ):
            return checked
        outlet = request_outlet(request, self._crawler.spider)
        return await self.policy.destination(request.url, outlet)


class _PinnedScrapyAgent(_ScrapyAgent):
    def __init__(self, destination: Destination, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.destination = destination

    def _get_agent(self, request: Request, timeout: float) -> Agent:
        from twisted.internet import reactor

        bind = normalize_bind_address(request.meta.get("bindaddress") or self._bindAddress)
        return _PinnedAgent(
            reactor, self._contextFactory, timeout, bind, self._pool, self.destination.address
        )


class _PinnedAgent(_BindAddressAgent):
    """A Twisted Agent whose every connection goes to `address`; pooled connections
    are kept apart by address too."""

    def __init__(
        self,
        reactor: Any,
        context_factory: IPolicyForHTTPS,
        timeout: float,
        bind: tuple[str, int] | None,
        pool: Any,
        address: str,
    ) -> None:
        super().__init__(reactor, context_factory, timeout, bind, pool)
        self._endpointFactory = _PinnedEndpoints(reactor, context_factory, timeout, bind, address)

    def _requestWithEndpoint(self, key: Any, endpoint: Any, *args: Any, **kwargs: Any) -> Any:
        return super()._requestWithEndpoint(
            (*key, self._endpointFactory.address), endpoint, *args, **kwargs
        )


class _PinnedEndpoints:
    """Endpoints to one address: TCP for http, TLS (named for the URL's host) for https."""

    def __init__(
        self,
        reactor: Any,
        context_factory: IPolicyForHTTPS,
        timeout: float,
        bind: tuple[str, int] | None,
        address: str,
    ) -> None:
        self._reactor = reactor
        self._policyForHTTPS: Any = context_factory
        self._connectTimeout = timeout
        self._bindAddress = bind
        self.address = address

    def endpointForURI(self, uri: URI) -> Any:  # IStreamClientEndpoint
        tcp = TCP6ClientEndpoint if ":" in self.address else TCP4ClientEndpoint
        endpoint: Any = tcp(
            self._reactor,
            self.address,
            uri.port,
            timeout=self._connectTimeout,
            bindAddress=self._bindAddress,
        )
        if uri.scheme == b"http":
            return endpoint
        if uri.scheme == b"https":
            creator = self._policyForHTTPS.creatorForNetloc(uri.host, uri.port)
            return wrapClientTLS(creator, endpoint)
        raise SchemeNotSupported(f"unsupported scheme: {uri.scheme!r}")
