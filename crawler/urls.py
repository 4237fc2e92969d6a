"""The canonical form of an article URL, used as its identity for dedupe.

Variants of one address collapse to one form: the host lowercased and stripped of
www/m/amp prefixes, the scheme unified, the fragment and tracking parameters
dropped, AMP paths unified, the remaining parameters sorted.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_HOST_PREFIXES = ("www.", "www1.", "www2.", "m.", "mobile.", "amp.")
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "cmpid", "cmp", "xtor", "ocid",
        "ito", "ref", "ref_src", "ref_url", "src", "source", "origin", "amp",
        "outputtype", "spref", "twclid", "ttclid", "mkt_tok", "__twitter_impression",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_")
_AMP_SEGMENTS = frozenset({"amp", "amp.html"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTIPLE_SLASHES = re.compile(r"/{2,}")


def canonical_url(url: str) -> str:
    """The canonical form of `url` (see module docstring); not meant to be fetched."""
    parts = urlsplit(url.strip())
    scheme = "https" if parts.scheme.lower() in ("http", "https", "") else parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    port = parts.port
    netloc = (
        host
        if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower())
        else (f"{host}:{port}")
    )
    path = _canonical_path(parts.path)
    query = urlencode(sorted(_kept_parameters(parts.query)), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_fingerprint(url: str) -> bytes:
    """8 bytes identifying the canonical form of `url` (collisions ~1e-6 at 10M URLs)."""
    return hashlib.blake2b(canonical_url(url).encode("utf-8"), digest_size=8).digest()


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


def _kept_parameters(query: str) -> list[tuple[str, str]]:
    kept = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        lowered = key.lower()
        if lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES):
            continue
        kept.append((key, value))
    return kept
