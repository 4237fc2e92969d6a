"""One line per alert or story, for `atalaia alerts` and `atalaia stories`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

from alerts.history import KeptAlert, KeptStory

DELIVERY_STYLE = {
    "delivered": "green",
    "dead": "red",
    "retry": "yellow",
    "pending": "yellow",
    "digest": "cyan",
    "none": "dim",
}


def when(moment: datetime, zone: ZoneInfo) -> str:
    """`2025-07-15 15:09 -03`: the reader's time, with its offset."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    short = offset[:3] if offset.endswith("00") else f"{offset[:3]}:{offset[3:]}"
    return local.strftime("%Y-%m-%d %H:%M ") + short


def alert_line(kept: KeptAlert, zone: ZoneInfo) -> Text:
    alert = kept.alert
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(when(alert.created_at, zone))
    line.append(f"  {alert.watchlist_id}", style="bold")
    line.append(f"  {alert.article.outlet}", style="cyan")
    line.append(f"  {kept.delivery}", style=DELIVERY_STYLE.get(kept.delivery, ""))
    line.append(f"  +{len(kept.also_in)}" if kept.also_in else "  -", style="dim")
    line.append(f"  {alert.article.title}")
    return line


def story_line(kept: KeptStory, zone: ZoneInfo) -> Text:
    story = kept.story
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(when(story.first_seen, zone))
    line.append(f"  {story.article.outlet}", style="cyan")
    line.append(f"  +{len(kept.also_in)}" if kept.also_in else "  -", style="dim")
    matched = ",".join(kept.watchlists) or "-"
    line.append(f"  {matched}", style="bold" if kept.watchlists else "dim")
    line.append(f"  {story.article.title}")
    return line


def print_line(console: Console, line: Text) -> None:
    """On a terminal a line is cut to its width; piped, it is printed whole."""
    if console.is_terminal:
        console.print(line, soft_wrap=False)
    else:
        print(line.plain, flush=True)
