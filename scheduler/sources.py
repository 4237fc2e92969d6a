"""Reading what a user points a command at: an http(s) URL, a file, or `-` for stdin."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from atalaia.errors import AtalaiaError
from atalaia.settings import Settings


def read_source(
    source: str, given_url: str | None, settings: Settings
) -> tuple[bytes, str, str | None]:
    """The bytes of `source`, the address they stand for, and the charset the server named."""
    if urlsplit(source).scheme in ("http", "https"):
        try:
            response = httpx.get(
                source,
                headers={"User-Agent": settings.user_agent},
                follow_redirects=True,
                timeout=settings.download_timeout,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise AtalaiaError(f"cannot fetch {source}: {exc}") from None
        return response.content, given_url or str(response.url), response.charset_encoding
    if source == "-":
        return sys.stdin.buffer.read(), given_url or "stdin:", None
    path = Path(source)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise AtalaiaError(f"cannot read {source}: {exc.strerror}") from None
    return body, given_url or path.resolve().as_uri(), None
