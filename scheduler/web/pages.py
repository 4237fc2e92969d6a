"""The pages: latest alerts, watchlists, a story, outlets, and a watchlist's feed.

Handlers are plain functions: Starlette runs them in its thread pool, where they
read Redis with the synchronous client.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from alerts.archive import days_back, outlet_stories_count, watchlist_count
from alerts.delivery.deadletters import DeadLetter, disabled_channels, list_dead_letters
from alerts.history import AlertFilter, KeptAlert
from alerts.watchlists import Watchlist
from scheduler.commands.status import read_status
from scheduler.web import views
from scheduler.web.chart import daily_chart
from scheduler.web.context import Web, language_of, render
from scheduler.web.feeds import watchlist_feed
from scheduler.web.i18n import LANGUAGES, translator

SINCE = {"1h": 3600, "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400}
CHART_DAYS = 90
FEED_SIZE = 50


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


def _time_helpers(request: Request, web: Web) -> dict[str, Any]:
    language = language_of(request)
    zone = web.settings.zone
    now = datetime.now(UTC)
    return {
        "local": lambda moment: views.local(moment, zone, language),
        "short": lambda moment: views.short(moment, zone, language, now),
        "published": lambda moment: views.as_published(moment, language),
        "outlet_name": web.outlet_name,
    }


# -- / ------------------------------------------------------------------------------


def alerts_page(request: Request) -> Response:
    web = _web(request)
    params = request.query_params
    watchlist = params.get("watchlist") or None
    outlet = params.get("outlet") or None
    since_key = params.get("since", "")
    now = web.now()
    since = now - SINCE[since_key] if since_key in SINCE else None
    page_number = _page_number(request)
    page = web.history.alerts(
        AlertFilter(watchlist, outlet, since),
        now=now, offset=(page_number - 1) * web.page_size, limit=web.page_size,
    )  # fmt: skip
    chosen = {"watchlist": watchlist or "", "outlet": outlet or "", "since": since_key}
    context = {
        "page": page,
        "page_number": page_number,
        "chosen": chosen,
        "watchlist_names": _watchlist_names(web),
        "outlets": [(o.id, o.name) for o in web.catalogue.outlets],
        "since_choices": [("", "any_time"), ("1h", "last_hour"), ("24h", "last_24h"),
                          ("7d", "last_7d"), ("30d", "last_30d")],
        "link": lambda **changes: _link("/", {**chosen, **changes}),
        "newest": page.alerts[0].id if page.alerts else "",
        **_time_helpers(request, web),
    }  # fmt: skip
    if params.get("partial"):
        return render(request, "_alert_list.html", context)
    return render(request, "alerts.html", context)


def _watchlist_names(web: Web) -> list[tuple[str, str]]:
    return [(w.id, w.title) for w in web.watchlists.current.config.watchlists]


def _link(path: str, params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v not in ("", None, 1)}
    return path + ("?" + urlencode(kept) if kept else "")


# -- /watchlists ----------------------------------------------------------------------


def watchlists_page(request: Request) -> Response:
    web = _web(request)
    watchlists = web.watchlists.current.config.watchlists
    today = datetime.fromtimestamp(web.now(), web.settings.zone).date()
    week = days_back(today, 7)
    rows = []
    for watchlist in watchlists:
        counts = web.history.daily_counts(watchlist_count(watchlist.id), week)
        rows.append({"watchlist": watchlist, "today": counts[-1], "week": sum(counts)})
    return render(request, "watchlists.html", {"rows": rows, **_time_helpers(request, web)})


def _watchlist(web: Web, watchlist_id: str) -> Watchlist | None:
    return next((w for w in web.watchlists.current.config.watchlists if w.id == watchlist_id), None)


def watchlist_page(request: Request) -> Response:
    web = _web(request)
    watchlist_id = request.path_params["watchlist_id"]
    watchlist = _watchlist(web, watchlist_id)
    now = web.now()
    page = web.history.alerts(AlertFilter(watchlist=watchlist_id), now=now, limit=20)
    if watchlist is None and not page.total:
        raise HTTPException(404)
    today = datetime.fromtimestamp(now, web.settings.zone).date()
    days = days_back(today, CHART_DAYS)
    counts = web.history.daily_counts(watchlist_count(watchlist_id), days)
    context = {
        "watchlist": watchlist,
        "watchlist_id": watchlist_id,
        "page": page,
        "chart": daily_chart(days, counts, language=language_of(request)),
        "channels": _channels(web, watchlist, now) if watchlist else [],
        "days": days,
        "feed_atom": f"/watchlists/{watchlist_id}/feed.atom",
        "feed_rss": f"/watchlists/{watchlist_id}/feed.rss",
        "page_number": 1,
        **_time_helpers(request, web),
    }
    return render(request, "watchlist.html", context)


def _channels(web: Web, watchlist: Watchlist, now: float) -> list[dict[str, Any]]:
    """Each channel the watchlist notifies: where it sends, and how it is doing."""
    configured = web.watchlists.current.config.channels
    disabled = {c.channel: c for c in disabled_channels(web.client, web.keys)}
    letters = list_dead_letters(web.client, web.keys)
    rows = []
    for name in watchlist.notify:
        channel = configured.get(name)
        dead = [letter.id for letter in letters if letter.channel == name]
        off = disabled.get(name)
        rows.append({
            "name": name,
            "type": getattr(channel, "type", "?"),
            "destination": channel.destination if channel is not None else "",
            "configured": channel is not None,
            "disabled": off,
            "disabled_since": datetime.fromtimestamp(off.since, UTC) if off else None,
            "dead": dead,
        })  # fmt: skip
    return rows


def feed(request: Request) -> Response:
    web = _web(request)
    kind = request.path_params["kind"]
    watchlist = _watchlist(web, request.path_params["watchlist_id"])
    if kind not in ("atom", "rss") or watchlist is None:
        raise HTTPException(404)
    page = web.history.alerts(AlertFilter(watchlist=watchlist.id), now=web.now(), limit=FEED_SIZE)
    base = str(request.base_url).rstrip("/")
    language = language_of(request)
    body = watchlist_feed(
        kind, watchlist, page.alerts,
        page_url=f"{base}/watchlists/{watchlist.id}",
        feed_url=f"{base}/watchlists/{watchlist.id}/feed.{kind}",
        story_url=lambda story_id: f"{base}/stories/{story_id}",
        outlet_name=web.outlet_name, t=translator(language), language=language,
    )  # fmt: skip
    media = "application/atom+xml" if kind == "atom" else "application/rss+xml"
    return Response(body, media_type=f"{media}; charset=utf-8")


# -- /stories/ID ----------------------------------------------------------------------


def story_page(request: Request) -> Response:
    web = _web(request)
    kept = web.history.story(request.path_params["story_id"])
    if kept is None:
        days = round(web.settings.keep_for / 86400)
        context = {"message_key": "story_gone", "days": days, **_time_helpers(request, web)}
        return render(request, "missing.html", context, status=404)
    letters = _dead_letters_of(web, kept.alerts)
    context = {
        "kept": kept,
        "story": kept.story,
        "article": kept.story.article,
        "letters": letters,
        **_time_helpers(request, web),
    }
    return render(request, "story.html", context)


def _dead_letters_of(web: Web, alerts: Sequence[KeptAlert]) -> dict[tuple[str, str], DeadLetter]:
    """The dead letter of each (alert, channel) that has one, to offer a retry."""
    wanted = {kept.id for kept in alerts}
    if not any(d.state == "dead" for kept in alerts for d in kept.deliveries):
        return {}
    return {
        (letter.alert_id, letter.channel): letter
        for letter in list_dead_letters(web.client, web.keys)
        if letter.alert_id in wanted
    }


# -- /outlets -------------------------------------------------------------------------


def outlets_page(request: Request) -> Response:
    web = _web(request)
    now = web.now()
    report = read_status(web.client, web.keys, web.catalogue.outlets, now)
    today = datetime.fromtimestamp(now, web.settings.zone).date()
    week = days_back(today, 7)
    per_day = {
        entry.outlet.id: sum(web.history.daily_counts(outlet_stories_count(entry.outlet.id), week))
        / len(week)
        for entry in report.outlets
    }
    t = translator(language_of(request))
    context = {
        "report": report,
        "per_day": per_day,
        "ago": lambda moment: views.ago(moment, now, t),
        "until": lambda moment: views.until(moment, now, t),
        **_time_helpers(request, web),
    }
    return render(request, "outlets.html", context)


# -- the rest -------------------------------------------------------------------------


def choose_language(request: Request) -> Response:
    language = request.path_params["language"]
    back = request.query_params.get("back", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = RedirectResponse(back, status_code=303)
    if language in LANGUAGES:
        response.set_cookie("lang", language, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


async def not_found(request: Request, exc: Exception) -> Response:
    web = _web(request)
    context = {"message_key": "not_found", "days": 0, **_time_helpers(request, web)}
    return render(request, "missing.html", context, status=404)


async def redis_down(request: Request, exc: Exception) -> Response:
    web = _web(request)
    context = {
        "message_key": "redis_down",
        "error": str(exc),
        "days": 0,
        **_time_helpers(request, web),
    }
    return render(request, "missing.html", context, status=503)
