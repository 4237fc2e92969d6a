"""Every common Portuguese and Brazilian way of printing a date, and of writing an offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atalaia.article import NotAnArticle
from crawler.extraction.dates import parse_date, read_wall_clock, reconcile, scan_dates
from crawler.extraction.page import extract_article

SAO_PAULO = "America/Sao_Paulo"
NOW = datetime(2024, 3, 5, 21, 40, tzinfo=UTC)  # 18h40 in São Paulo


def only(text: str) -> tuple[str, str, str]:
    """The one date in `text`: its wall clock, precision and label."""
    found = scan_dates(text, now=NOW, timezone_name=SAO_PAULO)
    assert len(found) == 1, found
    return found[0].clock.moment.isoformat(), found[0].clock.precision, found[0].label


@pytest.mark.parametrize(
    ("line", "moment", "precision", "label"),
    [
        ("05/03/2024 - 18:32", "2024-03-05T18:32:00", "minute", ""),
        ("05/03/2024 • 18:32", "2024-03-05T18:32:00", "minute", ""),
        ("05/03/2024 | 18h32", "2024-03-05T18:32:00", "minute", ""),
        ("05.03.24 | 18h32", "2024-03-05T18:32:00", "minute", ""),
        ("5/3/2024 18h32min", "2024-03-05T18:32:00", "minute", ""),
        ("05-03-2024", "2024-03-05T00:00:00", "day", ""),
        ("Data/Hora: 05/03/2024 - 18:32:11", "2024-03-05T18:32:11", "second", "published"),
        ("Publicado em 5 de março de 2024 às 18h32", "2024-03-05T18:32:00", "minute", "published"),
        ("Publicado em: 5 de Março de 2024.", "2024-03-05T00:00:00", "day", "published"),
        ("5 mar 2024", "2024-03-05T00:00:00", "day", ""),
        ("05 Mar. 2024 18:32", "2024-03-05T18:32:00", "minute", ""),
        ("Terça, 05 Março 2024 18:32", "2024-03-05T18:32:00", "minute", ""),
        ("terça-feira, março 5, 2024", "2024-03-05T00:00:00", "day", ""),
        ("05.mar.2024 às 18h32", "2024-03-05T18:32:00", "minute", ""),
        ("2024 - março - 05", "2024-03-05T00:00:00", "day", ""),
        ("2024-03-05 18:32:11", "2024-03-05T18:32:11", "second", ""),
        ("Postado em ter, 05/03/2024 - 18:32", "2024-03-05T18:32:00", "minute", "published"),
        ("05/03/2024 18h", "2024-03-05T18:00:00", "hour", ""),
        ("Publish Date: 05-MAR-2024 06:32 PM", "2024-03-05T18:32:00", "minute", "published"),
        ("Última atualização: 05/03/2024 18:32", "2024-03-05T18:32:00", "minute", "updated"),
    ],
)
def test_date_lines(line: str, moment: str, precision: str, label: str) -> None:
    assert only(line) == (moment, precision, label)


def test_published_then_updated_on_one_line() -> None:
    found = scan_dates("05/03/2024 18h32 - Atualizado às 19h10", timezone_name=SAO_PAULO)
    assert [(f.clock.moment.isoformat(), f.label) for f in found] == [
        ("2024-03-05T18:32:00", ""),
        ("2024-03-05T19:10:00", "updated"),
    ]


def test_published_day_and_an_update_time() -> None:
    found = scan_dates("Publicado: 05/03/2024 - Atualizado às : 16:44:57", timezone_name=SAO_PAULO)
    assert [(f.clock.moment.isoformat(), f.clock.precision, f.label) for f in found] == [
        ("2024-03-05T00:00:00", "day", "published"),
        ("2024-03-05T16:44:57", "second", "updated"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Fonte: Agência Estadual 05/03/2024 18h32",
        "05/03/2024 18h32 | Fonte: Agência Estadual",
        "Por Ana Souza, 05/03/2024 - 18h32",
        "Por Ana Souza em 05/03/2024 às 18h32 - 3 pessoas leram esta notícia",
    ],
)
def test_source_or_byline_on_the_same_line(line: str) -> None:
    assert only(line)[:2] == ("2024-03-05T18:32:00", "minute")


@pytest.mark.parametrize(
    ("line", "moment", "precision"),
    [
        ("Atualizado há 2 horas", "2024-03-05T16:40:00", "hour"),
        ("Publicado há 15 minutos", "2024-03-05T18:25:00", "minute"),
        ("há três dias", "2024-03-02T18:40:00", "day"),
        ("hoje às 10h30", "2024-03-05T10:30:00", "minute"),
        ("ontem, 18h", "2024-03-04T18:00:00", "minute"),
        ("2 horas atrás", "2024-03-05T16:40:00", "hour"),
    ],
)
def test_relative_dates_read_against_the_fetch_time(line: str, moment: str, precision: str) -> None:
    found = scan_dates(line, now=NOW, timezone_name=SAO_PAULO)
    assert [(f.clock.moment.isoformat(), f.clock.precision, f.relative) for f in found] == [
        (moment, precision, True)
    ]
    assert found[0].clock.offset == timedelta(hours=-3)


def test_relative_dates_need_the_fetch_time() -> None:
    assert scan_dates("Atualizado há 2 horas", timezone_name=SAO_PAULO) == []


@pytest.mark.parametrize(
    "line",
    [
        "Processo 0000187-20.2011.5.15.0021",
        "Telefone: (11) 3291-9200",
        "R$ 1,791 bilhão",
        "Lei 12.846/13",
        "versão 2.0.1",
        "daqui a 2 dias",
        "outros 25 de 2016",
    ],
)
def test_numbers_that_are_no_dates(line: str) -> None:
    assert scan_dates(line, now=NOW, timezone_name=SAO_PAULO) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-10-25T16:12:11-0200", "2016-10-25T16:12:11-02:00"),
        ("2016-10-25T16:12:11 -02:00", "2016-10-25T16:12:11-02:00"),
        ("Tue, 25 Oct 2016 16:12:11 GMT-3", "2016-10-25T16:12:11-03:00"),
        ("2016-10-25T16:12:11 UTC-3", "2016-10-25T16:12:11-03:00"),
        ("2016-10-25T16:12:11 BRST", "2016-10-25T16:12:11-02:00"),
        ("Mon, 24 Sep 2018 19:51 BRT", "2018-09-24T19:51:00-03:00"),
        ("Sun, 11 Oct 2020 08:34:36 WEST", "2020-10-11T08:34:36+01:00"),
        ("Sun, 11 Jan 2020 08:34:36 WET", "2020-01-11T08:34:36+00:00"),
        ("2024-03-10 15:00 AMT", "2024-03-10T15:00:00-04:00"),
        ("10/03/2024 12h00 (horário de Brasília)", "2024-03-10T12:00:00-03:00"),
        ("10/03/2024 15:00 GMT-3", "2024-03-10T15:00:00-03:00"),
        ("10/03/2024 15:00 −03:00", "2024-03-10T15:00:00-03:00"),  # a unicode minus
    ],
)
def test_offsets_as_pages_write_them(text: str, expected: str) -> None:
    parsed = parse_date(text, "Europe/Lisbon")  # the written offset wins over the zone
    wanted = datetime.fromisoformat(expected)
    assert parsed == wanted
    assert parsed.utcoffset() == wanted.utcoffset()


def test_a_machine_date_in_utc_minus_4_is_trusted_as_labelled() -> None:
    # Campo Grande (MS), UTC-4, on an outlet catalogued in São Paulo time
    machine = datetime.fromisoformat("2024-03-10T15:00:00-04:00")
    fixed = reconcile(machine, read_wall_clock("10/03/2024 15h00"), SAO_PAULO)
    assert fixed == machine
    assert fixed.utcoffset() == timedelta(hours=-4)


def test_utc_labelled_minus_4_is_corrected_and_keeps_its_offset() -> None:
    machine = datetime.fromisoformat("2024-03-10T19:00:00-04:00")  # really 19:00 UTC
    fixed = reconcile(machine, read_wall_clock("10/03/2024 15h00"), SAO_PAULO)
    assert fixed == datetime.fromisoformat("2024-03-10T15:00:00-04:00")
    assert fixed.utcoffset() == timedelta(hours=-4)


def test_a_written_offset_is_kept_without_a_shown_time() -> None:
    machine = datetime.fromisoformat("2024-03-10T15:00:00-04:00")
    assert reconcile(machine, None, SAO_PAULO).utcoffset() == timedelta(hours=-4)
    utc = datetime.fromisoformat("2024-03-10T18:00:00+00:00")
    assert reconcile(utc, None, SAO_PAULO).utcoffset() == timedelta(hours=-3)


def test_a_shown_offset_settles_the_instant() -> None:
    machine = datetime.fromisoformat("2024-03-10T18:00:00+00:00")
    fixed = reconcile(machine, read_wall_clock("10/03/2024 14h00 GMT-4"), SAO_PAULO)
    assert fixed == machine
    assert fixed.utcoffset() == timedelta(hours=-4)


@given(st.text(max_size=120))
def test_scanning_any_text_never_fails(text: str) -> None:
    for found in scan_dates(text, now=NOW, timezone_name=SAO_PAULO):
        assert 0 <= found.start < found.end
        assert found.label in ("published", "updated", "")


@settings(deadline=None)  # the first page that needs htmldate loads dateparser (a second)
@given(
    st.lists(
        st.sampled_from(
            ["05/03/2024", " 18h32", " - ", "Publicado em ", "há 2 horas", "<p>", "</p>",
             "<h1>", "</h1>", "31/02/2024", "99:99", "de março de", " 2024", "GMT-3", "•"]
        ),
        max_size=12,
    )
)  # fmt: skip
def test_any_page_is_an_article_or_refused_never_an_error(parts: list[str]) -> None:
    html = "<html><head><title>Um título qualquer de notícia</title></head><body>"
    html += "".join(parts) + "</body></html>"
    try:
        article = extract_article(html, "https://x.example/a/b", timezone=SAO_PAULO, now=NOW)
    except NotAnArticle:
        return
    assert article.published_at is None or article.published_at.tzinfo is not None
