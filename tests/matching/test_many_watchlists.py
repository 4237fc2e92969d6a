"""Many watchlists at once: each shows its own hits, and only the matching ones cost snippets."""

from __future__ import annotations

import pytest

import alerts.matching
from alerts.matching import WatchlistRule, compile_watchlists
from alerts.normalize import TokenizedText
from alerts.snippets import Snippet, snippet_around
from tests.matching.helpers import article

BODY = (
    "A China e a Rússia assinaram um acordo. Em Seul, a Coreia do Sul reagiu."
    " Depois, a Rússia voltou a falar."
)


def _rules() -> list[WatchlistRule]:
    return [
        WatchlistRule("both", "both", terms=("Rússia", "China")),
        WatchlistRule("russia", "russia", terms=("Rússia",)),
        WatchlistRule("coreia-japao", "coreia-japao", query='"Coreia do Sul" AND Japão'),
        WatchlistRule("excluded", "excluded", terms=("Coreia do Sul",), exclude=("China",)),
        WatchlistRule("elsewhere", "elsewhere", terms=("Rússia",), outlets=("folha",)),
        WatchlistRule("china-russia", "china-russia", terms=("China", "Rússia", "Japão")),
        WatchlistRule("coreia", "coreia", terms=("Coreia do Sul",)),
    ]


def test_watchlists_sharing_names_each_show_theirs_in_file_order() -> None:
    found = compile_watchlists(_rules()).match(article(BODY, outlet="g1"))
    assert [match.id for match in found] == ["both", "russia", "china-russia", "coreia"]
    by_id = {match.id: [(hit.term, hit.hit) for hit in match.hits] for match in found}
    # The first hit of each term, in reading order, whatever order the terms were given in.
    assert by_id["both"] == [("China", "China"), ("Rússia", "Rússia")]
    assert by_id["china-russia"] == [("China", "China"), ("Rússia", "Rússia")]
    assert by_id["russia"] == [("Rússia", "Rússia")]
    assert by_id["coreia"] == [("Coreia do Sul", "Coreia do Sul")]
    assert found[0].hits[0].snippet == "A China e a Rússia assinaram um acordo."


def test_snippets_are_cut_only_for_the_watchlists_that_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cut: list[str] = []

    def counting(text: TokenizedText, first: int, last: int, width: int) -> Snippet:
        cut.append(text.original[text.starts[first] : text.ends[last]])
        return snippet_around(text, first, last, width)

    monkeypatch.setattr(alerts.matching, "snippet_around", counting)
    rules = [rule for rule in _rules() if rule.id in ("coreia-japao", "excluded", "russia")]
    found = compile_watchlists(rules).match(article(BODY, outlet="g1"))
    assert [match.id for match in found] == ["russia"]
    # "Coreia do Sul" is in the text, and two watchlists looked at it, but neither
    # matched: no snippet for it. Rússia's first place, once.
    assert cut == ["Rússia"]
