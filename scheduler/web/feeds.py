"""A watchlist's alerts as an Atom or RSS 2.0 feed (feedgen), for any feed reader.

Each entry is one alert: the headline, a link to the article on its outlet, the
outlet as author, the watchlist as category, and as content the lead and the
snippets that matched (escaped by feedgen: outlet text never becomes markup).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape

from feedgen.feed import FeedGenerator

from alerts.history import KeptAlert
from alerts.watchlists import Watchlist


def watchlist_feed(
    kind: str,
    watchlist: Watchlist,
    alerts: Sequence[KeptAlert],
    *,
    page_url: str,
    feed_url: str,
    story_url: Callable[[str], str],
    outlet_name: Callable[[str], str],
    t: Callable[..., str],
    language: str,
) -> bytes:
    """`kind` is "atom" or "rss"."""
    feed = FeedGenerator()
    feed.id(page_url)
    feed.title(t("feed_title", name=watchlist.title))
    feed.subtitle(t("feed_subtitle", name=watchlist.title))
    feed.author({"name": "Atalaia"})
    feed.link(href=page_url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.language("pt-BR" if language == "pt" else "en")
    feed.generator("Atalaia")
    newest = max((kept.alert.created_at for kept in alerts), default=None)
    feed.updated(newest or datetime.now(UTC))
    for kept in alerts:
        alert, article = kept.alert, kept.alert.article
        entry = feed.add_entry(order="append")
        entry.id(f"urn:atalaia:{alert.id}")
        entry.guid(f"urn:atalaia:{alert.id}", permalink=False)
        entry.title(article.title or article.url)
        entry.link(href=article.url, rel="alternate")
        entry.author({"name": outlet_name(article.outlet)})
        entry.category(term=watchlist.id, label=watchlist.title)
        entry.updated(alert.created_at)
        entry.published(article.published_at or alert.created_at)
        entry.content(_content(kept, story_url(alert.story_id)), type="html")
        if article.lead:
            entry.summary(article.lead)
    return bytes(feed.atom_str(pretty=True) if kind == "atom" else feed.rss_str(pretty=True))


def _content(kept: KeptAlert, story_page: str) -> str:
    """HTML for the entry: the lead, each matched snippet with its hit in bold, and a
    link to the story's page on Atalaia (copies, deliveries)."""
    parts = []
    if kept.alert.article.lead:
        parts.append(f"<p>{escape(kept.alert.article.lead)}</p>")
    for match in kept.alert.matches:
        marked = (
            escape(match.snippet[: match.start]) + "<b>" + escape(match.hit) + "</b>"
            + escape(match.snippet[match.end :])
        )  # fmt: skip
        parts.append(f"<p>{escape(match.term)}: {marked}</p>")
    parts.append(f'<p><a href="{escape(story_page)}">Atalaia</a></p>')
    return "\n".join(parts)
