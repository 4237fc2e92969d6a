"""An article's URL: the address to fetch it at, and the canonical form that is its identity.

`story_url` is what a link in a feed, sitemap or section page means: the redirect
wrapper removed (crawler.url_wrappers), entities such as a ``&amp;`` written inside
CDATA decoded once, tracking parameters and the fragment dropped. It is still a
URL to fetch, with its host and scheme as the outlet wrote them.

`canonical_url` goes further, so that variants of one address collapse to one form:
the host lowercased and stripped of www/m/amp prefixes, the scheme unified, AMP paths
unified, the remaining parameters sorted. It is the key of URL dedupe, not meant to
be fetched.

Tracking parameters are listed here, in one place (`TRACKING_PARAMETERS`,
`TRACKING_PREFIXES`); an outlet adds its own with `tracking_parameters:` in the
catalogue (a name, or a prefix ending in ``*``).

`absolute` resolves a link found in a page against the page's address, and
`unarchive` takes a web-archive copy's address back to the original's.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote,
    unquote_plus,
    urlencode,
    urljoin,
    urlsplit,
    urlunsplit,
)

from crawler.url_wrappers import unwrap

TRACKING_PARAMETERS = frozenset(
    {
        # ad and social click ids
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "igsh", "epik", "rdt_cid", "sccid",
        # mail and marketing platforms
        "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "hsctatracking", "vero_id",
        "vero_conv", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "sfmc_id",
        "ml_subscriber", "ml_subscriber_hash", "wickedid", "trk", "trkcampaign",
        # analytics and campaign tags of news sites
        "_ga", "_gl", "cmpid", "cmp", "xtor", "xtref", "ocid", "ito", "maca", "smid",
        "mbid", "sr_share", "dicbo", "spref", "__twitter_impression",
        # where the click came from
        "ref", "ref_src", "ref_url", "referrer", "src", "source", "origin", "via",
        # the AMP or mobile rendition of the same page
        "amp", "outputtype",
    }
)  # fmt: skip
"""Query parameters that never change which article a URL names (compared lowercased)."""

TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_", "ga_", "ns_", "itm_")
"""Prefixes of tracking parameter names (Google Analytics, AT Internet, Matomo, ...)."""

_HOST_PREFIXES = ("www.", "www1.", "www2.", "m.", "mobile.", "amp.")
_AMP_SEGMENTS = frozenset({"amp", "amp.html"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Runs of slashes in a path collapse to one, but not the "//" of a URL inside the path.
_MULTIPLE_SLASHES = re.compile(r"(?<!:)/{2,}")
_WAYBACK = re.compile(r"^(?:https?:)?//web\.archive\.org/web/\d+[a-z_]*/", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


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


def story_url(url: str, tracking: Iterable[str] = ()) -> str:
    """The address an article link stands for: unwrapped, entities decoded once,
    without tracking parameters (the list here plus `tracking`) and fragment."""
    text = unescape_once(url.strip())
    parts = urlsplit(unwrap(text))
    query = "&".join(_kept_pairs(parts.query, tracking))
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", query, ""))


def canonical_url(url: str, tracking: Iterable[str] = ()) -> str:
    """The canonical form of `url` (see module docstring); not meant to be fetched."""
    parts = urlsplit(unwrap(unescape_once(url.strip())))
    scheme = "https" if parts.scheme.lower() in ("http", "https", "") else parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    port = _port(parts)
    netloc = (
        host
        if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower())
        else (f"{host}:{port}")
    )
    path = _canonical_path(parts.path)
    kept = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(key, tracking)
    ]
    query = urlencode(sorted(kept), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_fingerprint(url: str) -> bytes:
    """8 bytes identifying the canonical form of `url` (collisions ~1e-6 at 10M URLs)."""
    return hashlib.blake2b(canonical_url(url).encode("utf-8"), digest_size=8).digest()


def unescape_once(url: str) -> str:
    """`url` with character references (``&amp;``, ``&#38;``) decoded, once.

    Only complete references (with their ``;``) are decoded, so a parameter such as
    ``&copy=2`` is left alone."""
    if "&" not in url:
        return url
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), url)


def is_tracking_parameter(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a query parameter only tracks the click (the list here, or `extra`:
    names, or prefixes ending in ``*``)."""
    lowered = name.strip().lower()
    if lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES):
        return True
    for entry in extra:
        wanted = entry.strip().lower()
        if wanted.endswith("*"):
            if lowered.startswith(wanted[:-1]):
                return True
        elif lowered == wanted:
            return True
    return False


def _kept_pairs(query: str, tracking: Iterable[str]) -> list[str]:
    """The `name=value` pieces of `query` that are not tracking, as written."""
    extra = tuple(tracking)
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        name = unquote_plus(piece.split("=", 1)[0])
        if not is_tracking_parameter(name, extra):
            kept.append(piece)
    return kept


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def _canonical_path(path: str) -> str:
    path = _MULTIPLE_SLASHES.sub("/", quote(unquote(path), safe="/:@!$&'()*+,;=-._~%"))
    segments = [segment for segment in path.split("/") if segment]
    if segments[:2] == ["google", "amp"]:
        segments = segments[2:]
    elif segments[:1] == ["amp"]:
        segments = segments[1:]
    if segments and segments[-1].lower() in _AMP_SEGMENTS:
        segments = segments[:-1]
    if segments and segments[-1].endswith(".amp"):
        segments[-1] = segments[-1][: -len(".amp")]
    return "/" + "/".join(segments)
