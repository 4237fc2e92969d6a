"""`atalaia --help`, `check`, `match` and `status` start without importing Scrapy or
Twisted (which cost most of a second); only the commands that crawl load them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from atalaia.redis_keys import Keys
from tests.crawl.crawling import ROOT

HEAVY = ("scrapy", "twisted")


def imported_modules(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> set[str]:
    """The modules `atalaia ARGS` imports (from `python -X importtime`)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scheduler.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip())
    assert modules, "python -X importtime printed nothing"
    return modules


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("check",),
        ("check", "--help"),
        ("match", "--query", "Rússia"),
        ("crawl", "--help"),
        ("run", "--help"),
    ],
)
def test_commands_that_do_not_crawl_import_neither_scrapy_nor_twisted(
    args: tuple[str, ...],
) -> None:
    modules = imported_modules(*args, stdin="A Rússia e a Coreia do Norte assinaram um acordo.")
    assert heavy(modules) == []


def test_match_on_a_page_imports_neither(tmp_path: object) -> None:
    page = (ROOT / "tests" / "extraction" / "fixtures" / "wordpress_yoast.html").read_text("utf-8")
    modules = imported_modules("match", "--query", "Rússia", "-", stdin=page)
    assert heavy(modules) == []


def test_status_imports_neither(redis_url: str, keys: Keys) -> None:
    env = {"ATALAIA_REDIS_URL": redis_url, "ATALAIA_REDIS_PREFIX": keys.prefix}
    assert heavy(imported_modules("status", env=env)) == []
