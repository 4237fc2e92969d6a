"""The user's sample article against the default watchlist."""

from __future__ import annotations

from dataclasses import replace

from alerts.matching import Hit, WatchlistRule, compile_watchlists
from tests.matching.helpers import seed_article

DEFAULT = WatchlistRule(
    id="coreia-russia",
    name="Coreia do Norte e Rússia",
    terms=("Coreia do Norte", "Rússia", "Kim Jong-un"),
    exclude=("Bielorrússia",),
)

CAPTION = (
    "Em outubro de 2024, a Coreia do Norte enviou cerca de 12 mil soldados para lutarem"
    " ao lado da Rússia na guerra contra a Ucrânia Reprodução/NHK News"
)


def _marked(hit: Hit) -> tuple[str, str, str]:
    return hit.term, hit.field, hit.marked()


def test_seed_article_matches_the_default_watchlist_in_every_field() -> None:
    [match] = compile_watchlists([DEFAULT]).match(seed_article())

    assert (match.id, match.name) == ("coreia-russia", "Coreia do Norte e Rússia")
    assert [_marked(hit) for hit in match.hits] == [
        (
            "Coreia do Norte",
            "title",
            "**Coreia do Norte** e Rússia abrem caminho para aprofundar ainda mais a relação",
        ),
        (
            "Rússia",
            "title",
            "Coreia do Norte e **Rússia** abrem caminho para aprofundar ainda mais a relação",
        ),
        (
            "Kim Jong-un",
            "lead",
            "Aliados no cenário geopolítico, Putin e **Kim Jong-un** estreitaram laços"
            " diplomática nos últimos anos",
        ),
        ("Coreia do Norte", "body", CAPTION.replace("Coreia do Norte", "**Coreia do Norte**")),
        ("Rússia", "body", CAPTION.replace("Rússia", "**Rússia**")),
    ]


def test_hit_offsets_point_at_the_hit_in_the_snippet() -> None:
    [match] = compile_watchlists([DEFAULT]).match(seed_article())
    for hit in match.hits:
        assert hit.snippet[hit.start : hit.end] == hit.term
        assert hit.marked("<mark>", "</mark>").count("<mark>") == 1


def test_the_exclusion_drops_the_seed_article_once_it_mentions_belarus() -> None:
    article = seed_article()
    belarus = replace(article, body=article.body + "\n\nA Bielorrússia também enviou tropas.")

    assert compile_watchlists([DEFAULT]).match(belarus) == []


def test_the_outlet_filter_applies_to_the_seed_article() -> None:
    elsewhere = replace(DEFAULT, outlets=("g1", "folha", "publico"))
    here = replace(DEFAULT, id="r7-only", outlets=("r7",))

    matches = compile_watchlists([elsewhere, here]).match(seed_article())

    assert [match.id for match in matches] == ["r7-only"]


def test_seed_article_snippets_are_sentences_from_the_original_text() -> None:
    rule = WatchlistRule("pyongyang", "Pyongyang", terms=("Pyongyang", "russo"))
    [match] = compile_watchlists([rule]).match(seed_article())

    assert [(hit.term, hit.field, hit.snippet) for hit in match.hits] == [
        (
            "russo",
            "body",
            "Ri Hi-yong, membro do Comitê Central do Partido dos Trabalhadores da Coreia, se"
            " encontrou na terça-feira (18), em Moscou, com Vladimir Yakushev,"
            " secretário-geral do partido governista russo.",
        ),
        (
            "Pyongyang",
            "body",
            "Pyongyang também forneceu mais de 13 mil contêineres de munições, armas e"
            " mísseis para a Rússia desde agosto de 2023.",
        ),
    ]
