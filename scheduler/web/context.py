"""What every page handler is given: the `Web` (Redis, files, settings), the reader's
language, and `render`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from alerts.active_watchlists import ActiveWatchlists
from alerts.history import History
from atalaia.redis_keys import Keys
from atalaia.settings import Settings
from crawler.catalogue import Catalogue
from scheduler.web.health import HealthCheck
from scheduler.web.i18n import negotiate
from scheduler.web.security import cookies_of


@dataclass
class Web:
    """Everything the pages read."""

    client: redis.Redis
    keys: Keys
    settings: Settings
    catalogue: Catalogue
    watchlists: ActiveWatchlists
    healthy: HealthCheck
    registry: Collector
    language: str = "pt"
    now: Callable[[], float] = time.time
    check_timeout: float = 10.0
    page_size: int = 50
    history: History = field(init=False)

    def __post_init__(self) -> None:
        self.history = History(self.client, self.keys, keep_for=self.settings.keep_for)

    def outlet_name(self, outlet_id: str) -> str:
        outlet = self.catalogue.by_id.get(outlet_id)
        return outlet.name if outlet is not None else outlet_id


def language_of(request: Request) -> str:
    web: Web = request.app.state.web
    return negotiate(
        cookies_of(request.headers).get("lang"),
        request.headers.get("accept-language"),
        web.language,
    )


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(request, template, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response
