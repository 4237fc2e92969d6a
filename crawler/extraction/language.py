"""Language tags normalised the way the rest of Atalaia writes them (`pt-BR`)."""

from __future__ import annotations

import re

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}))?")


def normalise_language(tag: str) -> str:
    """'pt_br', 'PT-br', 'pt-BR.utf8' -> 'pt-BR'; 'pt' stays 'pt'; junk -> ''."""
    match = _TAG.match(tag.strip())
    if match is None:
        return ""
    language, region = match.group(1).lower(), match.group(2)
    return f"{language}-{region.upper()}" if region else language


def choose_language(*tags: str) -> str:
    """The first usable tag, made specific by a later tag of the same language.

    `choose_language("pt", "pt_PT")` is 'pt-PT'; `choose_language("en", "pt-BR")` is 'en'.
    """
    normalised = [n for n in (normalise_language(t) for t in tags if t) if n]
    if not normalised:
        return ""
    first = normalised[0]
    base = first.split("-")[0]
    return next((n for n in normalised if "-" in n and n.split("-")[0] == base), first)
