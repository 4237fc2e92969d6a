"""The web app: what was caught, in a browser, plus `/healthz` and `/metrics`.

Starlette with Jinja2 templates, served by uvicorn in the daemon's own event loop
(scheduler.web.server). Read-only but for re-queuing dead letters and re-enabling
channels; loopback only unless ATALAIA_WEB_TOKEN is set (scheduler.web.security).
"""
