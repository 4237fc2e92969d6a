"""Fixtures for the daemon tests: a stage (newsroom, receiver, files) on the shared Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from atalaia.redis_keys import Keys

from .stage import Stage


@pytest.fixture
def stage(tmp_path: Path, redis_url: str, keys: Keys) -> Iterator[Stage]:
    with Stage(tmp_path, redis_url, keys) as on_stage:
        yield on_stage
