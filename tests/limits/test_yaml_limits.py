"""YAML that would blow up or silently lose data is refused, with its line."""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import pytest

from alerts.active_watchlists import ActiveWatchlists
from atalaia.errors import ConfigError
from atalaia.redis_keys import Keys
from atalaia.yamlfile import ALIAS_BUDGET, MAX_DEPTH, parse_yaml
from crawler.catalogue import load_catalogue
from tests.crawl.crawling import atalaia

# ~700 bytes that expand to 10^9 values: the "billion laughs".
ALIAS_BOMB = textwrap.dedent("""\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
    watchlists:
      - id: bomba
        terms: *h
""")


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path, keys: Keys) -> None:
    path = tmp_path / "watchlists.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    started = time.monotonic()
    result = atalaia("check", "--watchlists", str(path), redis_url="", keys=keys, timeout=30)
    assert time.monotonic() - started < 10
    assert result.returncode == 2
    assert re.search(
        rf"{path}:2: aliases \(\*name\) would expand this file to [\d,]{{11,}} values; at most "
        "10,000 more than are written out are allowed",
        result.stderr,
    ), result.stderr
    assert "Traceback" not in result.stderr


def test_a_live_reload_refuses_an_alias_bomb_at_once(tmp_path: Path) -> None:
    path = tmp_path / "watchlists.yaml"
    path.write_text("watchlists:\n  - id: russia\n    terms: [Rússia]\n", encoding="utf-8")
    active = ActiveWatchlists(path, {})
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    started = time.monotonic()
    assert active.reload_if_changed() is False
    assert time.monotonic() - started < 2
    assert [w.id for w in active.current.config.watchlists] == ["russia"]


def test_aliases_within_the_budget_are_fine() -> None:
    text = "base: &base {type: webhook, url: 'https://h.example/x'}\nother: *base\n"
    assert parse_yaml(text, Path("f.yaml")).data["other"]["type"] == "webhook"
    items = ", ".join(["x"] * (ALIAS_BUDGET // 10 - 1))
    text = f"a: &a [{items}]\n" + "".join(f"k{n}: *a\n" for n in range(10))
    parse_yaml(text, Path("f.yaml"))


def test_an_alias_to_itself_is_refused() -> None:
    with pytest.raises(ConfigError, match="alias refers to the value that contains it"):
        parse_yaml("a: &a [1, *a]\n", Path("f.yaml"))


def test_nesting_too_deep_is_refused_with_its_line() -> None:
    deep = "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(ConfigError) as raised:
        parse_yaml("ok: 1\n" + deep, Path("f.yaml"))
    assert raised.value.line == 2
    assert f"nested more than {MAX_DEPTH} levels deep" in str(raised.value)
    with pytest.raises(ConfigError):
        parse_yaml("[" * 100_000 + "]" * 100_000, Path("f.yaml"))


def test_a_duplicate_key_is_refused_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(
        textwrap.dedent("""\
            outlets:
              - id: g1
                name: G1
                feeds: [https://g1.globo.com/rss/g1/]
            outlets:
              - id: folha
                name: Folha
                name: Folha de S.Paulo
                feeds: [https://feeds.folha.uol.com.br/emcimadahora/rss091.xml]
        """),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_catalogue(path)
    assert str(raised.value) == (
        f"{path}:5: duplicate key 'outlets': on line 1 and again on line 5 "
        "(only one would be kept: merge them)"
    )


def test_merge_keys_are_not_duplicates() -> None:
    text = "base: &base {a: 1, b: 2}\nitem:\n  <<: *base\n  b: 3\n"
    assert parse_yaml(text, Path("f.yaml")).data["item"] == {"a": 1, "b": 3}
