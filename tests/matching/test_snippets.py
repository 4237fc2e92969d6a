"""Snippets: the sentence around a hit, as written, with the hit located."""

from __future__ import annotations

from alerts.matching import Hit
from tests.matching.helpers import match_terms

LONG = (
    "Segundo fontes do governo ouvidas pela reportagem nesta quinta-feira em Brasília,"
    " a delegação que viajou a Moscou para negociar o acordo comercial com a Rússia"
    " voltou sem resultados concretos depois de três dias de reuniões técnicas com"
    " representantes dos ministérios da Economia, da Agricultura e das Relações"
    " Exteriores, e uma nova rodada está prevista para o próximo mês."
)


def _only_hit(terms: tuple[str, ...], body: str) -> Hit:
    [match] = match_terms(terms, body=body)
    [hit] = match.hits
    return hit


def test_the_snippet_is_the_sentence_around_the_hit() -> None:
    body = "Primeira frase sem nada. A Rússia respondeu ontem! Depois, outra frase."
    hit = _only_hit(("Rússia",), body)
    assert hit.snippet == "A Rússia respondeu ontem!"
    assert hit.marked() == "A **Rússia** respondeu ontem!"
    assert hit.marked("[", "]") == "A [Rússia] respondeu ontem!"


def test_a_long_sentence_is_cut_at_word_boundaries_around_the_hit() -> None:
    hit = _only_hit(("Rússia",), LONG)
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 202
    assert hit.snippet[hit.start : hit.end] == "Rússia"
    inner = hit.snippet.strip("…")
    assert inner in LONG  # whole words: it starts and ends on a word of the original
    before, after = LONG.split(inner)
    assert before[-1:] in (" ", "") and after[:1] in (" ", ",", "")


def test_a_hit_at_the_start_of_a_long_sentence_is_only_cut_at_the_end() -> None:
    hit = _only_hit(("Segundo fontes",), LONG)
    assert hit.start == 0 and hit.snippet.endswith("…") and not hit.snippet.startswith("…")


def test_the_snippet_keeps_quotes_and_closing_punctuation() -> None:
    hit = _only_hit(("Rússia",), "Ele disse: “A Rússia venceu.” Fim. Outra.")
    assert hit.snippet == "Ele disse: “A Rússia venceu.”"


def test_paragraph_breaks_end_a_sentence_and_whitespace_collapses() -> None:
    hit = _only_hit(("Kim Jong-un",), "Título sem ponto\n\nO líder   Kim\nJong-un   falou")
    assert hit.snippet == "O líder Kim Jong-un falou"
    assert hit.snippet[hit.start : hit.end] == "Kim Jong-un"


def test_numbers_and_abbreviations_with_dots_do_not_end_a_sentence() -> None:
    hit = _only_hit(("Rússia",), "Foram 12.000 soldados para a Rússia em 2024.")
    assert hit.snippet == "Foram 12.000 soldados para a Rússia em 2024."


def test_entities_are_decoded_in_the_snippet() -> None:
    hit = _only_hit(("Rússia",), "A R&uacute;ssia &amp; a Coreia.")
    assert hit.snippet == "A Rússia & a Coreia."
    assert hit.snippet[hit.start : hit.end] == "Rússia"


def test_a_prefix_hit_marks_the_whole_word() -> None:
    hit = _only_hit(("russ*",), "Os soldados russos chegaram.")
    assert hit.term == "russ*"
    assert hit.marked() == "Os soldados **russos** chegaram."


def test_the_first_hit_of_each_term_in_each_field_is_reported() -> None:
    [match] = match_terms(("Rússia",), body="A Rússia. A Rússia de novo.", title="Rússia")
    assert [(hit.field, hit.snippet) for hit in match.hits] == [
        ("title", "Rússia"),
        ("body", "A Rússia."),
    ]
