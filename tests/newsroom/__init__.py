"""The newsroom: a local HTTP server standing in for Portuguese-language news outlets.

    with Newsroom(seed=1, articles_per_outlet=5) as newsroom:
        newsroom.write_catalogue(tmp_path / "outlets.yaml")   # point the crawler here
        ...crawl...
        assert {a.canonical_url for a in crawled} == {a.canonical_url for a in newsroom.expected()}

Each outlet (an `OutletSpec`: id, name, style, timezone, language) listens on its own
port of 127.0.0.1 and imitates one kind of real site (`Style`): WordPress, Arc XP,
Globo, a legacy ISO-8859-1 portal, a Portuguese Atom outlet, a feedless section site.
`FakeArticle` is the truth an extractor should find, including the correct UTC offset
whatever the page claims (`Trap` says what each article does wrong). `Fault` makes one
outlet misbehave. See newsroom/README.md for URL layouts and traps.
"""

from .model import (
    DEFAULT_SPECS,
    Access,
    FakeArticle,
    Fault,
    FaultKind,
    NonArticle,
    NonArticleKind,
    OutletSpec,
    Style,
    Trap,
)
from .newsroom import DEFAULT_NOW, Newsroom
from .outlet import FakeOutlet
from .text import TOPICS, WATCHLIST_TOPICS

__all__ = [
    "DEFAULT_NOW",
    "DEFAULT_SPECS",
    "TOPICS",
    "WATCHLIST_TOPICS",
    "Access",
    "FakeArticle",
    "FakeOutlet",
    "Fault",
    "FaultKind",
    "Newsroom",
    "NonArticle",
    "NonArticleKind",
    "OutletSpec",
    "Style",
    "Trap",
]
