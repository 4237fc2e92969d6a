"""URLs as the outlet meant them: absolute, and without web-archive rewriting."""

from __future__ import annotations

import re
from urllib.parse import urljoin

_WAYBACK = re.compile(r"^(?:https?:)?//web\.archive\.org/web/\d+[a-z_]*/", re.IGNORECASE)


def unarchive(url: str) -> str:
    """`url` without a `https://web.archive.org/web/<timestamp>/` prefix."""
    stripped = _WAYBACK.sub("", url.strip())
    if stripped != url.strip() and not stripped.startswith(("http://", "https://")):
        stripped = "http://" + stripped.lstrip("/")
    return stripped


def absolute(url: str, base: str) -> str:
    """`url` resolved against `base` and un-archived; '' if it is not http(s)."""
    if not url.strip():
        return ""
    resolved = unarchive(urljoin(unarchive(base), unarchive(url)))
    return resolved if resolved.startswith(("http://", "https://")) else ""
