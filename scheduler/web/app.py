"""The web app: routes, templates, the security wrapper, and what every page is given.

`create_app(web)` builds a Starlette app over a `Web` (Redis, the files in force,
settings). Pages read Redis with the synchronous client in a worker thread (page
handlers are plain functions, which Starlette runs in its thread pool), so the
daemon's event loop never waits on them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import Receive, Scope, Send

from scheduler.web import actions, pages
from scheduler.web.context import Web, language_of
from scheduler.web.health import Healthz, metrics_app
from scheduler.web.i18n import LANGUAGES, translator
from scheduler.web.security import CSRF_COOKIE, Guard, cookies_of, new_csrf
from scheduler.web.views import offset_of

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name: outlet text is never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["as_datetime"] = lambda seconds: datetime.fromtimestamp(float(seconds), UTC)
    return env


def create_app(web: Web) -> Starlette:
    templates = Jinja2Templates(env=_environment(), context_processors=[_page_context])
    routes = [
        Route("/", pages.alerts_page, name="alerts"),
        Route("/watchlists", pages.watchlists_page, name="watchlists"),
        Route("/watchlists/{watchlist_id}", pages.watchlist_page, name="watchlist"),
        Route("/watchlists/{watchlist_id}/feed.{kind:str}", pages.feed, name="feed"),
        Route("/stories/{story_id}", pages.story_page, name="story"),
        Route("/outlets", pages.outlets_page, name="outlets"),
        Route("/lang/{language}", pages.choose_language, name="language"),
        Route("/login", actions.login, methods=["GET", "POST"], name="login"),
        Route("/logout", actions.logout, methods=["POST"], name="logout"),
        Route("/actions/retry", actions.retry, methods=["POST"], name="retry"),
        Route("/actions/enable", actions.enable, methods=["POST"], name="enable"),
        Route("/healthz", Healthz(web.healthy, web.check_timeout).answer, methods=ANY_METHOD),
        Route("/metrics", metrics_app(web.registry, web.check_timeout)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]  # fmt: skip
    app = Starlette(
        routes=routes,
        exception_handlers={404: pages.not_found, redis.RedisError: pages.redis_down},
    )
    app.state.web = web
    app.state.templates = templates
    app.router.redirect_slashes = False
    app.add_middleware(Guard, token=web.settings.web_token, on_unauthorized=actions.unauthorized)
    app.add_middleware(_CsrfCookie)  # outermost: the login page a 401 shows needs it too
    return app


class _CsrfCookie:
    """Gives every browser a CSRF value (a cookie) the forms send back."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        current = cookies_of(request.headers).get(CSRF_COOKIE)
        scope.setdefault("state", {})["csrf"] = current or new_csrf()
        if current:
            await self.app(scope, receive, send)
            return
        value = scope["state"]["csrf"]
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}".encode()

        async def send_cookie(message: Any) -> None:
            headers = message.get("headers", [])
            if message["type"] == "http.response.start" and _is_html(headers):
                message = {**message, "headers": [*headers, (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_cookie)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


def _page_context(request: Request) -> dict[str, Any]:
    web: Web = request.app.state.web
    language = language_of(request)
    return {
        "lang": language,
        "languages": LANGUAGES,
        "t": translator(language),
        "csrf": request.state.csrf,
        "signed_in": bool(web.settings.web_token),
        "timezone": web.settings.timezone,
        "offset": offset_of(datetime.now(web.settings.zone)),
    }
