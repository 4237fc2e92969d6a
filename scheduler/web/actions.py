"""What the web app lets a reader change: re-queue dead letters, re-enable a channel;
and signing in and out. Every POST passes the CSRF check first."""

from __future__ import annotations

import hmac
import logging
import time
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Scope

from alerts.delivery.deadletters import (
    DeadLetterNotFound,
    enable_channel,
    list_dead_letters,
    requeue,
)
from scheduler.web.context import Web, render
from scheduler.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    cookies_of,
    same_origin,
    session_value,
)

log = logging.getLogger(__name__)

MAX_FORM = 16 * 1024


async def _form(request: Request) -> dict[str, list[str]] | None:
    """The urlencoded form, or None when the CSRF check fails (or it is too big)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            return None
    form = parse_qs(body.decode("utf-8", "replace"))
    expected = cookies_of(request.headers).get(CSRF_COOKIE, "")
    given = (form.get(CSRF_FIELD) or [""])[0]
    if not expected or not hmac.compare_digest(given, expected):
        return None
    if not same_origin(request.headers):
        return None
    return form


def _refused(request: Request) -> Response:
    context = {"message_key": "forbidden", "days": 0}
    return render(request, "missing.html", context, status=403)


def _back(form: dict[str, list[str]], default: str) -> str:
    back = (form.get("back") or [default])[0]
    return back if back.startswith("/") and not back.startswith("//") else default


async def login(request: Request) -> Response:
    web: Web = request.app.state.web
    token = web.settings.web_token
    if request.method == "GET" or token is None:
        return render(request, "login.html", {"failed": False, "back": _next(request)})
    form = await _form(request)
    if form is None:
        return _refused(request)
    given = (form.get("token") or [""])[0]
    if not hmac.compare_digest(given.encode(), token.encode()):
        log.warning("web: a sign-in with a wrong token")
        context = {"failed": True, "back": _back(form, "/")}
        return render(request, "login.html", context, status=401)
    response = RedirectResponse(_back(form, "/"), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, session_value(token), max_age=30 * 86400, httponly=True,
        samesite="strict", secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


def _next(request: Request) -> str:
    back = request.query_params.get("back", "/")
    return back if back.startswith("/") and not back.startswith("//") else "/"


async def logout(request: Request) -> Response:
    if await _form(request) is None:
        return _refused(request)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def retry(request: Request) -> Response:
    """Re-queue dead letters: those named (`letter`), or every one of a `channel`."""
    web: Web = request.app.state.web
    form = await _form(request)
    if form is None:
        return _refused(request)
    ids = form.get("letter", [])
    channel = (form.get("channel") or [""])[0]
    if channel:
        letters = list_dead_letters(web.client, web.keys)
        ids += [letter.id for letter in letters if letter.channel == channel]
    try:
        done = requeue(web.client, web.keys, sorted(set(ids)), time.time()) if ids else []
    except DeadLetterNotFound as exc:
        return PlainTextResponse(f"{exc}\n", 404)
    log.info("web: %d dead letters re-queued", len(done))
    return RedirectResponse(_back(form, "/"), status_code=303)


async def enable(request: Request) -> Response:
    web: Web = request.app.state.web
    form = await _form(request)
    if form is None:
        return _refused(request)
    channel = (form.get("channel") or [""])[0]
    if channel and enable_channel(web.client, web.keys, channel):
        log.info("web: channel %s re-enabled", channel)
    return RedirectResponse(_back(form, "/"), status_code=303)


async def unauthorized(scope: Scope) -> ASGIApp:
    """401: the login form for a browser, a bare answer for anything else."""
    headers = Headers(scope=scope)
    challenge = {"WWW-Authenticate": 'Bearer realm="atalaia"', "Cache-Control": "no-store"}
    if "text/html" in headers.get("accept", "") and scope.get("method") == "GET":
        request = Request(scope)
        path = scope.get("path", "/")
        query = scope.get("query_string", b"").decode("latin-1")
        back = path + ("?" + query if query else "")
        response = render(request, "login.html", {"failed": False, "back": back}, status=401)
        response.headers.update(challenge)
        return response
    return PlainTextResponse("unauthorized: send Authorization: Bearer <token>\n", 401,
                             headers=challenge)  # fmt: skip
