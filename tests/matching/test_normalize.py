"""Normalization: folded words, and where they are in the original text."""

from __future__ import annotations

import html
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts.normalize import fold, normalize, tokenize


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Rússia", ["russia"]),
        ("RÚSSIA", ["russia"]),
        ("Ru\u0301ssia", ["russia"]),  # decomposed
        ("Coréia", ["coreia"]),
        ("Ação, ÇÃO", ["acao", "cao"]),
        ("Kim Jong-un", ["kim", "jong", "un"]),
        ("Kim Jong‑un Kim—Jong–un", ["kim", "jong", "un", "kim", "jong", "un"]),
        ("d’Ávila d'Ávila", ["d", "avila", "d", "avila"]),
        ("Coreia\u00a0do\u2009Norte", ["coreia", "do", "norte"]),
        ("“Rússia”, «Rússia» (Rússia)!", ["russia", "russia", "russia"]),
        ("R&uacute;ssia &amp; Coreia&nbsp;do&#160;Norte", ["russia", "coreia", "do", "norte"]),
        ("Straße", ["strasse"]),
        ("1ª e 2º lugar", ["1a", "e", "2o", "lugar"]),
        ("snake_case", ["snake", "case"]),
        ("Ελλάδα Москва", ["ελλαδα", "москва"]),
        ("", []),
        (" \n\t ", []),
    ],
)
def test_tokenize(text: str, words: list[str]) -> None:
    assert tokenize(text).words == words


def test_offsets_point_into_the_original_text() -> None:
    text = "A R&uacute;ssia e a Coreia&nbsp;do Norte, Kim Jong-un."
    tokens = tokenize(text)
    pieces = [text[start:end] for start, end in zip(tokens.starts, tokens.ends, strict=True)]
    assert pieces == ["A", "R&uacute;ssia", "e", "a", "Coreia", "do", "Norte", "Kim", "Jong", "un"]
    assert tokens.span(7, 9) == (text.index("Kim"), text.index("."))


def test_fold_and_normalize() -> None:
    assert fold("RÚSSIA") == fold("rússia") == fold("Ru\u0301ssia") == "russia"
    assert normalize("A Coréia do Norte — e a Rússia") == "a coreia do norte e a russia"


@given(st.text())
def test_every_word_folds_from_its_span(text: str) -> None:
    tokens = tokenize(text)
    assert len(tokens.starts) == len(tokens.ends) == len(tokens.words)
    for word, start, end in zip(tokens.words, tokens.starts, tokens.ends, strict=True):
        assert 0 <= start < end <= len(text)
        assert fold(html.unescape(text[start:end])) == word
        assert word and not any(ch.isspace() for ch in word)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_composed_and_decomposed_text_fold_alike(text: str) -> None:
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    assert tokenize(nfc).words == tokenize(nfd).words


@given(st.text(alphabet="aáàâãeéêiíoóôõuúüçAÁÀÂÃEÉÊIÍOÓÔÕUÚÇbcdrst -,.’'\u00a0"))
def test_portuguese_text_folds_to_ascii_words(text: str) -> None:
    for word in tokenize(text).words:
        assert word.isascii() and word.isalnum() and word == word.lower()
