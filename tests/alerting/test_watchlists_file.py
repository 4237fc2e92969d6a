"""The watchlists file: the default is valid; every kind of mistake is refused with its line."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest

from alerts.active_watchlists import ActiveWatchlists
from alerts.watchlists import WebhookChannel
from atalaia.article import Article
from atalaia.errors import ConfigError, ConfigErrors

from ..crawl.crawling import ROOT

GOOD = """\
channels:
  equipe:
    type: webhook
    url: https://hooks.example.org/atalaia
    secret: ${ATALAIA_TEST_SECRET}
watchlists:
  - id: coreia-russia
    name: Coreia do Norte e Rússia
    terms: [Coreia do Norte, Rússia, Kim Jong-un]
    notify: [equipe]
  - id: cupula
    query: 'Putin NEAR/5 ("Kim Jong-un" OR Pyongyang)'
"""
ENV = {"ATALAIA_TEST_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}


def load(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> ActiveWatchlists:
    path = tmp_path / "watchlists.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return ActiveWatchlists(path, ENV if environ is None else environ)


def refused(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises((ConfigError, ConfigErrors)) as caught:
        load(tmp_path, text, environ)
    error = caught.value
    if isinstance(error, ConfigErrors):
        return error.errors[0]
    assert isinstance(error, ConfigError)
    return error


def test_the_default_file_watches_the_three_default_terms() -> None:
    active = ActiveWatchlists(ROOT / "watchlists.yaml", {})
    (watchlist,) = active.current.config.watchlists
    assert watchlist.terms == ("Coreia do Norte", "Rússia", "Kim Jong-un")
    text = (ROOT / "watchlists.yaml").read_text(encoding="utf-8")
    for advice in ("Coréia", "norte-coreano", "Pyongyang", "Kremlin"):
        assert advice in text, f"the default file should explain how to add {advice}"


def test_good_file_compiles(tmp_path: Path) -> None:
    active = load(tmp_path, GOOD)
    article = Article(url="u", outlet="g1", title="Putin recebe Kim Jong-un", body="")
    matched = {m.id for m in active.current.matcher.match(article)}
    assert matched == {"coreia-russia", "cupula"}
    channel = active.current.config.channels["equipe"]
    assert isinstance(channel, WebhookChannel)
    assert channel.secret == ENV["ATALAIA_TEST_SECRET"]


def test_unknown_channel_in_notify_names_its_line(tmp_path: Path) -> None:
    error = refused(tmp_path, GOOD.replace("notify: [equipe]", "notify: [equipe, imprensa]"))
    assert error.line == 10
    assert error.field == "watchlists[0].notify[1]"
    assert "unknown channel 'imprensa' (channels: equipe)" in error.message


def test_query_error_names_line_and_column(tmp_path: Path) -> None:
    error = refused(
        tmp_path, GOOD.replace('("Kim Jong-un" OR Pyongyang)', '("Kim Jong-un OR Pyongyang)')
    )
    assert error.line == 12
    assert error.field == "watchlists[1].query"
    assert "unclosed quote at column 15" in error.message


def test_bad_term_names_its_entry(tmp_path: Path) -> None:
    error = refused(tmp_path, GOOD.replace("Kim Jong-un]", "(Kim AND]"))
    assert error.field == "watchlists[0].terms[2]"
    assert error.line == 9
    assert "column" in error.message


def test_unset_environment_variable_is_named_not_guessed(tmp_path: Path) -> None:
    error = refused(tmp_path, GOOD, environ={})
    assert error.line == 5
    assert "environment variable ATALAIA_TEST_SECRET is not set" in error.message


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    error = refused(tmp_path, GOOD.replace("id: cupula", "id: coreia-russia"))
    assert error.line == 11
    assert "duplicate id 'coreia-russia' (first used on line 7)" in error.message


def test_secret_never_appears_in_an_error(tmp_path: Path) -> None:
    secret = "whsec_notbase64!!"
    error = refused(tmp_path, GOOD, environ={"ATALAIA_TEST_SECRET": secret})
    assert "whsec_" in error.message or "secret" in error.field
    assert secret not in str(error)


def test_empty_watchlists_is_valid(tmp_path: Path) -> None:
    active = load(tmp_path, "watchlists: []\n")
    assert active.current.config.watchlists == []


def test_edit_takes_effect_without_a_restart(tmp_path: Path) -> None:
    active = load(tmp_path, GOOD)
    path = active.path
    path.write_text(GOOD.replace("Rússia, ", "Ucrânia, "), encoding="utf-8")
    assert active.reload_if_changed()
    article = Article(url="u", outlet="g1", title="Ucrânia e Rússia", body="")
    (found,) = [m for m in active.current.matcher.match(article) if m.id == "coreia-russia"]
    assert [hit.term for hit in found.hits] == ["Ucrânia"]
    assert not active.reload_if_changed()  # nothing changed since


def test_broken_edit_keeps_the_last_good_version_and_logs_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    active = load(tmp_path, GOOD)
    good = active.current
    active.path.write_text(GOOD.replace("notify: [equipe]", "notify: [ninguem]"), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert not active.reload_if_changed()
        assert not active.reload_if_changed()
    assert active.current is good
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "unknown channel 'ninguem'" in errors[0].getMessage()
    assert f"{active.path}:10" in errors[0].getMessage()
    active.path.write_text(GOOD.replace("Rússia, ", ""), encoding="utf-8")
    assert active.reload_if_changed()
    assert active.current is not good
