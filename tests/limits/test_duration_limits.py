"""Durations beyond any sensible bound are refused by `check`, never crash `run`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from atalaia.durations import MAX_DURATION, parse_duration
from atalaia.redis_keys import Keys
from tests.crawl.crawling import atalaia


@pytest.mark.parametrize("text", ["99999999999999999999d", "3651d", str(10**400), 1e400, 10**30])
def test_huge_durations_are_refused(text: str | float) -> None:
    with pytest.raises(ValueError, match="too long"):
        parse_duration(text)


def test_the_longest_duration_is_fine() -> None:
    assert parse_duration("3650d") == MAX_DURATION


@pytest.mark.parametrize(
    ("field", "value"), [("every", "99999999999999999999d"), ("every", "3651d")]
)
def test_check_refuses_an_outlet_polled_every_eon(
    field: str, value: str, tmp_path: Path, keys: Keys
) -> None:
    catalogue = tmp_path / "outlets.yaml"
    entry = {"id": "eterno", "name": "Eterno", "feeds": ["https://e.example/rss"], field: value}
    catalogue.write_text(yaml.safe_dump({"outlets": [entry]}, sort_keys=False), encoding="utf-8")
    line = catalogue.read_text(encoding="utf-8").splitlines().index(f"  every: {value}") + 1
    result = atalaia("check", "--outlets", str(catalogue), redis_url="", keys=keys)
    assert result.returncode == 2
    assert f"{catalogue}:{line}: outlets[0].every: too long: {value!r} (at most 3650d)" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_check_refuses_a_retry_delay_of_an_eon(tmp_path: Path, keys: Keys) -> None:
    watchlists = tmp_path / "watchlists.yaml"
    channel = {
        "type": "webhook",
        "url": "https://h.example/x",
        "retry": ["5s", "99999999999999999999d"],
    }
    watchlists.write_text(yaml.safe_dump({"channels": {"equipe": channel}}), encoding="utf-8")
    result = atalaia("check", "--watchlists", str(watchlists), redis_url="", keys=keys)
    assert result.returncode == 2 and "too long" in result.stderr
