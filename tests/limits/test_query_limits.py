"""Queries nested too deep or too large are refused with a clear error and its column,
in `check`, `match`, at the daemon's start and on a live reload: never RecursionError."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest
import yaml

from alerts.active_watchlists import ActiveWatchlists
from alerts.query import MAX_DEPTH, MAX_LENGTH, MAX_TERMS, QueryError, parse_query
from atalaia.redis_keys import Keys
from tests.crawl.crawling import ROOT, atalaia

PARENTHESES = "(" * 200 + "Rússia" + ")" * 200
NOTS = "NOT " * 2000 + "Rússia"
NEARS = " NEAR/3 ".join(["Rússia"] * 3001)
HOSTILE = {"parentheses": PARENTHESES, "nots": NOTS, "nears": NEARS}


@pytest.mark.parametrize(
    ("query", "column"),
    [
        (PARENTHESES, MAX_DEPTH + 1),  # the first '(' past the limit
        (NOTS, 4 * MAX_DEPTH + 1),  # the first NOT past the limit
        (NEARS[:1000], len("Rússia NEAR/3 ") * MAX_DEPTH + len("Rússia ") + 1),
    ],
)
def test_deep_queries_are_refused_at_the_column_that_goes_too_deep(query: str, column: int) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(query)
    assert raised.value.column == column
    assert raised.value.message == f"nested too deeply (at most {MAX_DEPTH} levels)"


def test_depth_up_to_the_limit_is_fine() -> None:
    parse_query("(" * (MAX_DEPTH - 1) + "Rússia" + ")" * (MAX_DEPTH - 1))
    parse_query("NOT " * (MAX_DEPTH - 1) + "Rússia")
    parse_query(" NEAR/3 ".join(["Rússia"] * MAX_DEPTH))


def test_size_limits() -> None:
    with pytest.raises(QueryError, match=rf"longer than {MAX_LENGTH} characters") as raised:
        parse_query(NEARS)  # 3,000 chained NEARs: 42,000 characters
    assert raised.value.column == MAX_LENGTH + 1
    with pytest.raises(QueryError, match=rf"longer than {MAX_LENGTH} characters"):
        parse_query("a" * (MAX_LENGTH + 1))
    many = " OR ".join(f"t{n}" for n in range(MAX_TERMS + 1))
    with pytest.raises(QueryError, match=rf"more than {MAX_TERMS} terms") as raised:
        parse_query(many)
    assert raised.value.column == many.index(f"t{MAX_TERMS}") + 1
    parse_query(" OR ".join(f"t{n}" for n in range(MAX_TERMS)))


def watchlists_file(path: Path, query: str) -> Path:
    path.write_text(
        yaml.safe_dump(
            {"watchlists": [{"id": "hostil", "query": query}]}, width=10**6, allow_unicode=True
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_check_and_match_give_a_clean_error(name: str, tmp_path: Path, keys: Keys) -> None:
    query = HOSTILE[name]
    path = watchlists_file(tmp_path / "watchlists.yaml", query)
    checked = atalaia("check", "--watchlists", str(path), redis_url="", keys=keys)
    assert checked.returncode == 2
    assert "Traceback" not in checked.stderr and "RecursionError" not in checked.stderr
    # file:line:column of the mistake, the column counted in the file
    line = checked.stderr.splitlines()[0]
    with pytest.raises(QueryError) as raised:
        parse_query(query)
    file_column = len("  query: ") + raised.value.column
    assert line.startswith(f"atalaia: error: {path}:3:{file_column}: watchlists[0].query: ")
    assert raised.value.message in line
    assert len(line) < 300, "the error repeats the whole query"

    matched = atalaia("match", "--query", query, "-", redis_url="", keys=keys)
    assert matched.returncode == 2
    assert raised.value.message in matched.stderr and "Traceback" not in matched.stderr
    assert len(matched.stderr) < 1000
    by_watchlist = atalaia(
        "match", "--watchlists", str(path), "--watchlist", "hostil", "-", redis_url="", keys=keys
    )
    assert by_watchlist.returncode == 2 and "Traceback" not in by_watchlist.stderr


def test_the_daemon_refuses_to_start_with_a_clear_error(tmp_path: Path, keys: Keys) -> None:
    path = watchlists_file(tmp_path / "watchlists.yaml", NOTS)
    started = atalaia(
        "run", "--watchlists", str(path), "--outlets", str(ROOT / "seeds" / "outlets.yaml"),
        "--no-metrics", redis_url="", keys=keys,
    )  # fmt: skip
    assert started.returncode == 2
    assert "nested too deeply" in started.stderr and "Traceback" not in started.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_live_reload_keeps_the_last_good_version(
    name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "watchlists.yaml"
    path.write_text(
        textwrap.dedent("""\
            watchlists:
              - id: russia
                terms: [Rússia]
        """),
        encoding="utf-8",
    )
    active = ActiveWatchlists(path, {})
    watchlists_file(path, HOSTILE[name])
    with caplog.at_level(logging.ERROR):
        assert active.reload_if_changed() is False
    assert [w.id for w in active.current.config.watchlists] == ["russia"]
    assert "nested too deeply" in caplog.text or "longer than" in caplog.text
