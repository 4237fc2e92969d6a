"""A best guess at an outlet's timezone, for when no outlet configuration says.

The crawl always passes the outlet's configured timezone; this is for tools that
look at a lone page or file (the evaluation script, `atalaia extract FILE`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

_BY_REGION = {
    "BR": "America/Sao_Paulo", "PT": "Europe/Lisbon", "AO": "Africa/Luanda",
    "MZ": "Africa/Maputo", "CV": "Atlantic/Cape_Verde", "GW": "Africa/Bissau",
    "ST": "Africa/Sao_Tome", "TL": "Asia/Dili", "MO": "Asia/Macau",
}  # fmt: skip


def guess_timezone(url: str = "", language: str = "", default: str = "UTC") -> str:
    """The IANA zone suggested by the URL's country domain or the language's region."""
    host = urlsplit(url).hostname or ""
    country = host.rsplit(".", 1)[-1].upper() if "." in host else ""
    if country in _BY_REGION:
        return _BY_REGION[country]
    region = (
        language.replace("_", "-").split("-")[1].upper()
        if "-" in language.replace("_", "-")
        else ""
    )
    return _BY_REGION.get(region, default)
