"""Writing a catalogue for the newsroom with the sources a discovery test serves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.newsroom import FakeArticle, Newsroom
from tests.newsroom.feeds import Listed


def listed(article: FakeArticle) -> Listed:
    return Listed(article.title, article.canonical_url, article.published_at, article.lead)


def write_catalogue(
    room: Newsroom, path: Path, change: Callable[[dict[str, dict[str, Any]]], None]
) -> Path:
    """The newsroom's catalogue, with `change` applied to its entries (by outlet id)."""
    catalogue = room.catalogue()
    entries = {entry["id"]: entry for entry in catalogue["outlets"]}
    change(entries)
    catalogue["outlets"] = list(entries.values())
    path.write_text(yaml.safe_dump(catalogue, allow_unicode=True, sort_keys=False), "utf-8")
    return path
