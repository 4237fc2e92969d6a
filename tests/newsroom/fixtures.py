"""Pytest fixtures for tests that crawl the newsroom.

Load them from the root conftest (pytest only honours `pytest_plugins` there):

    # tests/conftest.py
    pytest_plugins = ["tests.newsroom.fixtures"]

then ask for `newsroom` (one per test, 5 articles per outlet, all six styles) or
`newsroom_catalogue` (the outlets.yaml pointing at it, in tmp_path).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .newsroom import Newsroom


@pytest.fixture
def newsroom() -> Iterator[Newsroom]:
    with Newsroom(seed=0, articles_per_outlet=5) as room:
        yield room


@pytest.fixture
def newsroom_catalogue(newsroom: Newsroom, tmp_path: Path) -> Path:
    return newsroom.write_catalogue(tmp_path / "outlets.yaml")
