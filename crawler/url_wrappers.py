"""Redirect wrappers around article URLs, and how to take the article's URL out of them.

Feeds and aggregators often link an article through a redirector that counts clicks:
Folha's ``redir.folha.com.br/redirect/.../*https://www1.folha.uol.com.br/...``, Google
News and social networks (``...?url=https://...``, ``l.php?u=...``), AMP caches
(``www-publico-pt.cdn.ampproject.org/c/s/www.publico.pt/...``). Kept as they are, one
story has several identities (a wrapped link in the feed, a plain one in the sitemap)
and belongs to the redirector's host instead of the outlet. `unwrap` returns the URL
inside; every rule is listed here, and a URL no rule knows comes back unchanged.

FeedBurner's ``feeds.feedburner.com/~r/...`` links carry no readable target: the
feed's ``feedburner:origLink`` holds it (crawler.extraction.feeds reads it).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote, urlsplit

MAX_DEPTH = 4
"""Wrappers inside wrappers are unwrapped up to this many times."""

# ".../*https://www1.folha.uol.com.br/..." (or "*https:/" once slashes were collapsed,
# or "*https%3A%2F%2F..." when escaped): whatever follows the star is the target.
_STAR_TARGET = re.compile(r"/\*(https?)(?::|%3A)(?:/|%2F)+(.+)$", re.IGNORECASE)

# Hosts that only redirect, and the query parameters that hold the target.
_REDIRECTOR_PARAMETERS: dict[str, tuple[str, ...]] = {
    "news.google.com": ("url",),
    "google.com": ("url", "q"),
    "l.facebook.com": ("u",),
    "lm.facebook.com": ("u",),
    "m.facebook.com": ("u",),
    "l.instagram.com": ("u",),
    "l.messenger.com": ("u",),
    "out.reddit.com": ("url",),
    "t.umblr.com": ("z",),
    "away.vk.com": ("to",),
    "slack-redir.net": ("url",),
    "click.linksynergy.com": ("murl",),
}
# On any other host, a redirector is recognised by its path and parameter.
_REDIRECT_PATHS = re.compile(
    r"/(?:redirect|redir|r|out|outbound|link|click|go|goto|url|away|exit|l)(?:\.php|\.aspx?)?/?$",
    re.IGNORECASE,
)
_TARGET_PARAMETERS = ("url", "u", "to", "target", "dest", "destination", "redirect", "link")

# AMP caches and viewers: /c/s/HOST/PATH (s: https), /v/s/..., /amp/s/HOST/PATH.
_AMP_CACHE = re.compile(r"^/(?:c|v|wp|i)/(?:(s)/)?([^/]+)(/.*)?$")
_AMP_VIEWER = re.compile(r"^/amp/(?:(s)/)?([^/]+\.[^/]+)(/.*)?$")

# Google News article ids of the older kind hold the article URL in base64.
_GOOGLE_NEWS_ARTICLE = re.compile(r"^/(?:rss/)?articles/([A-Za-z0-9_-]{20,})")
_URL_IN_BYTES = re.compile(rb"https?://[\x21-\x7e]+")


def unwrap(url: str) -> str:
    """The URL an article redirector points to, or `url` itself when it is no wrapper."""
    current = url.strip()
    for _ in range(MAX_DEPTH):
        inner = _unwrap_once(current)
        if inner is None or inner == current:
            return current
        current = inner
    return current


def is_wrapped(url: str) -> bool:
    return unwrap(url) != url.strip()


def _unwrap_once(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    for rule in _RULES:
        found = rule(host, parts.path, parts.query, url)
        if found is not None:
            return found if _absolute(found) else None
    return None


def _star(host: str, path: str, query: str, url: str) -> str | None:
    match = _STAR_TARGET.search(url.split("#", 1)[0])
    if match is None:
        return None
    rest = match.group(2)
    if "%2F" in rest[:12].upper() or "%3F" in rest.upper():
        rest = unquote(rest)
    return f"{match.group(1).lower()}://{rest}"


def _redirector(host: str, path: str, query: str, url: str) -> str | None:
    names = _known_redirector(host)
    if names is None:
        if not _REDIRECT_PATHS.search(path):
            return None
        names = _TARGET_PARAMETERS
    values = dict(parse_qsl(query, keep_blank_values=True))
    lowered = {key.lower(): value for key, value in values.items()}
    for name in names:
        value = lowered.get(name, "").strip()
        if _absolute(value):
            return value
    return None


def _known_redirector(host: str) -> tuple[str, ...] | None:
    if host in _REDIRECTOR_PARAMETERS:
        return _REDIRECTOR_PARAMETERS[host]
    # www.google.com.br/url?q=..., google.pt/url?url=...
    labels = host.removeprefix("www.").split(".")
    if labels[0] == "google" and len(labels) <= 3:
        return _REDIRECTOR_PARAMETERS["google.com"]
    return None


def _amp_cache(host: str, path: str, query: str, url: str) -> str | None:
    if host.endswith(".cdn.ampproject.org") or host == "cdn.ampproject.org":
        match = _AMP_CACHE.match(path)
    elif _known_redirector(host) == _REDIRECTOR_PARAMETERS["google.com"] or host.endswith(
        ".bing.com"
    ):
        match = _AMP_VIEWER.match(path)
    else:
        return None
    if match is None:
        return None
    scheme = "https" if match.group(1) else "http"
    target = f"{scheme}://{match.group(2)}{match.group(3) or '/'}"
    return f"{target}?{query}" if query else target


def _google_news(host: str, path: str, query: str, url: str) -> str | None:
    if host != "news.google.com":
        return None
    match = _GOOGLE_NEWS_ARTICLE.match(path)
    if match is None:
        return None
    token = match.group(1)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    return _url_field(raw)


def _url_field(raw: bytes) -> str | None:
    """The first length-delimited protobuf field of `raw` that holds an http(s) URL."""
    for found in _URL_IN_BYTES.finditer(raw):
        start = found.start()
        # the length is a varint of one or two bytes just before the URL
        for size in (1, 2):
            varint = raw[max(0, start - size) : start]
            if len(varint) != size or varint[-1] & 0x80 or not all(b & 0x80 for b in varint[:-1]):
                continue
            length = sum((byte & 0x7F) << (7 * shift) for shift, byte in enumerate(varint))
            candidate = raw[start : start + length]
            if len(candidate) == length and _URL_IN_BYTES.fullmatch(candidate):
                return candidate.decode("ascii")
    return None  # the newer, opaque ids: only Google can resolve them


_RULES: tuple[Callable[[str, str, str, str], str | None], ...] = (
    _star,
    _amp_cache,
    _google_news,
    _redirector,
)


def _absolute(url: str) -> bool:
    if not url.lower().startswith(("http://", "https://")):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False
