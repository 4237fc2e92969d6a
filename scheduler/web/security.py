"""Who may see the web app, and what every answer carries.

- Loopback only by default. On any other address the app refuses to start without
  ATALAIA_WEB_TOKEN (`require_token`); with a token set, every page needs it,
  as `Authorization: Bearer <token>` or the cookie the login form sets (an HMAC of
  the token, never the token itself). A feed URL may carry it as `?token=`, since
  feed readers can neither log in nor send headers. `/healthz` and `/static/`
  stay open, for probes and the login page.
- Every answer carries a strict Content-Security-Policy (scripts and styles from
  this app only, nothing inline), and headers against framing and sniffing.
- A POST must carry the CSRF value of the `atalaia_csrf` cookie in its form
  (double submit; the cookie is SameSite=Strict), and an Origin, when the browser
  sends one, of this very app.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from atalaia.errors import AtalaiaError
from scheduler.web.address import is_loopback

SESSION_COOKIE = "atalaia_session"
CSRF_COOKIE = "atalaia_csrf"
CSRF_FIELD = "csrf"
OPEN_PATHS = ("/healthz", "/static/", "/login")
FEED_SUFFIXES = ("/feed.atom", "/feed.rss")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class TokenRequired(AtalaiaError):
    """The web app would listen beyond loopback without ATALAIA_WEB_TOKEN."""


def require_token(host: str, token: str | None) -> None:
    if not is_loopback(host) and not token:
        raise TokenRequired(
            f"the web app would listen on {host}, reachable from other machines, without "
            "a token: set ATALAIA_WEB_TOKEN (e.g. `export ATALAIA_WEB_TOKEN=$(openssl rand "
            "-hex 24)`) or listen on 127.0.0.1"
        )


def session_value(token: str) -> str:
    """What the login cookie holds: proof of the token, not the token."""
    return hmac.new(token.encode(), b"atalaia web session", hashlib.sha256).hexdigest()


def cookies_of(headers: Headers) -> dict[str, str]:
    """The request's cookies (parsed as browsers send them; junk is skipped)."""
    return cookie_parser(headers.get("cookie", ""))


def authorized(scope: Scope, token: str) -> bool:
    headers = Headers(scope=scope)
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return True
    session = cookies_of(headers).get(SESSION_COOKIE, "")
    if session and hmac.compare_digest(session, session_value(token)):
        return True
    path = scope.get("path", "")
    if path.endswith(FEED_SUFFIXES):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        return any(hmac.compare_digest(v, token) for v in query.get("token", []))
    return False


def same_origin(headers: Headers) -> bool:
    """False when the browser says the request comes from another site."""
    origin = headers.get("origin")
    if origin is None:
        return True  # not sent (older browsers, same-origin GET-made forms): the token decides
    host = headers.get("host", "")
    return urlsplit(origin).netloc == host


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


class Guard:
    """ASGI middleware: the token check, then security headers on every answer."""

    def __init__(
        self,
        app: ASGIApp,
        token: str | None,
        on_unauthorized: Callable[[Scope], Awaitable[ASGIApp]],
    ) -> None:
        self.app = app
        self.token = token
        self.on_unauthorized = on_unauthorized

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] not in _OURS]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        path = scope.get("path", "")
        if self.token and not path.startswith(OPEN_PATHS) and not authorized(scope, self.token):
            answer = await self.on_unauthorized(scope)
            await answer(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


_OURS = {name for name, _ in SECURITY_HEADERS}
