"""Fixtures for the web app and history tests: the files, and a catcher on real Redis."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis

from alerts.active_watchlists import ActiveWatchlists
from alerts.archive import Archive
from atalaia.redis_keys import Keys

from .catching import Catcher, write_files

ZONE = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """(watchlists.yaml, outlets.yaml)"""
    return write_files(tmp_path)


@pytest.fixture
def catcher(redis_client: redis.Redis, keys: Keys, files: tuple[Path, Path]) -> Catcher:
    archive = Archive(keys, keep_for=30 * 86400, zone=ZONE)
    return Catcher(redis_client, keys, ActiveWatchlists(files[0]), archive)
