"""Author names as a clean list: no "Por", no "Da Redação", no publisher posing as author.

Agencies ("Reuters", "Agência Brasil") are kept: for a wire story they are the author.
"""

from __future__ import annotations

import re
import unicodedata

_PREFIX = re.compile(
    r"^(?:por|by|de|da|do|dos|das|texto|reportagem|escrito por|publicado por)\s*:?\s+",
    re.IGNORECASE,
)
_LOCATION = re.compile(r",?\s+(?:em|no|na)\s+[A-ZÁÉÍÓÚÂÊÔÃÕÇ][\w\s.()-]*$", re.IGNORECASE)
_DATE_TAIL = re.compile(
    r"\s*(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2} de \w+ de \d{4}|atualizad).*$", re.I
)
_SPLIT = re.compile(r"\s*(?:,|;|&|\||\band\b)\s*")
_AND = re.compile(r"\s+e\s+")
_NEWSROOM = re.compile(
    r"^(?:da\s+)?reda[çc][ãa]o\b|^colabora[çc][ãa]o\b|^equipe\b|^staff\b|^admin$",
    re.IGNORECASE,
)
_URL = re.compile(r"^(?:https?:)?//|^www\.")
_MAX_NAME = 60


def clean_authors(raw_names: list[str], publishers: list[str]) -> tuple[str, ...]:
    """Cleaned, de-duplicated author names from raw byline strings.

    A name equal to one of `publishers` (the outlet itself) is dropped, so an
    article "by UOL" on UOL has no author, while "Reuters" on UOL keeps one.
    """
    outlets = [[_fold(w) for w in p.split()] for p in publishers if p.strip()]
    names: list[str] = []
    for raw in raw_names:
        for name in _split(raw):
            if _is_outlet(name, outlets) or _fold(name) in {_fold(n) for n in names}:
                continue
            names.append(name)
    return tuple(names)


def _split(raw: str) -> list[str]:
    text = re.sub(r"\s+", " ", raw).strip()
    if not text or _URL.match(text):
        return []
    text = _DATE_TAIL.sub("", text)
    text = _PREFIX.sub("", text)
    text = _LOCATION.sub("", text).strip(" ,-–—|")
    if _NEWSROOM.match(text):
        return []
    parts = [_PREFIX.sub("", p).strip(" .,-–—|") for p in _SPLIT.split(text)]
    return [name for part in parts for name in _split_and(part) if _plausible(name)]


def _split_and(text: str) -> list[str]:
    """'Ana Souza e Rui Lima' is two people; 'José Volta e Pinto' is one."""
    pieces = _AND.split(text)
    if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
        return pieces
    return [text]


def _is_outlet(name: str, outlets: list[list[str]]) -> bool:
    """'UOL', 'g1 PI', 'Portal Norte RO': the outlet, or one of its desks."""
    words = [_fold(w) for w in name.split()]
    folded = "".join(words)
    return any(
        words[: len(outlet)] == outlet or folded == "".join(outlet) for outlet in outlets if outlet
    )


def _plausible(name: str) -> bool:
    if not name or len(name) > _MAX_NAME or _NEWSROOM.match(name) or _URL.match(name):
        return False
    return any(c.isalpha() for c in name) and not any(c.isdigit() for c in name)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())
