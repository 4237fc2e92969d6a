"""Decoding bytes and reading dates the way Lusophone outlets write them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crawler.extraction.dates import WallClock, parse_date, read_wall_clock, reconcile
from crawler.extraction.encoding import decode_html, decode_xml
from crawler.extraction.errors import DateError

SAO_PAULO = "America/Sao_Paulo"
TEXT = "Notícias de São Paulo: ação, coração – “aspas”"


def test_undeclared_latin1_falls_back_to_windows_1252() -> None:
    assert decode_html(TEXT.encode("cp1252")) == TEXT


def test_utf8_without_declaration() -> None:
    assert decode_html(TEXT.encode("utf-8")) == TEXT


def test_declared_utf8_that_is_really_windows_1252_is_not_mojibake() -> None:
    body = b'<meta charset="utf-8">' + TEXT.encode("cp1252")
    assert decode_html(body).endswith(TEXT)
    assert decode_html(TEXT.encode("cp1252"), declared="UTF-8") == TEXT


def test_iso_8859_1_is_read_as_windows_1252() -> None:
    assert decode_html("“citação”".encode("cp1252"), declared="ISO-8859-1") == "“citação”"


def test_http_header_latin1_over_a_utf8_page() -> None:
    assert decode_html(TEXT.encode("utf-8"), declared="iso-8859-1") == TEXT


def test_bom_wins_over_declarations() -> None:
    assert decode_html(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), declared="latin-1") == TEXT
    assert decode_html(b"\xff\xfe" + TEXT.encode("utf-16-le")) == TEXT


def test_meta_http_equiv_charset() -> None:
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    assert decode_html(body + "ação".encode("latin-1")).endswith("ação")


def test_xml_declaration() -> None:
    body = b'<?xml version="1.0" encoding="ISO-8859-1"?><a>' + "ção".encode("latin-1") + b"</a>"
    assert "ção" in decode_xml(body)


@given(st.binary(max_size=3000), st.one_of(st.none(), st.text(max_size=20)))
@example(b"\x00", "UNDEFINED")  # Python's "undefined" codec raises UnicodeError
def test_decode_never_raises(body: bytes, declared: str | None) -> None:
    assert isinstance(decode_html(body, declared), str)
    assert isinstance(decode_xml(body, declared), str)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seg, 24 Set 2018 19:51:00 -0300", "2018-09-24T19:51:00-03:00"),
        ("Ter, 01 Out 2019 08:05:00 -0300", "2019-10-01T08:05:00-03:00"),
        ("Sáb, 14 Mar 2020 16:15:05 -0300", "2020-03-14T16:15:05-03:00"),
        ("Mon, 24 Sep 2018 22:51:00 GMT", "2018-09-24T22:51:00+00:00"),
        ("Mon, 24 Sep 2018 19:51 BRT", "2018-09-24T19:51:00-03:00"),
        ("2023-01-02T21:58:11.330Z", "2023-01-02T21:58:11+00:00"),
        ("2020-05-01T13:51:19+00:00", "2020-05-01T13:51:19+00:00"),
        ("2022-05-04 05:34:58", "2022-05-04T05:34:58-03:00"),
        ("2022-05-04T05:34:58", "2022-05-04T05:34:58-03:00"),
        ("24/09/2018 19h51", "2018-09-24T19:51:00-03:00"),
        ("27/02/2025 - 19h02", "2025-02-27T19:02:00-03:00"),
        ("Publicado em 24/09/2018 às 19h51", "2018-09-24T19:51:00-03:00"),
        ("21.dez.2018 às 12h55", "2018-12-21T12:55:00-02:00"),  # Brazilian summer time
        ("11 de outubro de 2020, 8:34", "2020-10-11T08:34:00-03:00"),
        ("01 de Maio de 2020, 10h51", "2020-05-01T10:51:00-03:00"),
        ("4 de março de 2022, 05:34 h", "2022-03-04T05:34:00-03:00"),
        ("2020-03-08", "2020-03-08T00:00:00-03:00"),
    ],
)
def test_parse_date(text: str, expected: str) -> None:
    parsed = parse_date(text, SAO_PAULO)
    wanted = datetime.fromisoformat(expected)
    assert parsed == wanted
    assert parsed.utcoffset() == wanted.utcoffset()


def test_lisbon_summer_time_for_naive_dates() -> None:
    parsed = parse_date("11 de Outubro de 2020, 8:34", "Europe/Lisbon")
    assert parsed.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("text", ["", "ontem", "há 2 horas", "32/13/2020 25h99", "not a date"])
def test_unreadable_dates_raise_date_error(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text, SAO_PAULO)


@given(st.text(max_size=80))
def test_parse_date_raises_only_date_error(text: str) -> None:
    try:
        parsed = parse_date(text, SAO_PAULO)
    except DateError:
        return
    assert parsed.tzinfo is not None


def shown(text: str) -> WallClock:
    return read_wall_clock(text)


def test_reconcile_brasilia_time_labelled_z() -> None:
    machine = datetime.fromisoformat("2018-12-21T12:55:00+00:00")
    fixed = reconcile(machine, shown("21.dez.2018 às 12h55"), SAO_PAULO)
    assert fixed == datetime.fromisoformat("2018-12-21T12:55:00-02:00")
    assert fixed.utcoffset() == timedelta(hours=-2)


def test_reconcile_lisbon_time_labelled_gmt() -> None:
    machine = datetime.fromisoformat("2020-10-11T08:34:36+00:00")
    fixed = reconcile(machine, shown("11 de Outubro de 2020, 8:34"), "Europe/Lisbon")
    assert fixed == datetime.fromisoformat("2020-10-11T08:34:36+01:00")


def test_reconcile_utc_labelled_minus_three() -> None:
    machine = datetime.fromisoformat("2024-03-10T15:00:00-03:00")
    fixed = reconcile(machine, shown("10/03/2024 12h00"), SAO_PAULO)
    assert fixed == datetime.fromisoformat("2024-03-10T12:00:00-03:00")


def test_reconcile_keeps_a_correct_date_and_expresses_it_locally() -> None:
    machine = datetime.fromisoformat("2023-01-02T21:58:11+00:00")
    fixed = reconcile(machine, shown("02/01/2023 18h58"), SAO_PAULO)
    assert fixed == machine
    assert fixed.utcoffset() == timedelta(hours=-3)


def test_reconcile_trusts_the_machine_when_the_page_disagrees_or_shows_no_time() -> None:
    machine = datetime.fromisoformat("2023-01-02T21:58:11+00:00")
    assert reconcile(machine, shown("05/01/2023 07h00"), SAO_PAULO) == machine
    assert reconcile(machine, shown("02/01/2023"), SAO_PAULO) == machine
