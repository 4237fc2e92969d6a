"""Small builders shared by the matching tests."""

from __future__ import annotations

from pathlib import Path

from alerts.matching import WatchlistMatch, WatchlistRule, compile_watchlists
from atalaia.article import Article

SEED_ARTICLE = Path(__file__).with_name("seed-article-r7.txt")
SEED_TITLE = "Coreia do Norte e Rússia abrem caminho para aprofundar ainda mais a relação"
SEED_LEAD = (
    "Aliados no cenário geopolítico, Putin e Kim Jong-un estreitaram laços diplomática"
    " nos últimos anos"
)


def seed_article() -> Article:
    """The user's R7 sample as the extractor hands it over: headline, lead, body.

    The saved text is the page as copied by hand: its first line runs the
    headline, the lead and the byline together, then come the share buttons, and
    the article text starts with the photo caption.
    """
    raw = SEED_ARTICLE.read_text(encoding="utf-8")
    assert SEED_TITLE in raw and SEED_LEAD in raw
    body = raw[raw.index("Em outubro de 2024, a Coreia do Norte enviou") :].strip()
    return Article(
        url="https://noticias.r7.com/internacional/coreia-do-norte-e-russia-27022025/",
        outlet="r7",
        title=SEED_TITLE,
        lead=SEED_LEAD,
        body=body,
        language="pt-BR",
    )


def article(body: str = "", title: str = "", lead: str = "", outlet: str = "g1") -> Article:
    return Article(url="https://example.org/a", outlet=outlet, title=title, lead=lead, body=body)


def match_query(query: str, body: str = "", title: str = "", lead: str = "") -> bool:
    rule = WatchlistRule("q", "q", query=query)
    return bool(compile_watchlists([rule]).match(article(body, title, lead)))


def match_terms(
    terms: tuple[str, ...],
    body: str = "",
    title: str = "",
    lead: str = "",
    exclude: tuple[str, ...] = (),
    outlets: tuple[str, ...] | None = None,
    outlet: str = "g1",
) -> list[WatchlistMatch]:
    rule = WatchlistRule("w", "w", terms=terms, exclude=exclude, outlets=outlets)
    return compile_watchlists([rule]).match(article(body, title, lead, outlet))
