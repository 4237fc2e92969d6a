"""The outlet catalogue: the shipped one is valid; mistakes are refused with file, line, field."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from atalaia.errors import ConfigError, ConfigErrors
from crawler.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
outlets:
  - id: r7
    name: R7
    country: BR
    language: pt-BR
    timezone: America/Sao_Paulo
    homepage: https://noticias.r7.com/
    sitemaps: ['https://www.r7.com/arc/outboundfeeds/sitemap-news/?outputType=xml']
    sections:
      - url: https://noticias.r7.com/internacional
        articles: '/internacional/.+-\\d{8}/'
    every: 5m
  - id: publico
    name: Público
    timezone: Europe/Lisbon
    feeds: [https://feeds.feedburner.com/PublicoRSS]
    cron: '*/10 6-23 * * *'
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "outlets.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_catalogue_has_the_big_lusophone_outlets() -> None:
    catalogue = load_catalogue(ROOT / "seeds" / "outlets.yaml")
    assert len(catalogue) >= 30
    ids = set(catalogue.by_id)
    for expected in ("folha", "uol", "r7", "cnn-brasil", "bbc-brasil", "publico", "observador"):
        assert expected in ids, expected
    countries = {outlet.country for outlet in catalogue}
    assert {"BR", "PT"} <= countries
    assert countries - {"BR", "PT"}, "Lusophone Africa/Asia outlets are missing"
    for outlet in catalogue.enabled:
        assert outlet.feeds or outlet.sitemaps or outlet.sections, outlet.id


def test_good_catalogue_loads_into_typed_outlets(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, GOOD))
    r7 = catalogue.by_id["r7"]
    assert r7.interval is not None and r7.interval.total_seconds() == 300
    assert r7.sections[0].articles == r"/internacional/.+-\d{8}/"
    assert catalogue.by_id["publico"].cron == "*/10 6-23 * * *"
    assert catalogue.by_id["publico"].interval is None


@pytest.mark.parametrize(
    ("replace", "by", "line", "field", "message"),
    [
        ("every: 5m", "every: cinco minutos", 12, "outlets[0].every", "not a duration"),
        ("    feeds: [https://feeds", "    feed: [https://feeds", 16, "outlets[1].feed",
         "unknown field 'feed' (did you mean 'feeds'?)"),
        ("timezone: Europe/Lisbon", "timezone: Lisboa", 15, "outlets[1].timezone",
         "unknown timezone 'Lisboa'"),
        ("articles: '/internacional/.+-\\d{8}/'", "articles: '/internacional/(.+'", 11,
         "outlets[0].sections[0].articles", "not a valid regular expression"),
        ("cron: '*/10 6-23 * * *'", "cron: '*/10 6-25 * * *'", 17, "outlets[1].cron",
         "invalid cron expression"),
        ("  - id: publico", "  - id: r7", 13, "outlets[1].id",
         "duplicate id 'r7' (first used on line 2)"),
        ("homepage: https://noticias.r7.com/", "homepage: noticias.r7.com", 7,
         "outlets[0].homepage", "not an http(s) URL"),
    ],
)  # fmt: skip
def test_mistake_is_refused_with_file_line_and_field(
    tmp_path: Path, replace: str, by: str, line: int, field: str, message: str
) -> None:
    assert replace in GOOD
    path = write(tmp_path, GOOD.replace(replace, by))
    with pytest.raises(ConfigErrors) as caught:
        load_catalogue(path)
    (error,) = caught.value.errors
    assert (error.path, error.line, error.field) == (path, line, field)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {field}: ")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    name: R7\n", "    name: [R7\n"))
    with pytest.raises(ConfigError) as caught:
        load_catalogue(path)
    assert caught.value.line is not None and 3 <= caught.value.line <= 5
    assert "YAML syntax error" in str(caught.value)


def test_enabled_outlet_without_sources_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "outlets:\n  - id: vazio\n    name: Vazio\n")
    with pytest.raises(ConfigErrors) as caught:
        load_catalogue(path)
    assert "at least one of feeds, sitemaps or sections" in str(caught.value)
    assert caught.value.errors[0].line == 2


def test_check_command_reports_the_mistake_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("every: 5m", "every: 5 minutes"))
    result = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "check", "--outlets", str(path),
         "--watchlists", str(ROOT / "watchlists.yaml")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{path}:12: outlets[0].every: not a duration: '5 minutes'" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_command_prints_the_plan(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    result = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "check", "--outlets", str(path),
         "--watchlists", str(ROOT / "watchlists.yaml")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 outlets, 2 enabled" in result.stdout
    assert "r7" in result.stdout and "every 5m" in result.stdout
    assert "cron */10 6-23 * * *" in result.stdout
    assert "coreia-russia" in result.stdout


def test_check_explains_how_disabled_outlets_are_marked(tmp_path: Path) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(
        "outlets:\n"
        "  - {id: folha, name: Folha, feeds: ['https://f.example/rss']}\n"
        "  - {id: velho, name: Velho, enabled: false}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "check", "--outlets", str(path),
         "--watchlists", str(ROOT / "watchlists.yaml")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("2 outlets, 1 enabled")
    assert lines[1].startswith("  ('-' before an id: disabled by 'enabled: false' in the catalogue")
    assert lines[2].startswith("    folha ") and lines[3].startswith("  - velho ")
