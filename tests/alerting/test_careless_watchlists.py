"""Mistakes in watchlists.yaml that used to pass `check`: addresses with line breaks,
outlet ids the catalogue does not have, `${VAR}` where it means nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from alerts.active_watchlists import ActiveWatchlists
from alerts.watchlists import load_watchlists
from atalaia.errors import ConfigErrors
from atalaia.redis_keys import Keys
from tests.crawl.crawling import ROOT, atalaia

SEEDS = ROOT / "seeds" / "outlets.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watchlists.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("to", '["analistas@example.org\\r\\nBcc: intruso@example.org"]'),
        ("to", '["analistas@example.org\\nX-Evil: 1"]'),
        ("to", '["ninguem"]'),
        ("from", '"atalaia@example.org\\r\\nBcc: intruso@example.org"'),
    ],
)
def test_check_refuses_a_mail_address_with_line_breaks(
    field: str, value: str, tmp_path: Path, keys: Keys
) -> None:
    fields = {"to": '["analistas@example.org"]', "from": '"atalaia@example.org"', field: value}
    path = write(
        tmp_path,
        f"""\
        channels:
          analistas:
            type: email
            to: {fields["to"]}
            from: {fields["from"]}
            smtp_url: smtp://127.0.0.1:2525
        """,
    )
    result = atalaia("check", "--watchlists", str(path), redis_url="", keys=keys)
    assert result.returncode == 2, result.stdout
    line = 4 if field == "to" else 5
    assert f"{path}:{line}: channels.analistas." in result.stderr
    assert "not a mail address" in result.stderr or "line break" in result.stderr


WITH_OUTLETS = """\
watchlists:
  - id: russia
    terms: [Rússia]
    outlets: [g1, folhaa, publico]
"""


def test_check_refuses_an_outlet_the_catalogue_does_not_have(tmp_path: Path, keys: Keys) -> None:
    path = write(tmp_path, WITH_OUTLETS)
    result = atalaia(
        "check", "--watchlists", str(path), "--outlets", str(SEEDS), redis_url="", keys=keys
    )
    assert result.returncode == 2
    assert f"{path}:4: watchlists[0].outlets[1]: unknown outlet 'folhaa'" in result.stderr
    assert "did you mean 'folha'?" in result.stderr


def test_the_daemon_refuses_an_unknown_outlet_at_start_and_on_reload(
    tmp_path: Path, keys: Keys
) -> None:
    path = write(tmp_path, WITH_OUTLETS)
    started = atalaia(
        "run", "--watchlists", str(path), "--outlets", str(SEEDS), "--no-metrics",
        redis_url="", keys=keys,
    )  # fmt: skip
    assert started.returncode == 2 and "unknown outlet 'folhaa'" in started.stderr

    path.write_text("watchlists:\n  - id: russia\n    terms: [Rússia]\n", encoding="utf-8")
    outlet_ids = frozenset({"g1", "folha", "publico"})
    active = ActiveWatchlists(path, {}, outlet_ids=outlet_ids)
    path.write_text(textwrap.dedent(WITH_OUTLETS), encoding="utf-8")
    assert active.reload_if_changed() is False
    assert active.current.config.watchlists[0].outlets is None


def test_variables_are_read_in_channels_only(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        channels:
          equipe:
            type: webhook
            url: https://hooks.example.org/${HOOK_PATH}
        watchlists:
          - id: precos
            terms: ["${PRECO}", "custo de vida"]
            exclude: ["${SEGREDO}"]
            notify: [equipe]
          - id: consulta
            query: '"${PRECO}" OR inflação'
        """,
    )
    environ = {"HOOK_PATH": "atalaia", "PRECO": "gasolina", "SEGREDO": "x"}
    config = load_watchlists(path, environ)
    assert config.channels["equipe"].url == "https://hooks.example.org/atalaia"  # type: ignore[union-attr]
    precos, consulta = config.watchlists
    assert precos.terms == ("${PRECO}", "custo de vida")
    assert precos.exclude == ("${SEGREDO}",)
    assert consulta.query == '"${PRECO}" OR inflação'
    # and a variable that is not set is no error where it is not read
    load_watchlists(path, {"HOOK_PATH": "atalaia"})
    with pytest.raises(ConfigErrors, match="HOOK_PATH is not set"):
        load_watchlists(path, {})
