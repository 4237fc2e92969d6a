"""A hostile outlet and the internal server it tries to reach, for the egress tests.

`InternalServer` stands for what sits inside a network (an admin page, a metadata
service): it listens on loopback, on addresses no outlet owns, and records every
request that arrives. `HostileOutlet` is an outlet of the local newsroom kind (on
127.0.0.1, `allow_private_network: true` in its catalogue entry) whose feed links
to the internal server under many spellings, and whose article redirects into it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

SECRET = "SEGREDO-INTERNO"
"""Text only the internal server serves: it must never reach an alert."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class InternalServer:
    """Answers every path with a page about Rússia marked SEGREDO-INTERNO, on each of
    `hosts` (same port on all), and records `(host, path)` of every request."""

    def __init__(self, hosts: Sequence[str] = ("127.0.0.1", "127.0.0.5")) -> None:
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        first = self._server(hosts[0], 0)
        self.port = int(first.server_address[1])
        self._servers = [first]
        for host in hosts[1:]:
            with contextlib.suppress(OSError):  # that address/port is taken: serve the rest
                self._servers.append(self._server(host, self.port))

    def _server(self, host: str, port: int) -> _Server:
        internal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the record is `requests`."""

            def do_GET(self) -> None:
                with internal._lock:
                    internal.requests.append((host, self.path))
                body = _article_page("Relatório interno sobre a Rússia", SECRET).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return _Server((host, port), Handler)

    def __enter__(self) -> InternalServer:
        for server in self._servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


class HostileOutlet:
    """An outlet on 127.0.0.1 whose feed lists one real article, links into the
    internal server (other loopback addresses, another port, odd spellings), and an
    article of its own that redirects into the internal server."""

    ARTICLE = "/noticia/acordo-com-a-russia.html"
    REDIRECT = "/noticia/redireciona.html"

    def __init__(self, internal_port: int) -> None:
        self.internal_port = internal_port
        self.requests: list[str] = []
        outlet = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                outlet.requests.append(self.path)
                status, headers, body = outlet.respond(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def internal_links(self) -> list[str]:
        """Links to the internal server as a feed might spell them."""
        port = self.internal_port
        return [
            f"http://127.0.0.5:{port}/admin/",  # another loopback address
            f"http://127.0.0.1:{port}/admin/",  # the outlet's address, another port
            f"http://localhost:{port}/admin/",  # a name that resolves to loopback
            f"http://0x7f000001:{port}/admin/",
            f"http://2130706433:{port}/admin/",
            f"http://017700000001:{port}/admin/",
            f"http://[::ffff:127.0.0.1]:{port}/admin/",
        ]

    def catalogue_entry(self) -> dict[str, Any]:
        return {
            "id": "hostil",
            "name": "Diário Hostil",
            "homepage": self.base_url + "/",
            "allow_private_network": True,
            "timezone": "America/Sao_Paulo",
            "feeds": [self.base_url + "/feed.xml"],
            "every": "5m",
        }

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path == "/feed.xml":
            links = [self.base_url + self.ARTICLE, self.base_url + self.REDIRECT]
            return 200, {"Content-Type": "application/rss+xml"}, _feed(links + self.internal_links)
        if path == self.ARTICLE:
            page = _article_page("Brasil e Rússia assinam acordo comercial", "Texto público.")
            return 200, html, page.encode()
        if path == self.REDIRECT:
            target = f"http://127.0.0.1:{self.internal_port}/segredo.html"
            return 302, {"Location": target, **html}, b""
        return 404, html, b"<html><body>404</body></html>"

    def __enter__(self) -> HostileOutlet:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _feed(links: Sequence[str]) -> bytes:
    when = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = "".join(
        f"<item><title>Notícia {n}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><pubDate>{when}</pubDate></item>"
        for n, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Diário Hostil</title><link>http://hostil/</link>{items}</channel></rss>"
    ).encode()


def _article_page(title: str, marker: str) -> str:
    published = datetime.now(UTC).isoformat(timespec="seconds")
    paragraphs = [
        f"{marker} O governo anunciou nesta terça-feira um acordo com a Rússia que prevê "
        "cooperação em energia, agricultura e tecnologia ao longo dos próximos cinco anos.",
        "Segundo o ministério, as negociações duraram oito meses e envolveram representantes "
        "de vários setores da economia, que acompanharam cada etapa das conversas.",
        "Analistas ouvidos pela reportagem avaliam que o acordo pode ampliar o comércio "
        "bilateral, hoje concentrado em fertilizantes e produtos agrícolas.",
    ]
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": published,
            "articleBody": "\n\n".join(paragraphs),
            "author": {"@type": "Person", "name": "Redação"},
        },
        ensure_ascii=False,
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="article">'
        f'<script type="application/ld+json">{jsonld}</script></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )
