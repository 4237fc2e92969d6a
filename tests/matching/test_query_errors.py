"""Bad queries are refused with the column of the mistake."""

from __future__ import annotations

import pytest

from alerts.matching import RuleError, WatchlistRule, compile_watchlists
from alerts.query import And, Near, Not, Or, QueryError, Term, parse_query, parse_term


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ('Rússia "Coreia do Norte', 8, "unclosed quote"),
        ('"', 1, "unclosed quote"),
        ("(Rússia OR Ucrânia", 1, "unbalanced parenthesis: '(' is never closed"),
        ("Rússia (Putin OR (Kim)", 8, "unbalanced parenthesis: '(' is never closed"),
        ("Rússia OR Ucrânia)", 18, "unbalanced parenthesis: ')' without '('"),
        (")", 1, "unbalanced parenthesis: ')' without '('"),
        ("Rússia AND", 8, "AND needs a term after it"),
        ("AND Rússia", 1, "AND needs a term before it"),
        ("Rússia AND OR Ucrânia", 8, "AND needs a term after it"),
        ("Rússia OR", 8, "OR needs a term after it"),
        ("Rússia NOT", 8, "NOT needs a term after it"),
        ("(Rússia AND) Kim", 9, "AND needs a term after it"),
        ("Rússia NEAR Kim", 8, "NEAR needs a number of words, as in NEAR/5"),
        ("Rússia NEAR/ Kim", 8, "NEAR needs a number of words, as in NEAR/5"),
        ("Rússia NEAR/cinco Kim", 8, "NEAR needs a number of words, as in NEAR/5"),
        ("Rússia NEAR/5", 8, "NEAR/5 needs a term after it"),
        ("", 1, "empty query"),
        ("   ", 1, "empty query"),
        ("autor:Silva", 1, "unknown field 'autor' (fields: title, lead, body)"),
        ("Rússia titulo:Kim", 8, "unknown field 'titulo' (fields: title, lead, body)"),
        ("title:", 7, "'title:' needs a word, phrase or group right after it"),
        ("title: OR x", 8, "'title:' needs a word, phrase or group right after it"),
        ("title:(body:Kim)", 1, "'body:' inside 'title:' never matches"),
        ("()", 1, "empty parentheses"),
        ('Rússia ""', 8, "phrase has no letters or digits"),
        ("Rússia !!", 8, "term has no letters or digits"),
        ("r*ssia", 2, "'*' is only allowed at the end of a word"),
        ("*", 1, "term has no letters or digits"),
        ("Rússia ”", 8, "closing quote without an opening one"),
        ("NOT Rússia NEAR/3 Kim", 1, "NEAR works on words, phrases, prefixes and groups"),
        ("Kim NEAR/3 -Putin", 12, "NEAR works on words, phrases, prefixes and groups"),
        ("(a b) NEAR/3 Kim", 1, "NEAR works on words, phrases, prefixes and groups"),
    ],
)
def test_bad_query(query: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(query)
    error = raised.value
    assert error.query == query
    assert error.column == column
    assert error.message.startswith(message)
    assert str(error) == f"{error.message} at column {column}"


def test_the_unclosed_quote_example_from_the_brief() -> None:
    with pytest.raises(QueryError, match=r"^unclosed quote at column 7$"):
        parse_query('Putin "Kim Jong-un')


def test_a_bad_watchlist_names_itself_and_the_entry() -> None:
    rules = [
        WatchlistRule("ok", "ok", terms=("Rússia",)),
        WatchlistRule("coreia", "Coreia", terms=("Coreia do Norte",), exclude=("(Sul",)),
    ]
    with pytest.raises(RuleError) as raised:
        compile_watchlists(rules)
    error = raised.value
    assert (error.rule_id, error.location) == ("coreia", ("exclude", 0))
    assert error.query_error is not None and error.query_error.column == 1
    assert str(error) == (
        "watchlist 'coreia', exclude[0]: unbalanced parenthesis: '(' is never closed at column 1"
    )


@pytest.mark.parametrize(
    "rule",
    [
        WatchlistRule("both", "both", terms=("a",), query="b"),
        WatchlistRule("neither", "neither"),
        WatchlistRule("empty", "empty", terms=()),
    ],
)
def test_a_watchlist_needs_terms_or_a_query(rule: WatchlistRule) -> None:
    with pytest.raises(RuleError) as raised:
        compile_watchlists([rule])
    assert raised.value.location == ("terms",)


def test_query_rule_errors_point_at_the_query() -> None:
    with pytest.raises(RuleError) as raised:
        compile_watchlists([WatchlistRule("q", "q", query="Rússia AND")])
    assert raised.value.location == ("query",)


def test_precedence_in_the_tree() -> None:
    a, b, c = (Term(word, (word,)) for word in "abc")
    assert parse_query("a b OR c") == Or((And((a, b)), c))
    assert parse_query("a OR b c") == Or((a, And((b, c))))
    assert parse_query("a AND b OR c") == parse_query("a b OR c")
    assert parse_query("-a b") == And((Not(a), b))
    assert parse_query("a NEAR/2 b c") == And((Near(a, b, 2), c))
    assert parse_query("a OR b NEAR/2 c") == Or((a, Near(b, c, 2)))


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        ("Coreia do Norte", "phrase"),
        ("Kim Jong-un", "phrase"),
        ("Rússia", "word"),
        ("russ*", "word"),
        ("Rússia -Bielorrússia", "query"),
        ("Estados Unidos OR EUA", "query"),
        ('"Coreia do Norte" Kim', "query"),
        ("(Coreia do Norte)", "query"),
        ("title:Rússia", "query"),
        ("Putin NEAR/3 Kim", "query"),
    ],
)
def test_parse_term_reads_a_spaced_entry_without_operators_as_a_phrase(
    entry: str, kind: str
) -> None:
    node = parse_term(entry)
    if kind == "phrase":
        assert isinstance(node, Term) and len(node.words) > 1 and node.source == entry
    elif kind == "word":
        assert isinstance(node, Term) and len(node.words) == 1
    else:
        assert not isinstance(node, Term)


def test_parse_term_errors_carry_the_column_in_the_entry() -> None:
    with pytest.raises(QueryError) as raised:
        parse_term("Rússia OR")
    assert raised.value.column == 8


@pytest.mark.parametrize(
    "query",
    [
        "Rússia",
        '"Coreia do Norte" OR russ*',
        "(a OR b) AND NOT c",
        "title:(Kim OR Putin) -body:futebol",
        "a NEAR/3 (b OR c) NEAR/2 d",
        '"Kim Jong-un*"',
    ],
)
def test_a_query_prints_as_a_query_that_parses_the_same(query: str) -> None:
    tree = parse_query(query)
    assert parse_query(str(tree)) == tree
