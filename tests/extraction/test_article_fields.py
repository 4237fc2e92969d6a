"""Where the publication date came from travels with the stored article, not in the webhook."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from atalaia.article import Article
from atalaia.story import Story
from tests.delivery.helpers import make_alert

PAYLOAD_ARTICLE_KEYS = {"url", "outlet", "title", "lead", "published_at", "authors", "language"}


def test_source_and_precision_round_trip_through_the_stored_story() -> None:
    article = Article(
        url="https://g1.example/a",
        outlet="g1",
        title="Um título",
        published_at=datetime(2016, 10, 25, tzinfo=ZoneInfo("America/Sao_Paulo")),
        published_source="url",
        published_precision="day",
    )
    story = Story("s1", article, datetime(2016, 10, 25, 12, tzinfo=ZoneInfo("UTC")))
    again = Story.from_json(story.to_json()).article
    assert again == article
    assert (again.published_source, again.published_precision) == ("url", "day")


def test_the_webhook_payload_keeps_to_docs_delivery_md() -> None:
    alert = make_alert(1)
    alert = replace(
        alert,
        article=replace(alert.article, published_source="jsonld", published_precision="second"),
    )
    assert set(alert.payload()["data"]["article"]) == PAYLOAD_ARTICLE_KEYS
    assert alert.to_dict()["article"]["published_source"] == "jsonld"  # kept in the queue
