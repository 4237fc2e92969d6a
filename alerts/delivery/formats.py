"""Webhook bodies: the Standard Webhooks event, or a chat app's incoming-webhook message.

- `standard`: `Alert.payload()`, the Standard Webhooks event of docs/delivery.md.
- `slack`: `text` (the notification fallback, mrkdwn) and Block Kit `blocks`: a header
  with the headline, a section with the snippet, a context line with outlet, time
  and watchlist, and the link. Slack's documented limits are kept (header 150
  characters, section text 3000).
- `discord`: `content` (one line) and one rich embed (`title`, `url`, `description`,
  `timestamp`, `fields`, `footer`), within Discord's limits (content 2000, title
  256, description 4096, field value 1024).
- `teams`: the message a Teams *Workflows* ("When a Teams webhook request is
  received") webhook takes: `{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": <Adaptive Card 1.4>}]}`.
  The legacy Office 365 connector MessageCard is not used: Microsoft is retiring
  those connectors in favour of Workflows, which post Adaptive Cards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from typing import Any

from alerts.alert import Alert

BRAND = "Atalaia"


def body_for(format_name: str, alert: Alert) -> bytes:
    build = FORMATS[format_name]
    return json.dumps(build(alert), ensure_ascii=False, separators=(",", ":")).encode()


def standard(alert: Alert) -> dict[str, Any]:
    return alert.payload()


def slack(alert: Alert) -> dict[str, Any]:
    article = alert.article
    snippet = _slack_snippet(alert)
    context = f"{article.outlet} · {_when(alert)} · {alert.watchlist_name or alert.watchlist_id}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(article.title, 150)}},
    ]
    if snippet:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _cut(snippet, 3000)}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _mrkdwn(context)}]})
    blocks.append(
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"<{_slack_url(article.url)}|Ler a notícia>"},
        }
    )
    text = f"{_mrkdwn(article.title)} ({_mrkdwn(article.outlet)}) {article.url}"
    return {"text": _cut(text, 3000), "blocks": blocks}


def discord(alert: Alert) -> dict[str, Any]:
    article = alert.article
    fields = [
        {"name": "Veículo", "value": _cut(article.outlet, 1024), "inline": True},
        {"name": "Publicado", "value": _cut(_when(alert), 1024), "inline": True},
    ]
    for copy in alert.also_in[:5]:
        fields.append({"name": f"Também em {copy.outlet}"[:256], "value": _cut(copy.url, 1024)})
    embed: dict[str, Any] = {
        "title": _cut(article.title, 256),
        "url": article.url,
        "description": _cut(_snippet(alert, "**", "**"), 4096),
        "fields": fields,
        "footer": {"text": _cut(f"{BRAND} · {alert.watchlist_name or alert.watchlist_id}", 2048)},
        "timestamp": (article.published_at or alert.created_at).astimezone(UTC).isoformat(),
    }
    content = f"{alert.watchlist_name or alert.watchlist_id}: {article.title}"
    return {
        "content": _cut(content, 2000),
        "embeds": [embed],
        "allowed_mentions": {"parse": []},  # article text never pings anyone
    }


def teams(alert: Alert) -> dict[str, Any]:
    article = alert.article
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": article.title,
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
        },
        {
            "type": "FactSet",
            "facts": [
                {"title": "Veículo", "value": article.outlet},
                {"title": "Publicado", "value": _when(alert)},
                {"title": "Lista", "value": alert.watchlist_name or alert.watchlist_id},
            ],
        },
    ]
    snippet = _snippet(alert, "**", "**")
    if snippet:
        body.append({"type": "TextBlock", "text": snippet, "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Ler a notícia", "url": article.url}],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


FORMATS: dict[str, Callable[[Alert], dict[str, Any]]] = {
    "standard": standard,
    "slack": slack,
    "discord": discord,
    "teams": teams,
}


def _when(alert: Alert) -> str:
    moment = alert.article.published_at or alert.created_at
    return moment.strftime("%d/%m/%Y %H:%M %z").strip()


def _snippet(alert: Alert, before: str, after: str) -> str:
    if not alert.matches:
        return alert.article.lead
    return alert.matches[0].marked(before, after)


def _slack_snippet(alert: Alert) -> str:
    if not alert.matches:
        return _mrkdwn(alert.article.lead)
    match = alert.matches[0]
    before, after = match.snippet[: match.start], match.snippet[match.end :]
    hit = f"*{_mrkdwn(match.hit)}*" if match.hit else ""
    return _mrkdwn(before) + hit + _mrkdwn(after)


def _mrkdwn(text: str) -> str:
    """Slack's three control characters, escaped as Slack documents."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_url(url: str) -> str:
    return url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
