from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def page() -> PageLoader:
    return PageLoader()


class PageLoader:
    def __call__(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes()
