"""Properties of the matcher, over generated text (hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from alerts.matching import WatchlistRule, compile_watchlists
from alerts.query import QueryError, parse_query
from tests.matching.helpers import article

MANY = compile_watchlists(
    [
        WatchlistRule(
            "default", "Coreia e Rússia", terms=("Coreia do Norte", "Rússia", "Kim Jong-un")
        ),
        WatchlistRule("prefix", "russ*", terms=("russ*", "a*"), exclude=("Bielorrússia",)),
        WatchlistRule("near", "near", query='(Putin OR "Kim Jong-un") NEAR/3 (Xi OR a*)'),
        WatchlistRule("fields", "fields", query="title:(a OR e) -body:o lead:a* OR NOT x"),
        WatchlistRule("not", "not", query="NOT (a OR b) -c"),
        WatchlistRule("chain", "chain", query="a NEAR/0 b NEAR/1 c OR (a NEAR/2 (b OR c))"),
    ]
)


@given(title=st.text(), lead=st.text(), body=st.text(), outlet=st.text(max_size=5))
def test_the_matcher_never_raises_on_arbitrary_text(
    title: str, lead: str, body: str, outlet: str
) -> None:
    for match in MANY.match(article(body, title, lead, outlet)):
        for hit in match.hits:
            assert 0 <= hit.start < hit.end <= len(hit.snippet)
            assert len(hit.snippet) <= 200 + 2 or hit.end - hit.start > 200


@given(st.text())
def test_a_query_either_parses_or_raises_query_error(text: str) -> None:
    try:
        tree = parse_query(text)
    except QueryError as error:
        assert 1 <= error.column <= len(text) + 1
    else:
        assert parse_query(str(tree)) == tree
        compile_watchlists([WatchlistRule("q", "q", query=text)]).match(article(text, text))


# -- case and accent variants ---------------------------------------------------

MATCHING = [
    ("Rússia", "Tropas da Rússia chegaram."),
    ("Coreia do Norte", "A Coreia do Norte e o Japão."),
    ("Kim Jong-un", "Reunião com Kim Jong-un ontem."),
    ("São Tomé e Príncipe", "Eleições em São Tomé e Príncipe."),
    ("Ação Popular", "A Ação Popular foi julgada."),
    ("Moçambique", "Cheias em Moçambique."),
    ("title:Rússia -Bielorrússia", "Rússia"),
    ('"Coreia do Norte" AND míss*', "A Coreia do Norte lançou mísseis."),
    ("Putin NEAR/2 Kim", "Putin e o Kim."),
]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@st.composite
def _variant(draw: st.DrawFn, text: str) -> str:
    """`text` with the case of each letter drawn, accents kept or stripped, and
    composed or decomposed."""
    cased = "".join(ch.upper() if draw(st.booleans()) else ch.lower() for ch in text)
    if draw(st.booleans()):
        cased = _strip_accents(cased)
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"])), cased)


@given(st.data())
def test_case_and_accent_variants_still_match(data: st.DataObject) -> None:
    query, text = data.draw(st.sampled_from(MATCHING))
    rule = WatchlistRule("w", "w", terms=(query,))
    matcher = compile_watchlists([rule])
    assert matcher.match(article(text, text))
    variant = data.draw(_variant(text))
    assert matcher.match(article(variant, variant)), variant


@given(st.data())
def test_case_and_accent_variants_of_a_term_still_match(data: st.DataObject) -> None:
    term, text = data.draw(st.sampled_from([case for case in MATCHING if ":" not in case[0]][:6]))
    variant = data.draw(_variant(term))
    matcher = compile_watchlists([WatchlistRule("w", "w", terms=(variant,))])
    assert matcher.match(article(text)), variant


# -- unrelated words around a match ------------------------------------------------

POSITIVE = [  # queries without NOT or NEAR, each with a text it matches
    ("Rússia", "Rússia"),
    ('"Coreia do Norte"', "Coreia do Norte"),
    ("Kim Jong-un", "Kim Jong Un"),
    ("russ*", "russos"),
    ("(Rússia OR Ucrânia) AND Putin", "Putin e Ucrânia"),
    ('Putin "Kim Jong-un" Xi', "Xi, Kim Jong-un, Putin"),
    ("((Lula OR Bolsonaro) AND (Trump OR Biden)) OR Milei", "Bolsonaro, Biden"),
    ("body:(Rússia OR russ*)", "russas"),
]
UNRELATED = [
    *("o", "a", "de", "do", "da", "em", "no", "na", "que", "para", "com", "uma"),
    *("governo", "ministro", "disse", "ontem", "hoje", "semana", "economia", "inflação"),
    *("São", "Paulo", "Lisboa", "Brasília", "eleições", "reforma", "mercado"),
]
SEPARATORS = [" ", ", ", ". ", " — ", "\n\n", " (", ") ", "\u00a0", " “", "” ", "-"]


@st.composite
def _words_around(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(UNRELATED), max_size=30))
    separators = draw(
        st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words))
    )
    return "".join(word + separator for word, separator in zip(words, separators, strict=True))


@given(
    st.sampled_from(POSITIVE),
    _words_around(),
    _words_around(),
    st.sampled_from(SEPARATORS),
)
def test_unrelated_words_around_a_match_keep_it(
    case: tuple[str, str], before: str, after: str, separator: str
) -> None:
    query, text = case
    matcher = compile_watchlists([WatchlistRule("w", "w", query=query)])
    assert matcher.match(article(text))
    padded = before + separator + text + separator + after
    assert matcher.match(article(padded)), padded
