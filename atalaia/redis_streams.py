"""Redis replies as text, and the consumer groups the work queues are read through.

The clients keep replies as bytes (alert and story JSON is decoded once, where it is
read); `text` and `texts` turn what is a name, an id or a number into `str`, and
`json_object` reads a JSON object kept in a field (`{}` when it is missing or not one).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

import redis
import redis.asyncio as aioredis


def text(value: object) -> str:
    """A reply as text: bytes decoded as UTF-8 (a byte that is not becomes U+FFFD)."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def texts(values: Iterable[object]) -> list[str]:
    return [text(value) for value in values]


def json_object(raw: bytes | str | None) -> dict[str, Any]:
    """The JSON object in `raw`; {} when there is none, or it is not valid JSON."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def ensure_group(client: redis.Redis, stream: str, group: str) -> None:
    """Create `group` on `stream` (and the stream), reading from its start, if missing."""
    with _existing_group_is_fine():
        client.xgroup_create(stream, group, id="0", mkstream=True)


async def ensure_group_async(client: aioredis.Redis, stream: str, group: str) -> None:
    """`ensure_group` for an asyncio client."""
    with _existing_group_is_fine():
        await client.xgroup_create(stream, group, id="0", mkstream=True)


@contextlib.contextmanager
def _existing_group_is_fine() -> Iterator[None]:
    try:
        yield
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
