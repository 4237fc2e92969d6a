"""Publication dates on whole pages: many signals, reconciled, with where each came from."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from crawler.extraction.page import extract_article

from .pagebuilder import article_page, title_tags

SAO_PAULO = "America/Sao_Paulo"
HEADLINE = "Governo libera verba para duplicar a rodovia do litoral"
URL = "https://www.gazetadovale.example/noticias/governo-libera-verba"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def offset_hours(moment: datetime | None) -> float:
    assert moment is not None and moment.utcoffset() is not None
    return moment.utcoffset() / timedelta(hours=1)  # type: ignore[operator]


def page_with(date_line: str, *, head: str = "", after: str = "") -> str:
    header = f'<h1 class="titulo">{HEADLINE}</h1>\n<div class="info">{date_line}</div>'
    return article_page(head=title_tags(HEADLINE) + head, header=header, after=after)


def jsonld(**fields: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE}
    return f'<script type="application/ld+json">{json.dumps({**data, **fields})}</script>'


@pytest.mark.parametrize(
    "date_line",
    [
        "05/03/2024 - 18:32",
        "05/03/2024 • 18h32",
        "05.03.24 | 18h32",
        "Publicado em 5 de março de 2024 às 18h32",
        "Terça-feira, 5 de março de 2024, 18h32 - Fonte: Agência Estadual",
        "Por Ana Souza | 05/03/2024 18h32 - Atualizado às 19h10",
    ],
)
def test_a_visible_date_line_is_the_only_date(date_line: str) -> None:
    article = extract_article(page_with(date_line), URL, timezone=SAO_PAULO)
    assert article.title == HEADLINE
    assert article.published_at == at("2024-03-05T18:32:00-03:00")
    assert offset_hours(article.published_at) == -3
    assert article.published_source == "visible"
    assert article.published_precision == "minute"


def test_the_update_time_on_the_date_line_is_the_update() -> None:
    article = extract_article(
        page_with("05/03/2024 18h32 - Atualizado às 19h10"), URL, timezone=SAO_PAULO
    )
    assert article.published_at == at("2024-03-05T18:32:00-03:00")
    assert article.updated_at == at("2024-03-05T19:10:00-03:00")


def test_a_day_only_date_is_midnight_in_the_outlet_zone_with_day_precision() -> None:
    article = extract_article(page_with("Publicado em 25/10/2016"), URL, timezone=SAO_PAULO)
    # October 2016 was Brazilian summer time: midnight is 00:00-02:00
    assert article.published_at == at("2016-10-25T00:00:00-02:00")
    assert article.published_precision == "day"
    assert article.published_source == "visible"


def test_a_date_split_into_one_element_per_part() -> None:
    parts = '<p class="dia">05</p><p class="mes">Mar.</p><p class="ano">2024</p><p>18:32</p>'
    article = extract_article(page_with(parts), URL, timezone=SAO_PAULO)
    assert article.published_at == at("2024-03-05T18:32:00-03:00")


def test_a_signature_line_after_the_text() -> None:
    article = extract_article(
        page_with("", after="<p>Fonte: Assessoria de Comunicação, 5 de março de 2024</p>"),
        URL,
        timezone=SAO_PAULO,
    )
    assert article.published_at == at("2024-03-05T00:00:00-03:00")
    assert article.published_precision == "day"


def test_the_dates_of_a_list_of_other_headlines_are_not_the_articles() -> None:
    teasers = "".join(
        f'<li><span class="quando">0{day}.03.24 10h1{day}</span></li>'
        f'<li><a href="/n/{day}">Outra notícia importante publicada no dia {day}</a></li>'
        for day in (1, 2, 3, 4)
    )
    header = (
        f'<ul class="ultimas">{teasers}</ul>\n<h1>{HEADLINE}</h1>\n<p>Por Ana Souza</p>\n'
        "<p>Terça, 5 de março de 2024, 18h32</p>"
    )
    article = extract_article(
        article_page(head=title_tags(HEADLINE), header=header), URL, timezone=SAO_PAULO
    )
    assert article.published_at == at("2024-03-05T18:32:00-03:00")


def test_relative_date_with_the_fetch_time() -> None:
    now = datetime(2024, 3, 5, 21, 40, tzinfo=UTC)
    article = extract_article(page_with("Publicado há 3 horas"), URL, timezone=SAO_PAULO, now=now)
    assert article.published_at == at("2024-03-05T15:40:00-03:00")
    assert article.published_precision == "hour"
    assert article.published_source == "visible"


def test_a_machine_date_in_utc_minus_4_is_not_rewritten_to_minus_3() -> None:
    html = page_with("10/03/2024 15h00", head=jsonld(datePublished="2024-03-10T15:00:00-04:00"))
    article = extract_article(html, URL, timezone=SAO_PAULO)
    assert article.published_at == at("2024-03-10T15:00:00-04:00")
    assert offset_hours(article.published_at) == -4
    assert article.published_source == "jsonld"


def test_a_minus_3_machine_time_that_is_really_utc_is_corrected() -> None:
    html = page_with("10/03/2024 - 12h00", head=jsonld(datePublished="2024-03-10T15:00:00-03:00"))
    article = extract_article(html, URL, timezone=SAO_PAULO)
    assert article.published_at == at("2024-03-10T12:00:00-03:00")
    assert offset_hours(article.published_at) == -3


def test_a_day_only_meta_date_takes_the_time_shown_on_the_page() -> None:
    head = '<meta name="date" content="2024-03-05">'
    article = extract_article(page_with("05/03/2024 - 18h32", head=head), URL, timezone=SAO_PAULO)
    assert article.published_at == at("2024-03-05T18:32:00-03:00")
    assert article.published_source == "visible"


def test_the_listing_date_when_the_page_shows_none() -> None:
    listed = datetime(2024, 3, 5, 21, 32, tzinfo=UTC)  # a feed's pubDate in GMT
    article = extract_article(page_with(""), URL, timezone=SAO_PAULO, listed_at=listed)
    assert article.published_at == at("2024-03-05T18:32:00-03:00")
    assert offset_hours(article.published_at) == -3
    assert article.published_source == "listing"


def test_the_listing_date_makes_a_shown_day_exact_when_they_agree() -> None:
    listed = datetime(2016, 10, 25, 20, 15, tzinfo=UTC)
    article = extract_article(
        page_with("Publicado em 25/10/2016"), URL, timezone=SAO_PAULO, listed_at=listed
    )
    assert article.published_at == at("2016-10-25T18:15:00-02:00")
    assert article.published_source == "listing"


def test_the_shown_day_wins_over_a_listing_date_of_another_day() -> None:
    listed = datetime(2016, 10, 28, 20, 15, tzinfo=UTC)  # the feed shows when it was edited
    article = extract_article(
        page_with("Publicado em 25/10/2016"), URL, timezone=SAO_PAULO, listed_at=listed
    )
    assert article.published_at == at("2016-10-25T00:00:00-02:00")
    assert article.published_precision == "day"


def test_the_day_in_the_address() -> None:
    url = "https://www.gazetadovale.example/2024/03/05/governo-libera-verba/"
    article = extract_article(page_with(""), url, timezone=SAO_PAULO)
    assert article.published_at == at("2024-03-05T00:00:00-03:00")
    assert article.published_source == "url"
    assert article.published_precision == "day"


def test_an_update_line_alone_gives_the_day() -> None:
    article = extract_article(
        page_with("Última atualização: 05/03/2024 18:32"), URL, timezone=SAO_PAULO
    )
    assert article.published_at == at("2024-03-05T00:00:00-03:00")
    assert article.published_precision == "day"


def test_no_date_anywhere() -> None:
    article = extract_article(page_with(""), URL, timezone=SAO_PAULO)
    assert article.published_at is None
    assert article.published_source == article.published_precision == ""
