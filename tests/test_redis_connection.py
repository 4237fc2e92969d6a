"""The embedded default: with no Redis configured, a real server keeps data under --data-dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from atalaia.errors import RedisUnavailable
from atalaia.redis_connection import EmbeddedRedis, connect, open_redis, redact
from atalaia.redis_keys import Keys


def test_embedded_redis_persists_under_the_data_dir_and_stops(data_dir: Path) -> None:
    with open_redis(None, data_dir) as service:
        assert service.url.startswith("redis://127.0.0.1:")
        service.client.set("atalaia:probe", "sim")
        first_url = service.url
    assert (data_dir / "redis").is_dir()
    with pytest.raises(RedisUnavailable):
        connect(first_url)
    with open_redis(None, data_dir) as service:
        assert service.client.get("atalaia:probe") == b"sim"


def test_second_process_on_the_same_data_dir_reuses_the_running_server(data_dir: Path) -> None:
    owner = EmbeddedRedis(data_dir)
    url = owner.start()
    try:
        guest = EmbeddedRedis(data_dir)
        assert guest.start() == url
        assert not guest.owned
        guest.stop()
        assert connect(url).ping()
    finally:
        owner.stop()


def test_unreachable_redis_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(RedisUnavailable) as caught:
        connect("redis://user:s3cr3t@127.0.0.1:1/0")
    assert "s3cr3t" not in str(caught.value)
    assert "127.0.0.1:1" in str(caught.value)


def test_redact_hides_passwords() -> None:
    assert redact("redis://:pw@host:6379/0") == "redis://***@host:6379/0"
    assert redact("redis://u:pw@host") == "redis://u:***@host"
    assert redact("redis://host:6379") == "redis://host:6379"


def test_keys_share_one_prefix() -> None:
    assert Keys("x:").seen(20000) == "x:seen:20000"
